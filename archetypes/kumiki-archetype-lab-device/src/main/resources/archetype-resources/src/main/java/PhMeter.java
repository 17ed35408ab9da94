package ${package};

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.LimitsDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ComponentPropertyType;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@Component(service = {Device.class, Readable.class}, configurationPid = PhMeter.PID)
@Designate(ocd = PhMeter.Config.class)
@PhMeter.DeviceProperties
public class PhMeter implements Readable {
    static final String PID = "${package}";
    private static final Logger LOG = LoggerFactory.getLogger(PhMeter.class);

    @ObjectClassDefinition(name = "pH meter", description = "A simulated pH meter")
    public @interface Config {
        @AttributeDefinition(description = "Device name, unique in the lab (lab.device.name)")
        String lab_device_name() default "ph1";
        @AttributeDefinition(description = "Where it stands (lab.device.location)")
        String lab_device_location() default "bench-1";
        @AttributeDefinition(description = "The pH the probe sits in", min = "0", max = "14")
        double ph() default 7.0;
        @AttributeDefinition(description = "Standard deviation of the reading noise", min = "0")
        double noise() default 0.01;
    }

    /**
     * The service properties the lab reads ({@link LabConstants}); a configuration overrides
     * name and location. Capabilities must be a String[]: a DS {@code property = "...=readable"}
     * string is not one.
     */
    @ComponentPropertyType
    @interface DeviceProperties {
        String lab_device_name() default "ph1";
        String lab_device_location() default "bench-1";
        String lab_device_kind() default "ph-meter";
        String lab_device_vendor() default "example";
        String[] lab_device_capabilities() default {"readable"};
    }

    private final String name;
    private final double ph;
    private final double noise;
    private final Random random = new Random();

    @Activate
    public PhMeter(Config config) {
        if (config.ph() < 0 || config.ph() > 14) throw new IllegalArgumentException("ph = " + config.ph() + " is out of range [0, 14]");
        if (!(config.noise() >= 0)) throw new IllegalArgumentException("noise = " + config.noise() + " must be >= 0");
        this.name = config.lab_device_name();
        this.ph = config.ph();
        this.noise = config.noise();
        LOG.info("pH meter {} at pH {}", name, ph);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, ReadingDTO> read() throws DeviceException {
        double value = Math.max(0, Math.min(14, ph + noise * random.nextGaussian()));
        Map<String, ReadingDTO> r = new LinkedHashMap<>();
        r.put(name, ReadingDTO.of(value, System.currentTimeMillis() / 1000.0));
        return r;
    }

    @Override
    public Map<String, DataKeyDTO> describe() {
        DataKeyDTO key = DataKeyDTO.number("example:" + name, "pH", name);
        key.limits = LimitsDTO.of(0.0, 14.0);
        Map<String, DataKeyDTO> d = new LinkedHashMap<>();
        d.put(name, key);
        return d;
    }
}
