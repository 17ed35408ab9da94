package org.kumiki.lab.sim.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.kumiki.lab.api.DeviceDisconnectedException;
import org.kumiki.lab.api.LimitViolationException;

class SimDevicesTest {

    @Test
    void motorFollowsATrapezoidalProfileAndArrives() throws Exception {
        SimMotor m = new SimMotor("m1", 0, 10, 100, -5.0, 5.0, "mm");
        // 4 units at v=10, a=100: accel 0.1 s (0.5 units) + cruise 0.3 s + decel 0.1 s = 0.5 s
        assertEquals(0.5, m.moveTime(4), 1e-9);
        // short move is triangular: 2*sqrt(0.25/100) = 0.1 s
        assertEquals(0.1, m.moveTime(0.25), 1e-9);
        CompletableFuture<Void> s = m.set(4.0).toCompletableFuture();
        assertTrue(m.isMoving());
        s.get(10, TimeUnit.SECONDS);
        assertEquals(4.0, m.position(), 1e-12);
        assertEquals(4.0, (Double) m.read().get("m1").value, 1e-12);
        assertEquals(List.of("m1", "m1_setpoint"), List.copyOf(m.describe().keySet()));
    }

    @Test
    void motorRefusesOutOfLimitAndNonNumericSetPoints() throws Exception {
        SimMotor m = new SimMotor("m1", 0, 10, 100, -5.0, 5.0, "mm");
        assertThrows(LimitViolationException.class, () -> m.set(5.0001));
        assertThrows(LimitViolationException.class, () -> m.set(-1e300));
        assertThrows(LimitViolationException.class, () -> m.set(Double.NaN));
        assertThrows(LimitViolationException.class, () -> m.set("abc"));
        assertThrows(LimitViolationException.class, () -> m.set(null));
        assertEquals(0.0, m.position());
        assertFalse(m.isMoving());
    }

    @Test
    void stopFreezesAMotorMidMoveAndFailsItsStatus() throws Exception {
        SimMotor m = new SimMotor("m1", 0, 1, 10, null, null, "mm");
        CompletableFuture<Void> s = m.set(100.0).toCompletableFuture();
        m.stop();
        assertFalse(m.isMoving());
        double p = m.position();
        assertTrue(p < 100, "stopped short: " + p);
        ExecutionException e = assertThrows(ExecutionException.class, () -> s.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("stopped"));
        assertEquals(p, m.position(), 0.0);
    }

    @Test
    void temperatureApproachesItsSetPointExponentially() throws Exception {
        SimTemperatureController tc = new SimTemperatureController("tc1", 300, 0.05, 0.5, 250.0, 450.0);
        tc.set(310.0).toCompletableFuture().get(10, TimeUnit.SECONDS);
        double t = tc.temperature();
        assertTrue(Math.abs(t - 310) <= 0.5 + 1e-9, "settled within tolerance: " + t);
        assertThrows(LimitViolationException.class, () -> tc.set(1000.0));
    }

    @Test
    void detectorPeaksAtItsCentre() throws Exception {
        SimLab.Bench b = SimLab.build(new String[] {"m1", "m2"}, 0, 0, -50, 50, "det1", 0, 0, null, 1, 1, null, 0, null, 0, 1);
        b.motors.get(0).set(1.0);
        b.motors.get(1).set(-0.5);
        b.detector.trigger();
        double top = (Double) b.detector.read().get("det1").value;
        b.motors.get(0).set(5.0);
        b.detector.trigger();
        double off = (Double) b.detector.read().get("det1").value;
        assertEquals(1010, top, 1e-9);
        assertTrue(off < top / 2, off + " < " + top);
    }

    @Test
    void spectrometerLandscapeHasItsOptimumWhereDocumented() throws Exception {
        SimLab.Bench b = SimLab.build(new String[0], 0, 0, 0, 0, null, 0, 0, null, 1, 1, "robot1", 0, "spec1", 0, 1);
        b.robot.set(Map.of("ratio_a", SimSpectrometer.OPT_A, "ratio_b", SimSpectrometer.OPT_B, "temperature", SimSpectrometer.OPT_T));
        b.spectrometer.trigger();
        double best = (Double) b.spectrometer.read().get("spec1_yield").value;
        assertEquals(SimSpectrometer.MAX_YIELD, best, 1e-12);
        b.robot.set(Map.of("ratio_a", 0.2, "ratio_b", 0.5, "temperature", 300.0));
        b.spectrometer.trigger();
        assertTrue((Double) b.spectrometer.read().get("spec1_yield").value < best);
        assertThrows(LimitViolationException.class, () -> b.robot.set(Map.of("ratio_a", 0.8, "ratio_b", 0.5)));
        assertThrows(LimitViolationException.class, () -> b.robot.set(Map.of("ratio_a", -0.1)));
        assertThrows(LimitViolationException.class, () -> b.robot.set(Map.of("temperature", 1e9)));
        assertThrows(LimitViolationException.class, () -> b.robot.set(Map.of("rm -rf", 1)));
        b.robot.setConnected(false);
        assertThrows(DeviceDisconnectedException.class, () -> b.spectrometer.trigger());
        assertThrows(DeviceDisconnectedException.class, () -> b.robot.read());
    }

    @Test
    void refusesHostileNames() {
        assertThrows(IllegalArgumentException.class, () -> new SimMotor("../x", 0, 1, 1, null, null, "mm"));
        assertThrows(IllegalArgumentException.class, () -> new SimMotor("", 0, 1, 1, null, null, "mm"));
    }
}
