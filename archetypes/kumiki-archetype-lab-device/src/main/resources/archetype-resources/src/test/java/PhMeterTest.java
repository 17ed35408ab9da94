package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.ReadingDTO;

/** Unit tests: the component is a plain object, built with {@code new}. */
class PhMeterTest {

    @Test
    void readsThePhItSitsInWithinTheNoise() throws Exception {
        PhMeter meter = new PhMeter(config("ph1", 4.0, 0.01));
        Map<String, ReadingDTO> r = meter.read();
        assertEquals(1, r.size());
        double value = (Double) r.get("ph1").value;
        assertTrue(Math.abs(value - 4.0) < 0.1, "reading " + value);
        assertTrue(r.get("ph1").timestamp > 0);
    }

    @Test
    void describesTheSameKeysItReads() throws Exception {
        PhMeter meter = new PhMeter(config("ph2", 7.0, 0.0));
        Map<String, DataKeyDTO> d = meter.describe();
        assertEquals(meter.read().keySet(), d.keySet());
        assertEquals("pH", d.get("ph2").units);
        assertEquals("number", d.get("ph2").dtype);
    }

    @Test
    void refusesAPhOutOfRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PhMeter(config("ph1", 15.0, 0.01)));
        assertEquals("ph = 15.0 is out of range [0, 14]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PhMeter(config("ph1", 7.0, -1)));
    }

    static PhMeter.Config config(String name, double ph, double noise) {
        return new PhMeter.Config() {
            @Override public Class<? extends Annotation> annotationType() { return PhMeter.Config.class; }
            @Override public String lab_device_name() { return name; }
            @Override public String lab_device_location() { return "bench-1"; }
            @Override public double ph() { return ph; }
            @Override public double noise() { return noise; }
        };
    }
}
