package org.kumiki.platform.health.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.kumiki.platform.api.Installation;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Free space on the file system that holds {@code state/}: WARN under one threshold, CRITICAL under a lower one. */
@Component(service = HealthCheck.class, configurationPid = StateSpaceCheck.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {HealthCheck.NAME + "=Free space for state", HealthCheck.TAGS + "=platform", HealthCheck.TAGS + "=" + Checks.DEFAULT})
@Designate(ocd = StateSpaceCheck.Config.class)
public class StateSpaceCheck implements HealthCheck {

    static final String PID = "org.kumiki.platform.health.space";
    private static final long MB = 1024L * 1024L;

    @ObjectClassDefinition(name = "Kumiki health: free space for state", description = "Free space on the file system of the state folder")
    public @interface Config {
        @AttributeDefinition(name = "Warn under (MB)", description = "WARN when less than this is free", min = "0")
        long warn_free_mb() default 2048;

        @AttributeDefinition(name = "Critical under (MB)", description = "CRITICAL when less than this is free (at most the WARN threshold)", min = "0")
        long critical_free_mb() default 256;
    }

    private final Installation installation;
    private final long warnBytes;
    private final long criticalBytes;

    @Activate
    public StateSpaceCheck(@Reference Installation installation, Config config) {
        this.installation = installation;
        this.warnBytes = Math.max(0, config.warn_free_mb()) * MB;
        this.criticalBytes = Math.max(0, config.critical_free_mb()) * MB;
    }

    @Override
    public Result execute() {
        Path state = installation.stateRoot();
        long usable;
        try {
            usable = Files.getFileStore(state).getUsableSpace();
        } catch (IOException e) {
            ResultLog log = Checks.log();
            Checks.add(log, Result.Status.CRITICAL, "cannot read the free space of " + state + ": " + e.getMessage());
            return new Result(log);
        }
        return evaluate(state, usable, warnBytes, criticalBytes);
    }

    static Result evaluate(Path state, long usable, long warnBytes, long criticalBytes) {
        ResultLog log = Checks.log();
        String free = mb(usable) + " free on the file system of " + state;
        if (criticalBytes > warnBytes) {
            Checks.add(log, Result.Status.WARN, "critical.free.mb (" + mb(criticalBytes) + ") is above warn.free.mb (" + mb(warnBytes) + "): using it for both");
            warnBytes = criticalBytes;
        }
        if (usable < criticalBytes) {
            Checks.add(log, Result.Status.CRITICAL, free + ", under the critical threshold of " + mb(criticalBytes));
        } else if (usable < warnBytes) {
            Checks.add(log, Result.Status.WARN, free + ", under the warning threshold of " + mb(warnBytes));
        } else {
            Checks.add(log, Result.Status.OK, free);
        }
        return new Result(log);
    }

    static String mb(long bytes) {
        return (bytes / MB) + " MB";
    }
}
