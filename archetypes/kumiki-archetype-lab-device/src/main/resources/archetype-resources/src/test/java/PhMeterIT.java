package ${package};

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Readable;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

/** In-framework test (run by bnd-testing-maven-plugin in Felix): the device as the lab sees it. */
class PhMeterIT {

    @InjectService(filter = "(lab.device.name=ph1)", timeout = 10000)
    ServiceAware<Readable> meter;

    @Test
    void registersAsAReadableDeviceWithTheLabsProperties() throws Exception {
        ServiceReference<Readable> ref = meter.getServiceReference();
        assertEquals("ph-meter", ref.getProperty(LabConstants.DEVICE_KIND));
        assertEquals("bench-1", ref.getProperty(LabConstants.DEVICE_LOCATION));
        // a String[], not a String: the run engine ignores anything else
        assertArrayEquals(new String[] {"readable"}, (String[]) ref.getProperty(LabConstants.DEVICE_CAPABILITIES));
        double value = (Double) meter.getService().read().get("ph1").value;
        assertTrue(value > 6.5 && value < 7.5, "reading " + value);
    }
}
