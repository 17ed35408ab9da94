package org.kumiki.lab.sim.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.DeviceDisconnectedException;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.LimitsDTO;
import org.kumiki.lab.api.dto.ReadingDTO;

/** Shared bits of simulated devices: time, a timer for completions, and a connection switch. */
abstract class SimDevice implements Device {

    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kumiki-lab-sim-timer");
        t.setDaemon(true);
        return t;
    });

    final String name;
    private volatile boolean connected = true;

    SimDevice(String name) {
        if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_]{0,63}")) {
            throw new IllegalArgumentException("bad device name: " + name);
        }
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean connected() {
        return connected;
    }

    /** Simulates a cable pulled out (false) and plugged back in (true). */
    void setConnected(boolean c) {
        connected = c;
    }

    void checkConnected() throws DeviceDisconnectedException {
        if (!connected) throw new DeviceDisconnectedException(name + " is disconnected");
    }

    /** What a settable device reads: its value under its name and its setpoint, both stamped now. */
    Map<String, ReadingDTO> valueAndSetpoint(double value, double setpoint) {
        double t = now();
        Map<String, ReadingDTO> r = new LinkedHashMap<>();
        r.put(name, ReadingDTO.of(value, t));
        r.put(name + "_setpoint", ReadingDTO.of(setpoint, t));
        return r;
    }

    /** The data keys of {@link #valueAndSetpoint}: both in {@code units} within {@code limits}. */
    Map<String, DataKeyDTO> describeValueAndSetpoint(String units, LimitsDTO limits, int precision) {
        Map<String, DataKeyDTO> d = new LinkedHashMap<>();
        DataKeyDTO k = DataKeyDTO.number("SIM:" + name, units, name);
        k.limits = limits;
        k.precision = precision;
        d.put(name, k);
        DataKeyDTO sp = DataKeyDTO.number("SIM:" + name + ".setpoint", units, name);
        sp.limits = limits;
        d.put(name + "_setpoint", sp);
        return d;
    }

    static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    static double seconds() {
        return System.nanoTime() / 1e9;
    }

    static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    static double number(Object value, String what) throws org.kumiki.lab.api.LimitViolationException {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            if (Double.isFinite(d)) return d;
        } else if (value instanceof String s) {
            try {
                double d = Double.parseDouble(s.trim());
                if (Double.isFinite(d)) return d;
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new org.kumiki.lab.api.LimitViolationException(what + " needs a finite number, not " + value);
    }
}
