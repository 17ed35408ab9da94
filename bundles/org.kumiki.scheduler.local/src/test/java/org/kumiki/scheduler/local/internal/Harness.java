package org.kumiki.scheduler.local.internal;

import java.lang.annotation.Annotation;
import java.nio.file.Path;
import java.util.Map;

import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.api.spi.TaskFunction;
import org.kumiki.scheduler.internal.SchedulerImpl;

/** The real scheduler core, the real journal and the real local backend, wired by hand. */
final class Harness implements AutoCloseable {
    final SchedulerImpl scheduler;
    final LocalBackend local;

    Harness(Path state, int cpus, int gpus, long memoryMib) throws Exception {
        this(state, cpus, gpus, memoryMib, true);
    }

    Harness(Path state, int cpus, int gpus, long memoryMib, boolean withFunctions) throws Exception {
        this(state, config(cpus, gpus, memoryMib, 60), withFunctions);
    }

    Harness(Path state, LocalBackend.Config config, boolean withFunctions) throws Exception {
        JournalFactoryComponent journals = JournalFactoryComponent.withInterval(5);
        scheduler = new SchedulerImpl(journals, state, "local", 1000);
        local = new LocalBackend(null, config);
        if (withFunctions) {
            function("echo", (args, ctx) -> args);
            function("noop", (args, ctx) -> null);
            function("boom", (args, ctx) -> {
                throw new IllegalStateException("boom: " + args);
            });
            function("spin", (args, ctx) -> {
                while (!ctx.isCancelled()) Thread.sleep(5);
                return "\"stopped\"";
            });
        }
        scheduler.addBackend(local, Map.of(ExecutionBackend.NAME, "local"));
    }

    void function(String name, TaskFunction f) {
        local.addFunction(f, Map.of(TaskFunction.NAME, name));
    }

    static LocalBackend.Config config(int cpus, int gpus, long memoryMib, long functionWaitS) {
        return new LocalBackend.Config() {
            @Override public Class<? extends Annotation> annotationType() { return LocalBackend.Config.class; }
            @Override public int cpus() { return cpus; }
            @Override public int gpus() { return gpus; }
            @Override public long memory_mib() { return memoryMib; }
            @Override public long kill_grace_ms() { return 500; }
            @Override public int function_threads() { return 0; }
            @Override public long function_wait_s() { return functionWaitS; }
        };
    }

    @Override
    public void close() {
        local.deactivate();
        scheduler.close();
    }
}
