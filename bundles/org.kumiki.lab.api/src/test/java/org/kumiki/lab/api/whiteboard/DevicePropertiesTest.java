package org.kumiki.lab.api.whiteboard;

import org.kumiki.lab.api.LabConstants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DevicePropertiesTest {

    private static Map<String, Object> service(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("service.id", 42L);
        m.put("component.name", "com.example.phmeter.PhMeter");
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void wellTypedPropertiesPass() {
        assertNull(DeviceProperties.problem(service(LabConstants.DEVICE_NAME, "ph1", LabConstants.DEVICE_KIND, "ph-meter",
                LabConstants.DEVICE_CAPABILITIES, new String[] {"readable", "calibratable"})));
        assertNull(DeviceProperties.problem(service()), "every property is optional");
        assertNull(DeviceProperties.problem(null));
    }

    @Test
    void aCapabilitiesStringIsRefusedNamingServiceAndProperty() {
        assertEquals("lab device service 42 (component com.example.phmeter.PhMeter) refused: lab.device.capabilities must be a String[],"
                + " got the String \"readable\" (a DS property = \"lab.device.capabilities=...\" line is one String:"
                + " declare it with a @ComponentPropertyType whose member is String[])",
                DeviceProperties.problem(service(LabConstants.DEVICE_CAPABILITIES, "readable")));
    }

    @Test
    void otherWrongTypesAreRefused() {
        assertEquals("lab device service 42 (component com.example.phmeter.PhMeter) refused: lab.device.capabilities must be a String[], got the ArrayList \"[readable]\"",
                DeviceProperties.problem(service(LabConstants.DEVICE_CAPABILITIES, new ArrayList<>(List.of("readable")))));
        assertEquals("lab device service 42 (component com.example.phmeter.PhMeter) refused: lab.device.name must be a String, got the String[]",
                DeviceProperties.problem(service(LabConstants.DEVICE_NAME, new String[] {"a", "b"})));
        assertEquals("lab device service 42 (component com.example.phmeter.PhMeter) refused: lab.device.kind must be a String, got the Integer \"7\"",
                DeviceProperties.problem(service(LabConstants.DEVICE_KIND, 7)));
        // a blank optional string is unset (the OPC UA driver's metatype default for location is "")
        assertEquals(null, DeviceProperties.problem(service(LabConstants.DEVICE_LOCATION, " ")));
        assertEquals("lab device service 42 (component com.example.phmeter.PhMeter) refused: lab.device.capabilities holds a blank or null entry",
                DeviceProperties.problem(service(LabConstants.DEVICE_CAPABILITIES, new String[] {"readable", ""})));
    }

    @Test
    void hostileValuesArePrintedOnOneShortLine() {
        String p = DeviceProperties.problem(service(LabConstants.DEVICE_VENDOR, 1, "component.name", "evil\n" + "x".repeat(200)));
        // the line break escaped as the toolkit's one grammar (Text.oneLine) does, cut after 64 characters
        assertEquals("lab device service 42 (component evil\\n" + "x".repeat(59) + "...) refused: lab.device.vendor must be a String, got the Integer \"1\"", p);
    }
}
