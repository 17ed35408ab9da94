package org.kumiki.platform.health.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Every registered execution backend answers ({@link ExecutionBackend#probe()}: the Slurm backend
 * asks its controller), each within a bounded wait, probed in parallel.
 */
@Component(service = HealthCheck.class, configurationPid = SchedulerBackendsCheck.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {HealthCheck.NAME + "=Scheduler backends", HealthCheck.TAGS + "=scheduler", HealthCheck.TAGS + "=" + Checks.DEFAULT})
@Designate(ocd = SchedulerBackendsCheck.Config.class)
public class SchedulerBackendsCheck implements HealthCheck {

    static final String PID = "org.kumiki.platform.health.scheduler";

    @ObjectClassDefinition(name = "Kumiki health: scheduler backends", description = "Every execution backend answers (Slurm: its controller)")
    public @interface Config {
        @AttributeDefinition(name = "Probe timeout (ms)", description = "Longest wait for one backend's answer; a backend that takes longer is CRITICAL", min = "1")
        long probe_timeout_ms() default 1500;
    }

    private final Scheduler scheduler;
    private final long timeoutMs;
    private final Map<String, ExecutionBackend> backends = new java.util.concurrent.ConcurrentHashMap<>();
    private final ExecutorService probes = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kumiki-health-probe");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public SchedulerBackendsCheck(@Reference Scheduler scheduler, Config config) {
        this.scheduler = scheduler;
        this.timeoutMs = Math.max(1, config.probe_timeout_ms());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBackend(ExecutionBackend backend, Map<String, Object> props) {
        backends.put(name(backend, props), backend);
    }

    void removeBackend(ExecutionBackend backend, Map<String, Object> props) {
        backends.remove(name(backend, props), backend);
    }

    private static String name(ExecutionBackend backend, Map<String, Object> props) {
        Object n = props.get(ExecutionBackend.NAME);
        return n == null ? backend.getClass().getSimpleName() : n.toString();
    }

    @Deactivate
    void deactivate() {
        probes.shutdownNow();
    }

    @Override
    public Result execute() {
        ResultLog log = Checks.log();
        Map<String, BackendDTO> known = new TreeMap<>();
        for (BackendDTO b : scheduler.backends()) {
            known.put(b.name, b);
        }
        Map<String, ExecutionBackend> now = new TreeMap<>(backends);
        if (now.isEmpty() && known.isEmpty()) {
            Checks.add(log, Result.Status.CRITICAL, "no execution backend is registered: tasks cannot run");
            return new Result(log);
        }
        Map<String, CompletableFuture<String>> answers = new TreeMap<>();
        for (Map.Entry<String, ExecutionBackend> e : now.entrySet()) {
            answers.put(e.getKey(), CompletableFuture.supplyAsync(e.getValue()::probe, probes));
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        List<String> up = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<String>> e : answers.entrySet()) {
            String name = e.getKey();
            String why;
            try {
                why = e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException t) {
                e.getValue().cancel(true);
                why = "did not answer within " + timeoutMs + " ms";
            } catch (InterruptedException t) {
                Thread.currentThread().interrupt();
                why = "interrupted while probing";
            } catch (Exception t) {
                Throwable c = t.getCause() == null ? t : t.getCause();
                why = "probe failed: " + c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
            }
            if (why == null) {
                up.add(name + describe(known.get(name)));
            } else {
                Checks.add(log, Result.Status.CRITICAL, "backend " + name + ": " + why);
            }
        }
        for (String name : known.keySet()) {
            if (!now.containsKey(name)) {
                up.add(name + describe(known.get(name)));
            }
        }
        if (!up.isEmpty()) {
            Checks.add(log, Result.Status.OK, "answering: " + String.join(", ", up));
        }
        return new Result(log);
    }

    static String describe(BackendDTO b) {
        if (b == null) {
            return "";
        }
        return " (" + b.running + " running, " + b.pending + " pending)";
    }
}
