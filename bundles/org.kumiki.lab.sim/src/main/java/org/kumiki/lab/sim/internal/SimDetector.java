package org.kumiki.lab.sim.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.ReadingDTO;

/**
 * A point detector looking at a Gaussian spot: counts = background + peak * exp(-r^2 / 2 sigma^2)
 * where r is the distance of the motors' positions from the centre, plus Gaussian noise.
 * A trigger latches a new value after the exposure time (0: at once).
 */
public final class SimDetector extends SimDevice implements Readable, Triggerable {

    private final List<SimMotor> motors;
    private final double[] centre;
    private final double sigma;
    private final double peak;
    private final double background;
    private final double noise;
    private final double exposure;
    private final SplittableRandom random;
    private volatile double value;
    private volatile double stamp;

    public SimDetector(String name, List<SimMotor> motors, double[] centre, double sigma, double peak, double background, double noise,
            double exposure, long seed) {
        super(name);
        this.motors = motors;
        this.centre = centre;
        this.sigma = sigma;
        this.peak = peak;
        this.background = background;
        this.noise = noise;
        this.exposure = exposure;
        this.random = new SplittableRandom(seed);
        latch();
    }

    /** The noiseless signal at the motors' present positions. */
    public double ideal() {
        double r2 = 0;
        for (int i = 0; i < motors.size(); i++) {
            double d = motors.get(i).position() - (i < centre.length ? centre[i] : 0);
            r2 += d * d;
        }
        return background + peak * Math.exp(-r2 / (2 * sigma * sigma));
    }

    private void latch() {
        double n;
        synchronized (random) {
            n = noise > 0 ? random.nextDouble(-1, 1) + random.nextDouble(-1, 1) + random.nextDouble(-1, 1) : 0; // ~ Gaussian, sd 1
        }
        value = ideal() + noise * n;
        stamp = now();
    }

    @Override
    public CompletionStage<Void> trigger() throws DeviceException {
        checkConnected();
        if (exposure <= 0) {
            latch();
            return done();
        }
        CompletableFuture<Void> s = new CompletableFuture<>();
        SimDevice.TIMER.schedule(() -> {
            latch();
            s.complete(null);
        }, (long) (exposure * 1e6), TimeUnit.MICROSECONDS);
        return s;
    }

    @Override
    public Map<String, ReadingDTO> read() throws DeviceException {
        checkConnected();
        return Map.of(name, ReadingDTO.of(value, stamp));
    }

    @Override
    public Map<String, DataKeyDTO> describe() {
        Map<String, DataKeyDTO> d = new LinkedHashMap<>();
        DataKeyDTO k = DataKeyDTO.number("SIM:" + name, "counts", name);
        k.precision = 2;
        d.put(name, k);
        return d;
    }
}
