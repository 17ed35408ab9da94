package org.kumiki.lab.sim.internal;

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
 * A temperature controller with first-order dynamics: T(t) = Tset + (T0 - Tset) exp(-t / tau).
 * A set completes when |T - Tset| falls under the tolerance. {@code stop()} holds the present
 * temperature.
 */
public final class SimTemperatureController extends SimDevice implements Movable, Stoppable {

    private final double tau;
    private final double tolerance;
    private final LimitsDTO limits;
    private double t0;
    private double setpoint;
    private double since = seconds();
    private CompletableFuture<Void> status = done();
    private ScheduledFuture<?> settle;

    public SimTemperatureController(String name, double initial, double tau, double tolerance, Double low, Double high) {
        super(name);
        this.tau = tau;
        this.tolerance = tolerance;
        this.limits = LimitsDTO.of(low, high);
        this.t0 = initial;
        this.setpoint = initial;
    }

    public synchronized double temperature() {
        if (!(tau > 0)) return setpoint;
        return setpoint + (t0 - setpoint) * Math.exp(-(seconds() - since) / tau);
    }

    @Override
    public CompletionStage<Void> set(Object value) throws DeviceException {
        checkConnected();
        double v = number(value, name);
        if ((limits.low != null && v < limits.low) || (limits.high != null && v > limits.high)) {
            throw new LimitViolationException(name + ": " + v + " is outside [" + limits.low + ", " + limits.high + "]");
        }
        synchronized (this) {
            double now = temperature();
            if (settle != null) settle.cancel(false);
            status.completeExceptionally(new DeviceException(name + ": superseded by a new set point"));
            t0 = now;
            setpoint = v;
            since = seconds();
            double gap = Math.abs(now - v);
            if (gap <= tolerance || !(tau > 0)) {
                status = done();
                return status;
            }
            double wait = tau * Math.log(gap / tolerance);
            CompletableFuture<Void> s = new CompletableFuture<>();
            status = s;
            settle = TIMER.schedule(() -> s.complete(null), (long) Math.ceil(wait * 1e6), TimeUnit.MICROSECONDS);
            return s;
        }
    }

    @Override
    public synchronized void stop() {
        double now = temperature();
        if (settle != null) settle.cancel(false);
        t0 = now;
        setpoint = now;
        since = seconds();
        status.completeExceptionally(new DeviceException(name + ": stopped at " + now));
    }

    @Override
    public LimitsDTO limits() {
        return limits;
    }

    @Override
    public Map<String, ReadingDTO> read() throws DeviceException {
        checkConnected();
        synchronized (this) {
            return valueAndSetpoint(temperature(), setpoint);
        }
    }

    @Override
    public Map<String, DataKeyDTO> describe() {
        return describeValueAndSetpoint("K", limits, 3);
    }
}
