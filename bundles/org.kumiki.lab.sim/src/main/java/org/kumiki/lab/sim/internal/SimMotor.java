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
 * A motor with a trapezoidal velocity profile (maximum speed, constant acceleration and
 * deceleration). The position is computed from the clock, so no thread runs per motor; a
 * timer completes the move status on arrival. {@code stop()} freezes the position at once.
 */
public final class SimMotor extends SimDevice implements Movable, Stoppable {

    private final double velocity;
    private final double acceleration;
    private final LimitsDTO limits;
    private final String units;

    // motion state, guarded by this
    private double from;
    private double target;
    private double startedAt;
    private double duration;
    private boolean moving;
    private CompletableFuture<Void> status = done();
    private ScheduledFuture<?> arrival;

    public SimMotor(String name, double initial, double velocity, double acceleration, Double low, Double high, String units) {
        super(name);
        this.velocity = velocity;
        this.acceleration = acceleration;
        this.limits = LimitsDTO.of(low, high);
        this.units = units;
        this.from = initial;
        this.target = initial;
    }

    /** Seconds a move of {@code distance} takes under the profile. */
    double moveTime(double distance) {
        double d = Math.abs(distance);
        if (d == 0 || !(velocity > 0) || Double.isInfinite(velocity)) return 0;
        if (!(acceleration > 0) || Double.isInfinite(acceleration)) return d / velocity;
        double dAcc = velocity * velocity / acceleration; // distance to reach v and stop again
        if (d < dAcc) return 2 * Math.sqrt(d / acceleration);
        return d / velocity + velocity / acceleration;
    }

    /** Distance covered after {@code t} seconds of a move of total distance {@code d}. */
    private double covered(double d, double t) {
        if (t >= duration) return d;
        if (!(acceleration > 0) || Double.isInfinite(acceleration)) return velocity * t;
        double tAcc = Math.min(velocity / acceleration, duration / 2);
        double vPeak = acceleration * tAcc;
        if (t <= tAcc) return 0.5 * acceleration * t * t;
        double dAcc = 0.5 * acceleration * tAcc * tAcc;
        double tCruise = duration - 2 * tAcc;
        if (t <= tAcc + tCruise) return dAcc + vPeak * (t - tAcc);
        double td = t - tAcc - tCruise;
        return dAcc + vPeak * tCruise + vPeak * td - 0.5 * acceleration * td * td;
    }

    public synchronized double position() {
        if (!moving) return from;
        double t = seconds() - startedAt;
        if (t >= duration) return target;
        double d = target - from;
        return from + Math.signum(d) * covered(Math.abs(d), t);
    }

    public synchronized boolean isMoving() {
        return moving && seconds() - startedAt < duration;
    }

    @Override
    public CompletionStage<Void> set(Object value) throws DeviceException {
        checkConnected();
        double v = number(value, name);
        if ((limits.low != null && v < limits.low) || (limits.high != null && v > limits.high)) {
            throw new LimitViolationException(name + ": " + v + " is outside [" + limits.low + ", " + limits.high + "]");
        }
        synchronized (this) {
            double here = position();
            if (moving) {
                interrupt("superseded by a new set point");
            }
            from = here;
            target = v;
            duration = moveTime(v - here);
            startedAt = seconds();
            if (duration <= 0) {
                from = v;
                moving = false;
                status = done();
                return status;
            }
            moving = true;
            CompletableFuture<Void> s = new CompletableFuture<>();
            status = s;
            arrival = TIMER.schedule(() -> arrive(s), (long) Math.ceil(duration * 1e6), TimeUnit.MICROSECONDS);
            return s;
        }
    }

    private void arrive(CompletableFuture<Void> s) {
        synchronized (this) {
            if (status != s || !moving) return;
            from = target;
            moving = false;
        }
        s.complete(null);
    }

    private void interrupt(String why) {
        // caller holds the lock
        from = position();
        target = from;
        moving = false;
        if (arrival != null) arrival.cancel(false);
        CompletableFuture<Void> s = status;
        s.completeExceptionally(new DeviceException(name + ": move " + why + " at " + from));
    }

    @Override
    public void stop() {
        synchronized (this) {
            if (moving) interrupt("stopped");
        }
    }

    @Override
    public LimitsDTO limits() {
        return limits;
    }

    @Override
    public Map<String, ReadingDTO> read() throws DeviceException {
        checkConnected();
        synchronized (this) {
            return valueAndSetpoint(position(), target);
        }
    }

    @Override
    public Map<String, DataKeyDTO> describe() {
        return describeValueAndSetpoint(units, limits, 4);
    }
}
