package org.kumiki.lab.sim.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.LimitViolationException;
import org.kumiki.lab.api.Movable;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.LimitsDTO;
import org.kumiki.lab.api.dto.ReadingDTO;

/**
 * A synthesis robot: a set point is a recipe {@code {"ratio_a": x, "ratio_b": y,
 * "temperature": T}} (fractions of reagents A and B, the rest C; temperature in K). Mixing takes
 * {@code reactionTime} seconds; the product then stays until the next recipe. A single number
 * sets only ratio_a.
 */
public final class SimSynthesisRobot extends SimDevice implements Movable, Stoppable {

    /** A finished product. */
    public record Product(double ratioA, double ratioB, double temperature, long serial) {
    }

    private final double reactionTime;
    private final double minT;
    private final double maxT;
    private volatile Product product;
    private long serial;
    private CompletableFuture<Void> status = done();
    private ScheduledFuture<?> mixing;

    public SimSynthesisRobot(String name, double reactionTime, double minT, double maxT) {
        super(name);
        this.reactionTime = reactionTime;
        this.minT = minT;
        this.maxT = maxT;
    }

    public Product product() {
        return product;
    }

    @Override
    public CompletionStage<Void> set(Object value) throws DeviceException {
        checkConnected();
        Product last = product;
        double a;
        double b = last == null ? 0.25 : last.ratioB();
        double t = last == null ? (minT + maxT) / 2 : last.temperature();
        if (value instanceof Map<?, ?> m) {
            for (Object k : m.keySet()) {
                if (!"ratio_a".equals(k) && !"ratio_b".equals(k) && !"temperature".equals(k)) {
                    throw new LimitViolationException(name + ": unknown recipe field '" + k + "' (ratio_a, ratio_b, temperature)");
                }
            }
            a = m.containsKey("ratio_a") ? number(m.get("ratio_a"), name + ".ratio_a") : (last == null ? 0.25 : last.ratioA());
            if (m.containsKey("ratio_b")) b = number(m.get("ratio_b"), name + ".ratio_b");
            if (m.containsKey("temperature")) t = number(m.get("temperature"), name + ".temperature");
        } else {
            a = number(value, name + ".ratio_a");
        }
        if (a < 0 || b < 0 || a + b > 1 + 1e-12) {
            throw new LimitViolationException(name + ": ratios must be >= 0 and ratio_a + ratio_b <= 1, got " + a + " and " + b);
        }
        if (t < minT || t > maxT) {
            throw new LimitViolationException(name + ": temperature " + t + " is outside [" + minT + ", " + maxT + "]");
        }
        synchronized (this) {
            if (mixing != null) mixing.cancel(false);
            status.completeExceptionally(new DeviceException(name + ": superseded by a new recipe"));
            Product p = new Product(a, b, t, ++serial);
            if (reactionTime <= 0) {
                product = p;
                status = done();
                return status;
            }
            CompletableFuture<Void> s = new CompletableFuture<>();
            status = s;
            mixing = TIMER.schedule(() -> {
                product = p;
                s.complete(null);
            }, (long) (reactionTime * 1e6), TimeUnit.MICROSECONDS);
            return s;
        }
    }

    @Override
    public synchronized void stop() {
        if (mixing != null) mixing.cancel(false);
        status.completeExceptionally(new DeviceException(name + ": synthesis stopped"));
    }

    @Override
    public LimitsDTO limits() {
        return null; // recipes are checked by the robot itself, before it starts
    }

    @Override
    public Map<String, ReadingDTO> read() throws DeviceException {
        checkConnected();
        double ts = now();
        Product p = product;
        Map<String, ReadingDTO> r = new LinkedHashMap<>();
        r.put(name + "_ratio_a", ReadingDTO.of(p == null ? 0.0 : p.ratioA(), ts));
        r.put(name + "_ratio_b", ReadingDTO.of(p == null ? 0.0 : p.ratioB(), ts));
        r.put(name + "_temperature", ReadingDTO.of(p == null ? 0.0 : p.temperature(), ts));
        return r;
    }

    @Override
    public Map<String, DataKeyDTO> describe() {
        Map<String, DataKeyDTO> d = new LinkedHashMap<>();
        DataKeyDTO a = DataKeyDTO.number("SIM:" + name + ".ratio_a", null, name);
        a.limits = LimitsDTO.of(0.0, 1.0);
        d.put(name + "_ratio_a", a);
        DataKeyDTO b = DataKeyDTO.number("SIM:" + name + ".ratio_b", null, name);
        b.limits = LimitsDTO.of(0.0, 1.0);
        d.put(name + "_ratio_b", b);
        DataKeyDTO t = DataKeyDTO.number("SIM:" + name + ".temperature", "K", name);
        t.limits = LimitsDTO.of(minT, maxT);
        d.put(name + "_temperature", t);
        return d;
    }
}
