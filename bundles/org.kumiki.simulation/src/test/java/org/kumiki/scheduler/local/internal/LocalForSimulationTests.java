package org.kumiki.scheduler.local.internal;

import java.lang.annotation.Annotation;

import org.kumiki.scheduler.api.spi.ExecutionBackend;

/** The real local backend with a fixed number of cores. */
public final class LocalForSimulationTests {
    private LocalForSimulationTests() {
    }

    public static ExecutionBackend backend(int cpus) {
        return new LocalBackend(null, new LocalBackend.Config() {
            @Override public Class<? extends Annotation> annotationType() { return LocalBackend.Config.class; }
            @Override public int cpus() { return cpus; }
            @Override public int gpus() { return 0; }
            @Override public long memory_mib() { return 8192; }
            @Override public long kill_grace_ms() { return 500; }
            @Override public int function_threads() { return 0; }
            @Override public long function_wait_s() { return 60; }
        });
    }

    public static void close(ExecutionBackend b) {
        ((LocalBackend) b).deactivate();
    }
}
