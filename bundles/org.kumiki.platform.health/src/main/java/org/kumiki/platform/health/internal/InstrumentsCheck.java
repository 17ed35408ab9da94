package org.kumiki.platform.health.internal;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Every instrument the run engine knows is connected; a disconnected one is CRITICAL, named. */
@Component(service = HealthCheck.class,
        property = {HealthCheck.NAME + "=Lab instruments", HealthCheck.TAGS + "=lab", HealthCheck.TAGS + "=" + Checks.DEFAULT})
public class InstrumentsCheck implements HealthCheck {

    private final RunEngine engine;

    @Activate
    public InstrumentsCheck(@Reference RunEngine engine) {
        this.engine = engine;
    }

    @Override
    public Result execute() {
        ResultLog log = Checks.log();
        List<String> connected = new ArrayList<>();
        for (DeviceDTO d : engine.devices()) {
            if (d.connected) {
                connected.add(d.name);
            } else {
                Checks.add(log, Result.Status.CRITICAL, "instrument " + d.name + " is disconnected"
                        + (d.location == null || d.location.isBlank() ? "" : " (" + d.location + ")"));
            }
        }
        Checks.add(log, Result.Status.OK, connected.size() + " instrument" + (connected.size() == 1 ? "" : "s") + " connected"
                + (connected.isEmpty() ? "" : ": " + String.join(", ", connected)));
        return new Result(log);
    }
}
