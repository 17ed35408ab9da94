import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.lab.engine.internal.PlansImpl;
import org.kumiki.lab.engine.internal.RunEngineImpl;
import org.kumiki.lab.sim.internal.SimLab;
import org.kumiki.lab.sim.internal.SimMotor;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.internal.JournalFactoryComponent;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Lab benchmark. (1) events/s of a count plan on a zero-latency detector through the real
 * engine with every document persisted on the platform journal and delivered to a subscriber,
 * beside the limit: the same journal appending event-sized records with the same sync policy
 * and no engine. (2) emergency-stop latency: engine.emergencyStop() from the call until every one
 * of 16 moving simulated motors has stopped, beside stopping them in a plain loop.
 */
public final class LabBenchmark {

    static JournalFactoryComponent journals() {
        return new JournalFactoryComponent(new JournalFactoryComponent.Config() {
            @Override public Class<? extends Annotation> annotationType() { return JournalFactoryComponent.Config.class; }
            @Override public long flush_interval_ms() { return 20; }
        });
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int trials = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Path root = Files.createTempDirectory("kumiki-lab-bench");
        System.out.println("load: " + new String(Files.readAllBytes(Path.of("/proc/loadavg")), StandardCharsets.UTF_8).trim());
        for (long syncMs : new long[] {0, 5}) {
            // strict mode is fsync-bound: a fifth of the events gives the same rate in less time
            int n = syncMs == 0 ? Math.max(1000, events / 5) : events;
            String policy = syncMs == 0 ? "fsync at every checkpoint" : "fsync at most every " + syncMs + " ms of checkpoints";
            double limit = journalLimit(root.resolve("limit-" + syncMs), n, syncMs);
            double engine = engineRate(root.resolve("engine-" + syncMs), n, syncMs);
            System.out.printf("events/s (%s, %d events): engine %.0f, journal limit %.0f, engine/limit %.2f, engine/target(10000) %.2f%n", policy, n, engine, limit,
                    engine / limit, engine / 10_000);
        }
        estop(root.resolve("estop"), trials);
        System.out.println("load: " + new String(Files.readAllBytes(Path.of("/proc/loadavg")), StandardCharsets.UTF_8).trim());
    }

    /** The floor under the engine: event-sized JSON records appended to the same journal with the same sync policy. */
    static double journalLimit(Path dir, int n, long syncMs) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JournalFactoryComponent f = journals();
        try (Journal j = f.open(dir, (k, v) -> {
        })) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("det1", 123.456789);
            long t0 = System.nanoTime();
            long last = t0;
            for (int i = 1; i <= n; i++) {
                Map<String, Object> ev = new LinkedHashMap<>();
                ev.put("uid", "run-00000000-0000-0000-0000-000000000000-e" + i);
                ev.put("time", System.currentTimeMillis() / 1000.0);
                ev.put("descriptor", "desc-00000000-0000-0000-0000-000000000000");
                ev.put("seq_num", i);
                ev.put("data", data);
                ev.put("timestamps", Map.of("det1", 1.7e9));
                ev.put("filled", Map.of());
                String num = Long.toString(i);
                j.put("d" + "000000000000".substring(num.length()) + num, json.writeValueAsBytes(Map.of("name", "event", "doc", ev)));
                long now = System.nanoTime();
                if (syncMs == 0 || now - last >= TimeUnit.MILLISECONDS.toNanos(syncMs)) {
                    j.sync();
                    last = now;
                } else {
                    j.flush(); // the engine hands every checkpoint to the OS
                }
            }
            j.sync();
            return n / ((System.nanoTime() - t0) / 1e9);
        }
    }

    static double engineRate(Path dir, int n, long syncMs) throws Exception {
        JournalFactoryComponent f = journals();
        RunEngineImpl engine = RunEngineImpl.create(f, dir, new RunEngineImpl.Settings(syncMs, 65536, 20, 50, 1000, 10000));
        SimLab.Bench b = SimLab.build(new String[] {"m1"}, 0, 0, -50, 50, "det1", 0, 1, null, 1, 1, null, 0, null, 0, 1);
        for (Device d : b.all()) engine.addDevice(d, Map.of(LabConstants.DEVICE_NAME, d.name()));
        AtomicLong seen = new AtomicLong();
        AutoCloseable sub = engine.subscribe((name, doc) -> {
            if (name.equals("event")) seen.incrementAndGet();
        });
        PlansImpl plans = new PlansImpl();
        try {
            // warm-up
            int warm = Math.min(n / 4, 20_000);
            engine.submit(plans.count(List.of("det1"), warm, 0, null)).toCompletableFuture().get();
            long t0 = System.nanoTime();
            RunSummaryDTO s = engine.submit(plans.count(List.of("det1"), n, 0, null)).toCompletableFuture().get();
            double secs = (System.nanoTime() - t0) / 1e9;
            if (!"success".equals(s.status) || s.numEvents.get("primary") != n) throw new IllegalStateException("bad run " + s.status);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (seen.get() < n + warm && System.nanoTime() < deadline) Thread.sleep(1);
            if (seen.get() != n + warm) throw new IllegalStateException("subscriber saw " + seen.get());
            if (engine.documents(s.uid).size() != n + 3) throw new IllegalStateException("documents on disk: " + engine.documents(s.uid).size());
            return n / secs;
        } finally {
            sub.close();
            engine.close();
        }
    }

    static void estop(Path dir, int trials) throws Exception {
        JournalFactoryComponent f = journals();
        RunEngineImpl engine = RunEngineImpl.create(f, dir, RunEngineImpl.Settings.defaults());
        String[] names = new String[16];
        for (int i = 0; i < names.length; i++) names[i] = "m" + (i + 1);
        SimLab.Bench b = SimLab.build(names, 1.0, 10.0, -1000, 1000, null, 0, 0, null, 1, 1, null, 0, null, 0, 1);
        for (Device d : b.all()) engine.addDevice(d, Map.of(LabConstants.DEVICE_NAME, d.name()));
        double[] viaEngine = new double[trials];
        double[] loop = new double[trials];
        try {
            for (int t = 0; t < trials; t++) {
                for (SimMotor m : b.motors) m.set(m.position() + (t % 2 == 0 ? 100 : -100));
                long t0 = System.nanoTime();
                List<String> failed = engine.emergencyStop("benchmark");
                long t1 = System.nanoTime();
                for (SimMotor m : b.motors) if (m.isMoving()) throw new IllegalStateException(m.name() + " still moving");
                if (!failed.isEmpty()) throw new IllegalStateException("not stopped: " + failed);
                engine.reset();
                viaEngine[t] = (t1 - t0) / 1e6;
                for (SimMotor m : b.motors) m.set(m.position() + (t % 2 == 0 ? -100 : 100));
                long u0 = System.nanoTime();
                for (SimMotor m : b.motors) m.stop();
                long u1 = System.nanoTime();
                loop[t] = (u1 - u0) / 1e6;
            }
        } finally {
            engine.close();
        }
        Arrays.sort(viaEngine);
        Arrays.sort(loop);
        System.out.printf("emergency stop, 16 moving motors, %d trials: median %.3f ms, p99 %.3f ms, max %.3f ms (target 10 ms: max/target %.3f); "
                + "plain stop() loop median %.3f ms, engine/loop %.1f%n", trials, viaEngine[trials / 2], viaEngine[(int) (trials * 0.99)],
                viaEngine[trials - 1], viaEngine[trials - 1] / 10, loop[trials / 2], viaEngine[trials / 2] / loop[trials / 2]);
    }
}
