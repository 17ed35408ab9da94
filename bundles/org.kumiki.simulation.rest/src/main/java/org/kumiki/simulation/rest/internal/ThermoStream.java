package org.kumiki.simulation.rest.internal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.platform.rest.SseStream;

/**
 * Feeds one client's event stream of a run: every new thermo row ({@code event: thermo}, id = its
 * step), every state change ({@code event: state}), and at the end {@code event: end} with the
 * run, then closes. The simulation API has no thermo listener, so one shared timer thread (made on
 * the first stream) looks at each watched run every {@link #periodMillis}.
 */
final class ThermoStream implements Runnable {

    /** Poll period; tests may lower it. */
    static volatile long periodMillis = 200;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private static final class Timer {
        static final ScheduledExecutorService POOL = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kumiki-sim-rest-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private final SimulationService sims;
    private final String runId;
    private final SseStream sse;
    private long lastStep;
    private RunState lastState;
    private ScheduledFuture<?> task;

    private ThermoStream(SimulationService sims, String runId, SseStream sse, long afterStep) {
        this.sims = sims;
        this.runId = runId;
        this.sse = sse;
        this.lastStep = afterStep;
    }

    static void start(SimulationService sims, String runId, SseStream sse, long afterStep) {
        ThermoStream t = new ThermoStream(sims, runId, sse, afterStep);
        synchronized (t) {
            t.task = Timer.POOL.scheduleWithFixedDelay(t, 0, periodMillis, TimeUnit.MILLISECONDS);
        }
        sse.onClose(() -> {
            synchronized (t) {
                t.task.cancel(false);
            }
        });
    }

    @Override
    public synchronized void run() {
        if (sse.isClosed()) {
            task.cancel(false);
            return;
        }
        try {
            Optional<RunDTO> r = sims.get(runId);
            if (r.isEmpty()) {
                sse.close();
                return;
            }
            RunDTO run = r.get();
            // read the rows after the state: a terminal state then means every row is there
            List<ThermoDTO> rows = sims.results(runId).thermo;
            for (ThermoDTO row : rows) {
                if (row.step > lastStep || (lastStep == -1 && row.step == 0)) {
                    sse.send("thermo", Long.toString(row.step), row);
                    lastStep = row.step;
                }
            }
            if (run.state != lastState) {
                lastState = run.state;
                sse.send("state", null, run);
            }
            if (run.state.isTerminal()) {
                sse.send("end", null, run);
                sse.close();
            }
        } catch (RuntimeException e) {
            sse.send("error", null, java.util.Map.of("error", String.valueOf(e.getMessage())));
            sse.close();
        }
    }
}
