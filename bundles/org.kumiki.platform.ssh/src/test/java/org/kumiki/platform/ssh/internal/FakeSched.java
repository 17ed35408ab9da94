package org.kumiki.platform.ssh.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** A stand-in for sched: commands, counting what ran. */
public final class FakeSched {
    final AtomicInteger submitted = new AtomicInteger();
    volatile CountDownLatch waiting = new CountDownLatch(1);
    volatile CountDownLatch interrupted = new CountDownLatch(1);

    public String list() {
        return "task-1 DONE";
    }

    public String submit(String name) {
        submitted.incrementAndGet();
        return "submitted " + name;
    }

    public String fail() {
        throw new IllegalArgumentException("boom: no such task");
    }

    /** Waits until interrupted (like sched:wait on a long task). */
    public String await() throws InterruptedException {
        waiting.countDown();
        try {
            Thread.sleep(600_000);
            return "finished";
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
    }
}
