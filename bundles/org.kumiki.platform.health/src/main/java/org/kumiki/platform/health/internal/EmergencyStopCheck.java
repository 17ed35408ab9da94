package org.kumiki.platform.health.internal;

import java.util.Optional;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.kumiki.lab.api.RunEngine;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** A latched emergency stop is CRITICAL, with its reason, until an admin resets it ({@code lab:reset}). */
@Component(service = HealthCheck.class,
        property = {HealthCheck.NAME + "=Emergency stop", HealthCheck.TAGS + "=lab", HealthCheck.TAGS + "=" + Checks.DEFAULT})
public class EmergencyStopCheck implements HealthCheck {

    private final RunEngine engine;

    @Activate
    public EmergencyStopCheck(@Reference RunEngine engine) {
        this.engine = engine;
    }

    @Override
    public Result execute() {
        ResultLog log = Checks.log();
        Optional<String> reason = engine.emergencyStopReason();
        if (reason.isPresent()) {
            Checks.add(log, Result.Status.CRITICAL, "emergency stop is latched: " + reason.get() + "; no motion until it is reset");
        } else {
            Checks.add(log, Result.Status.OK, "emergency stop is not active; run engine " + engine.state());
        }
        return new Result(log);
    }
}
