package org.kumiki.lab.engine.internal;

import java.nio.file.Path;
import java.util.List;

/** Runs a long count in a child JVM and reports each durable checkpoint on stdout; the parent kills it with SIGKILL. */
public final class CrashChild {
    public static void main(String[] args) throws Exception {
        Harness h = new Harness(Path.of(args[0]));
        h.engine.checkpointHook = n -> {
            if (n % 50 == 0) {
                System.out.println("DURABLE " + n);
                System.out.flush();
            }
        };
        h.engine.submit(h.plans.count(List.of("det1", "m1"), 10_000_000, 0, null));
        Thread.sleep(600_000);
    }
}
