package org.kumiki.lab.sim.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;

import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.ReadingDTO;

/**
 * Measures the robot's last product: its yield (0..1) and absorption peak (nm). The yield is a
 * smooth landscape with one known optimum:
 * {@code yield = 0.92 exp(-((a - 0.45)^2 / 0.02 + (b - 0.30)^2 / 0.015 + ((T - 345) / 25)^2))}
 * plus noise, a and b the reagent fractions and T the reaction temperature in K.
 */
public final class SimSpectrometer extends SimDevice implements Readable, Triggerable {

    public static final double OPT_A = 0.45;
    public static final double OPT_B = 0.30;
    public static final double OPT_T = 345.0;
    public static final double MAX_YIELD = 0.92;

    private final SimSynthesisRobot robot;
    private final double noise;
    private final SplittableRandom random;
    private volatile double yield;
    private volatile double peak;
    private volatile double stamp;

    public SimSpectrometer(String name, SimSynthesisRobot robot, double noise, long seed) {
        super(name);
        this.robot = robot;
        this.noise = noise;
        this.random = new SplittableRandom(seed);
    }

    public static double idealYield(double a, double b, double t) {
        double x = (a - OPT_A) * (a - OPT_A) / 0.02 + (b - OPT_B) * (b - OPT_B) / 0.015 + ((t - OPT_T) / 25) * ((t - OPT_T) / 25);
        return MAX_YIELD * Math.exp(-x);
    }

    @Override
    public CompletionStage<Void> trigger() throws DeviceException {
        checkConnected();
        if (!robot.connected()) throw new org.kumiki.lab.api.DeviceDisconnectedException(name + ": sample robot " + robot.name() + " is disconnected");
        SimSynthesisRobot.Product p = robot.product();
        double n;
        synchronized (random) {
            n = noise > 0 ? (random.nextDouble(-1, 1) + random.nextDouble(-1, 1) + random.nextDouble(-1, 1)) * noise : 0;
        }
        if (p == null) {
            yield = 0;
            peak = 0;
        } else {
            yield = Math.max(0, idealYield(p.ratioA(), p.ratioB(), p.temperature()) + n);
            peak = 480 + 80 * p.ratioA() - 30 * p.ratioB() + 0.1 * (p.temperature() - 300);
        }
        stamp = now();
        return done();
    }

    @Override
    public Map<String, ReadingDTO> read() throws DeviceException {
        checkConnected();
        Map<String, ReadingDTO> r = new LinkedHashMap<>();
        r.put(name + "_yield", ReadingDTO.of(yield, stamp));
        r.put(name + "_peak_nm", ReadingDTO.of(peak, stamp));
        return r;
    }

    @Override
    public Map<String, DataKeyDTO> describe() {
        Map<String, DataKeyDTO> d = new LinkedHashMap<>();
        d.put(name + "_yield", DataKeyDTO.number("SIM:" + name + ".yield", null, name));
        d.put(name + "_peak_nm", DataKeyDTO.number("SIM:" + name + ".peak", "nm", name));
        return d;
    }
}
