import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.http.internal.OipServlet;
import org.kumiki.inference.internal.ModelManager;
import org.kumiki.inference.onnx.internal.OnnxEngine;
import org.kumiki.inference.test.OnnxWriter;

/**
 * Kumiki inference against its peers, in one run: raw ONNX Runtime session.run vs the in-process
 * InferenceService at batch 1; 32 concurrent callers with and without dynamic batching; OIP v2
 * over loopback HTTP vs in-process. Same model, same session settings (1 intra-op thread).
 */
public class InferenceBenchmark {

    static final int IN = 64, HIDDEN = Integer.getInteger("hidden", 1024), OUT = 16;
    static final int DELAY_US = Integer.getInteger("delay.us", 100), BATCH_INSTANCES = Integer.getInteger("batch.instances", 1),
            BATCH_THREADS = Integer.getInteger("batch.threads", 2), NOBATCH_INSTANCES = Integer.getInteger("nobatch.instances", 2),
            NOBATCH_THREADS = Integer.getInteger("nobatch.threads", 1), ASYNC_THREADS = Integer.getInteger("async.threads", 2);
    static final String PREFERRED = System.getProperty("preferred", "32");
    static final long WARM_MS = Long.getLong("warm.ms", 2000), RUN_MS = Long.getLong("run.ms", 5000);

    interface Call {
        void run() throws Exception;
    }

    /** Runs a call in a loop on `threads` threads; returns {throughput per s, p50 us, p99 us}. */
    static double[] measure(int threads, Call call) throws Exception {
        loop(threads, WARM_MS, call, null);
        List<long[]> lat = new ArrayList<>();
        long n = loop(threads, RUN_MS, call, lat);
        long[] all = lat.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        return new double[] {n * 1000.0 / RUN_MS, all[all.length / 2] / 1000.0, all[(int) (all.length * 0.99)] / 1000.0};
    }

    /** A and B alternate in blocks of 100 calls on one thread, so both see the same machine load. */
    static double[][] measureAB(Call a, Call b) throws Exception {
        long end = System.nanoTime() + WARM_MS * 1_000_000L;
        while (System.nanoTime() < end) {
            a.run();
            b.run();
        }
        long[] la = new long[4_000_000], lb = new long[4_000_000];
        int na = 0, nb = 0;
        long ta = 0, tb = 0;
        end = System.nanoTime() + 2 * RUN_MS * 1_000_000L;
        while (System.nanoTime() < end && na < la.length - 100) {
            for (int i = 0; i < 100; i++) {
                long t0 = System.nanoTime();
                a.run();
                long d = System.nanoTime() - t0;
                la[na++] = d;
                ta += d;
            }
            for (int i = 0; i < 100; i++) {
                long t0 = System.nanoTime();
                b.run();
                long d = System.nanoTime() - t0;
                lb[nb++] = d;
                tb += d;
            }
        }
        long[] sa = Arrays.copyOf(la, na), sb = Arrays.copyOf(lb, nb);
        Arrays.sort(sa);
        Arrays.sort(sb);
        return new double[][] {{na * 1e9 / ta, sa[na / 2] / 1000.0, sa[(int) (na * 0.99)] / 1000.0},
                {nb * 1e9 / tb, sb[nb / 2] / 1000.0, sb[(int) (nb * 0.99)] / 1000.0}};
    }

    /** A and B run alternately in 10 blocks each (RUN_MS / 5 per pair), so both see the same load. */
    static double[][] measureAlternating(int threads, Call a, Call b) throws Exception {
        loop(threads, WARM_MS / 2, a, null);
        loop(threads, WARM_MS / 2, b, null);
        List<long[]> la = new ArrayList<>(), lb = new ArrayList<>();
        long na = 0, nb = 0, block = Math.max(50, RUN_MS / 10);
        for (int i = 0; i < 10; i++) {
            na += loop(threads, block, a, la);
            nb += loop(threads, block, b, lb);
        }
        return new double[][] {stats(na, 10 * block, la), stats(nb, 10 * block, lb)};
    }

    static double[] stats(long n, long ms, List<long[]> lat) {
        long[] all = lat.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
        return new double[] {n * 1000.0 / ms, all[all.length / 2] / 1000.0, all[(int) (all.length * 0.99)] / 1000.0};
    }

    static long loop(int threads, long ms, Call call, List<long[]> lat) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        long[] counts = new long[threads];
        long[][] samples = new long[threads][threads == 1 ? 2_000_000 : 200_000];
        CountDownLatch done = new CountDownLatch(threads);
        Throwable[] err = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        call.run();
                        long d = System.nanoTime() - t0;
                        if (counts[id] < samples[id].length) {
                            samples[id][(int) counts[id]] = d;
                        }
                        counts[id]++;
                    }
                } catch (Throwable e) {
                    err[0] = e;
                } finally {
                    done.countDown();
                }
            });
            th.start();
        }
        Thread.sleep(ms);
        stop.set(true);
        done.await();
        if (err[0] != null) {
            throw new RuntimeException(err[0]);
        }
        if (lat != null) {
            for (int t = 0; t < threads; t++) {
                lat.add(Arrays.copyOf(samples[t], (int) Math.min(counts[t], samples[t].length)));
            }
        }
        return Arrays.stream(counts).sum();
    }

    static byte[] mlp() {
        Random r = new Random(42);
        float[] w1 = new float[IN * HIDDEN], b1 = new float[HIDDEN], w2 = new float[HIDDEN * HIDDEN], b2 = new float[HIDDEN], w3 = new float[HIDDEN * OUT], b3 = new float[OUT];
        for (float[] a : new float[][] {w1, b1, w2, b2, w3, b3}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextGaussian() * 0.1);
            }
        }
        return new OnnxWriter()
                .input("x", OnnxWriter.FLOAT, "N", (long) IN).output("y", OnnxWriter.FLOAT, "N", (long) OUT)
                .floats("W1", new long[] {IN, HIDDEN}, w1).floats("B1", new long[] {HIDDEN}, b1)
                .floats("W2", new long[] {HIDDEN, HIDDEN}, w2).floats("B2", new long[] {HIDDEN}, b2)
                .floats("W3", new long[] {HIDDEN, OUT}, w3).floats("B3", new long[] {OUT}, b3)
                .node("MatMul", new String[] {"x", "W1"}, new String[] {"a1"}).node("Add", new String[] {"a1", "B1"}, new String[] {"a2"})
                .node("Relu", new String[] {"a2"}, new String[] {"a3"})
                .node("MatMul", new String[] {"a3", "W2"}, new String[] {"b1"}).node("Add", new String[] {"b1", "B2"}, new String[] {"b2"})
                .node("Relu", new String[] {"b2"}, new String[] {"b3"})
                .node("MatMul", new String[] {"b3", "W3"}, new String[] {"c1"}).node("Add", new String[] {"c1", "B3"}, new String[] {"y"})
                .toBytes();
    }

    static void install(Path repo, String name, String config) throws Exception {
        Files.createDirectories(repo.resolve(name).resolve("1"));
        Files.write(repo.resolve(name).resolve("1").resolve("model.onnx"), mlp());
        Files.writeString(repo.resolve(name).resolve("config.json"), config);
    }

    @SuppressWarnings("unchecked")
    static <A extends Annotation> A config(Class<A> type) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> m.getDefaultValue() != null ? m.getDefaultValue()
                : m.getName().equals("annotationType") ? type : m.getName().equals("hashCode") ? 0 : m.getName().equals("equals") ? p == a[0] : type.getSimpleName());
    }

    static long rssKiB() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /**
     * 32 requests kept in flight by asynchronous callers, as Triton's perf_analyzer measures
     * "concurrency 32": each completion submits the next request on the completing thread, so
     * no caller thread is woken per request. No batching and batching alternate in 5 blocks.
     */
    static double[] asyncRows(ModelManager mm, long[] shape, float[] x) throws Exception {
        double no = 0, b = 0;
        asyncThroughput(mm, "mlp_nobatch", shape, x, WARM_MS / 2);
        asyncThroughput(mm, "mlp_batch", shape, x, WARM_MS / 2);
        for (int i = 0; i < 5; i++) {
            no += asyncThroughput(mm, "mlp_nobatch", shape, x, RUN_MS / 5) / 5;
            b += asyncThroughput(mm, "mlp_batch", shape, x, RUN_MS / 5) / 5;
        }
        System.out.printf(Locale.ROOT, "%-58s %10.0f/s%n", "32 requests in flight (async callers), no dynamic batching", no);
        System.out.printf(Locale.ROOT, "%-58s %10.0f/s%n", "32 requests in flight (async callers), dynamic batching", b);
        System.out.printf(Locale.ROOT, "dynamic batching, 32 requests in flight from asynchronous callers: throughput x%.2f%n", b / no);
        return new double[] {no, b};
    }

    /** Keeps 32 inferAsync requests in flight; completions per second over {@code ms} after the first 50 ms. */
    static double asyncThroughput(ModelManager mm, String model, long[] shape, float[] x, long ms) throws Exception {
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch drained = new CountDownLatch(32);
        Runnable[] issue = new Runnable[1];
        issue[0] = () -> mm.inferAsync(InferenceRequest.of(model, Tensor.ofFloats("x", shape, x))).whenComplete((r, e) -> {
            if (e != null) {
                e.printStackTrace();
            }
            done.incrementAndGet();
            if (stop.get()) {
                drained.countDown();
            } else {
                issue[0].run();
            }
        });
        for (int i = 0; i < 32; i++) {
            issue[0].run();
        }
        double rate = perSecond(done, 50, ms);
        stop.set(true);
        drained.await(30, java.util.concurrent.TimeUnit.SECONDS);
        return rate;
    }

    /**
     * What 32 blocking callers cost without any model: each submits a future and waits on it; one
     * thread completes them in batches of up to 32 (100 us gathering). Requests per second.
     */
    static double handOffs(int callers, long ms) throws Exception {
        java.util.concurrent.ArrayBlockingQueue<java.util.concurrent.CompletableFuture<Boolean>> q = new java.util.concurrent.ArrayBlockingQueue<>(4 * callers);
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(() -> {
            List<java.util.concurrent.CompletableFuture<Boolean>> b = new ArrayList<>();
            while (!stop.get()) {
                try {
                    java.util.concurrent.CompletableFuture<Boolean> f = q.poll(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (f == null) {
                        continue;
                    }
                    b.add(f);
                } catch (InterruptedException e) {
                    return;
                }
                long deadline = System.nanoTime() + 100_000;
                while (b.size() < callers && System.nanoTime() < deadline) {
                    q.drainTo(b, callers - b.size());
                    Thread.onSpinWait();
                }
                b.forEach(f -> f.complete(Boolean.TRUE));
                b.clear();
            }
        }));
        for (int i = 0; i < callers; i++) {
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    java.util.concurrent.CompletableFuture<Boolean> f = new java.util.concurrent.CompletableFuture<>();
                    q.add(f);
                    f.join();
                    done.incrementAndGet();
                }
            }));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
        double rate = perSecond(done, Math.min(1000, ms), ms);
        stop.set(true);
        return rate;
    }

    /** How fast {@code done} counts over {@code ms}, after {@code settleMs}: per second. */
    static double perSecond(java.util.concurrent.atomic.AtomicLong done, long settleMs, long ms) throws InterruptedException {
        Thread.sleep(settleMs);
        long n0 = done.get(), t0 = System.nanoTime();
        Thread.sleep(ms);
        long n1 = done.get(), t1 = System.nanoTime();
        return (n1 - n0) * 1e9 / (t1 - t0);
    }

    /** Throughputs (calls per second) of five blocks of RUN_MS / 5 after a warm-up, ascending. */
    static double[] blocks(int threads, Call call) throws Exception {
        loop(threads, WARM_MS / 2, call, null);
        double[] r = new double[5];
        for (int i = 0; i < r.length; i++) {
            r[i] = loop(threads, RUN_MS / 5, call, null) * 1000.0 / (RUN_MS / 5);
        }
        Arrays.sort(r);
        return r;
    }

    static void row(String what, double[] r) {
        System.out.printf(Locale.ROOT, "%-58s %10.0f/s   p50 %8.1f us   p99 %8.1f us%n", what, r[0], r[1], r[2]);
    }

    public static void main(String[] args) throws Exception {
        Path repo = Files.createTempDirectory("kumiki-bench-repo");
        install(repo, "mlp", "{\"max_batch_size\": 32}");
        install(repo, "mlp_nobatch", "{\"max_batch_size\": 32, \"instance_group\": [{\"count\": " + NOBATCH_INSTANCES + "}], \"parameters\": {\"intra_op_threads\": \""
                + NOBATCH_THREADS + "\"}}");
        install(repo, "mlp_batch", "{\"max_batch_size\": 32, \"dynamic_batching\": {\"preferred_batch_size\": [" + PREFERRED + "], \"max_queue_delay_microseconds\": " + DELAY_US
                + "}, \"instance_group\": [{\"count\": " + BATCH_INSTANCES + "}], \"parameters\": {\"intra_op_threads\": \"" + BATCH_THREADS + "\"}}");

        float[] x = new float[IN];
        for (int i = 0; i < IN; i++) {
            x[i] = (i % 7 - 3) / 3f;
        }
        long[] shape = {1, IN};

        System.out.println("model: MLP " + IN + "-" + HIDDEN + "-" + HIDDEN + "-" + OUT + " FP32 (ONNX, written by the benchmark), ONNX Runtime "
                + OrtEnvironment.getEnvironment().getVersion() + ", 1 intra-op thread per session, " + Runtime.getRuntime().availableProcessors() + " CPUs");
        System.out.println("warm-up " + WARM_MS + " ms, measured " + RUN_MS + " ms per row");

        // 1. raw session.run, the peer
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(1);
        so.setInterOpNumThreads(1);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        OrtSession raw = env.createSession(repo.resolve("mlp/1/model.onnx").toString(), so);
        Call rawCall = () -> {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape); OrtSession.Result r = raw.run(Map.of("x", t))) {
                float[] y = new float[OUT];
                ((OnnxTensor) r.get(0)).getFloatBuffer().get(y);
            }
        };
        ModelManager mm = new ModelManager(repo, ASYNC_THREADS, false);
        mm.addEngine(new OnnxEngine(config(OnnxEngine.Config.class)), Map.of(InferenceEngine.PLATFORM, OnnxEngine.PLATFORM));
        for (String m : List.of("mlp", "mlp_nobatch", "mlp_batch")) {
            mm.load(m);
        }
        Call kumCall = () -> mm.infer(InferenceRequest.of("mlp", Tensor.ofFloats("x", shape, x))).output("y").floats();
        if ("batch".equals(System.getProperty("only"))) { // ONLY=batch: the batching rows alone, for sweeps over HIDDEN
            double[][] ab32 = measureAlternating(32,
                    () -> mm.infer(InferenceRequest.of("mlp_nobatch", Tensor.ofFloats("x", shape, x))).output("y").floats(),
                    () -> mm.infer(InferenceRequest.of("mlp_batch", Tensor.ofFloats("x", shape, x))).output("y").floats());
            row("Kumiki, 32 callers, no dynamic batching (" + NOBATCH_INSTANCES + " inst. x " + NOBATCH_THREADS + " thr.)", ab32[0]);
            row("Kumiki, 32 callers, dynamic batching max 32, pref. " + PREFERRED + " / " + DELAY_US + " us (" + BATCH_INSTANCES + " inst. x " + BATCH_THREADS + " thr.)", ab32[1]);
            System.out.printf(Locale.ROOT, "dynamic batching at 32 callers: throughput x%.2f, p50 %.2fx, p99 %.2fx of no batching%n",
                    ab32[1][0] / ab32[0][0], ab32[1][1] / ab32[0][1], ab32[1][2] / ab32[0][2]);
            // the same 32 requests in flight from asynchronous callers: each completion submits the
            // next request on the completing thread, so no caller thread is woken per request
            double[] async = asyncRows(mm, shape, x);
            // the machine's ceiling: raw ONNX Runtime, one session with both cores, one caller at batch 32
            OrtSession.SessionOptions so2 = new OrtSession.SessionOptions();
            so2.setIntraOpNumThreads(2);
            so2.setInterOpNumThreads(1);
            so2.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtEnvironment env2 = OrtEnvironment.getEnvironment();
            OrtSession raw32 = env2.createSession(repo.resolve("mlp/1/model.onnx").toString(), so2);
            float[] x32 = new float[32 * IN];
            for (int i = 0; i < x32.length; i++) {
                x32[i] = x[i % IN];
            }
            long[] shape32 = {32, IN};
            // ORT's two intra-op threads swing between runs (one of them sometimes shares a core with
            // the other): five blocks, the best is the ceiling
            double[] c32 = blocks(1, () -> {
                try (OnnxTensor t = OnnxTensor.createTensor(env2, FloatBuffer.wrap(x32), shape32); OrtSession.Result r = raw32.run(Map.of("x", t))) {
                    float[] y = new float[32 * OUT];
                    ((OnnxTensor) r.get(0)).getFloatBuffer().get(y);
                }
            });
            double ceiling = c32[c32.length - 1] * 32;
            double flop = 2.0 * (IN * (double) HIDDEN + (double) HIDDEN * HIDDEN + HIDDEN * (double) OUT);
            System.out.printf(Locale.ROOT, "ceiling: raw session.run at batch 32, one caller, 2 intra-op threads: best of 5 blocks %.0f rows/s (%.1f GFLOP/s), median %.0f rows/s%n",
                    ceiling, ceiling * flop / 1e9, c32[2] * 32);
            System.out.printf(Locale.ROOT, "batched path against the ceiling: %.0f%% with 32 caller threads, %.0f%% with 32 asynchronous requests%n",
                    100 * ab32[1][0] / ceiling, 100 * async[1] / ceiling);
            // the unbatched baseline against raw ONNX Runtime: two sessions of one intra-op thread,
            // each called at batch 1 by its own thread (what Kumiki's 2 instances x 1 thread run)
            OrtSession rawOther = env.createSession(repo.resolve("mlp/1/model.onnx").toString(), so);
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            ThreadLocal<OrtSession> mine = ThreadLocal.withInitial(() -> next.getAndIncrement() % 2 == 0 ? raw : rawOther);
            double[] r1 = blocks(2, () -> {
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape); OrtSession.Result r = mine.get().run(Map.of("x", t))) {
                    float[] y = new float[OUT];
                    ((OnnxTensor) r.get(0)).getFloatBuffer().get(y);
                }
            });
            System.out.printf(Locale.ROOT, "raw session.run at batch 1, two sessions (1 intra-op thread) each called by its own thread: best of 5 blocks %.0f/s, median %.0f/s; "
                    + "Kumiki without batching: %.0f%% of the best with 32 caller threads, %.0f%% with 32 asynchronous requests%n",
                    r1[r1.length - 1], r1[2], 100 * ab32[0][0] / r1[r1.length - 1], 100 * async[0] / r1[r1.length - 1]);
            double h = handOffs(32, RUN_MS / 5);
            System.out.printf(Locale.ROOT, "thread hand-off alone (no model): 32 threads each blocking on a future that one thread completes in batches of 32: %.0f/s "
                    + "(%.1f us of CPU per request on %d CPUs)%n", h, Runtime.getRuntime().availableProcessors() * 1e6 / h, Runtime.getRuntime().availableProcessors());
            // both costs take CPU time from the same cores: the batched GEMM (the ceiling) and waking
            // every blocked caller once per request (the hand-off)
            double bound = 1 / (1 / ceiling + 1 / h);
            System.out.printf(Locale.ROOT, "bound for 32 blocking caller threads on this machine: 1 / (1 / ceiling + 1 / hand-off) = %.0f rows/s = x%.2f over no batching "
                    + "(measured x%.2f, %.0f%% of the bound)%n", bound, bound / ab32[0][0], ab32[1][0] / ab32[0][0], 100 * ab32[1][0] / bound);
            mm.deactivate();
            System.exit(0);
        }
        // A/A control: the same raw call on a second session of the same file, measured the same
        // way. Its spread is what the measurement can resolve (each session has its own copy of
        // the weights, placed differently in memory and caches).
        OrtSession rawB = env.createSession(repo.resolve("mlp/1/model.onnx").toString(), so);
        Call rawCallB = () -> {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape); OrtSession.Result r = rawB.run(Map.of("x", t))) {
                float[] y = new float[OUT];
                ((OnnxTensor) r.get(0)).getFloatBuffer().get(y);
            }
        };
        double[][] aa = measureAB(rawCall, rawCallB);
        row("A/A control: raw session.run, session 1", aa[0]);
        row("A/A control: raw session.run, session 2", aa[1]);
        double[][] ab = measureAB(rawCall, kumCall);
        double[] rawR = ab[0], kumR = ab[1], rawR2 = ab[0];
        row("raw ONNX Runtime session.run, batch 1 (alternating blocks)", rawR);
        row("Kumiki InferenceService.infer, batch 1 (alternating blocks)", kumR);
        double[][] ba = measureAB(kumCall, rawCall); // the same pair in the other order
        row("Kumiki InferenceService.infer, batch 1 (Kumiki first)", ba[0]);
        row("raw ONNX Runtime session.run, batch 1 (Kumiki first)", ba[1]);

        // 1b. the same comparison on the 4-8-3 test MLP, where session.run itself takes microseconds
        Files.createDirectories(repo.resolve("tiny").resolve("1"));
        Files.write(repo.resolve("tiny").resolve("1").resolve("model.onnx"), org.kumiki.inference.test.TestModels.mlp());
        Files.writeString(repo.resolve("tiny").resolve("config.json"), "{\"max_batch_size\": 8}");
        mm.load("tiny");
        OrtSession rawTiny = env.createSession(repo.resolve("tiny/1/model.onnx").toString(), so);
        float[] xt = {0.5f, -1f, 2f, 0.25f};
        long[] st = {1, 4};
        double[][] abT = measureAB(() -> {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(xt), st); OrtSession.Result r = rawTiny.run(Map.of("x", t))) {
                float[] y = new float[3];
                ((OnnxTensor) r.get(0)).getFloatBuffer().get(y);
            }
        }, () -> mm.infer(InferenceRequest.of("tiny", Tensor.ofFloats("x", st, xt))).output("y").floats());
        double[] rawT = abT[0], kumT = abT[1];
        row("tiny 4-8-3 MLP: raw session.run, batch 1 (alternating)", rawT);
        row("tiny 4-8-3 MLP: Kumiki InferenceService.infer (alternating)", kumT);

        // 2. 32 concurrent callers
        double[][] ab32 = measureAlternating(32,
                () -> mm.infer(InferenceRequest.of("mlp_nobatch", Tensor.ofFloats("x", shape, x))).output("y").floats(),
                () -> mm.infer(InferenceRequest.of("mlp_batch", Tensor.ofFloats("x", shape, x))).output("y").floats());
        double[] noB = ab32[0], withB = ab32[1];
        row("Kumiki, 32 callers, no dynamic batching (" + NOBATCH_INSTANCES + " inst. x " + NOBATCH_THREADS + " thr.)", noB);
        row("Kumiki, 32 callers, dynamic batching max 32, pref. " + PREFERRED + " / " + DELAY_US + " us (" + BATCH_INSTANCES + " inst. x " + BATCH_THREADS + " thr.)", withB);
        double[] async = asyncRows(mm, shape, x);

        // 3. OIP v2 over loopback HTTP
        OipServlet servlet = new OipServlet(mm, mm, config(OipServlet.Config.class));
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.addServlet(new ServletHolder(servlet), "/v2/*");
        server.setHandler(ctx);
        server.start();
        int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        StringBuilder data = new StringBuilder();
        for (int i = 0; i < IN; i++) {
            data.append(i == 0 ? "" : ",").append(x[i]);
        }
        byte[] body = ("{\"inputs\":[{\"name\":\"x\",\"shape\":[1," + IN + "],\"datatype\":\"FP32\",\"data\":[" + data + "]}]}").getBytes();
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/models/mlp/infer"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        double[] rest = measure(1, () -> {
            HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(new String(r.body()));
            }
        });
        row("OIP v2 REST JSON, loopback, JDK HttpClient, batch 1", rest);
        java.net.Socket sock = new java.net.Socket("127.0.0.1", port);
        sock.setTcpNoDelay(true);
        java.io.OutputStream os = sock.getOutputStream();
        java.io.InputStream is = new java.io.BufferedInputStream(sock.getInputStream());
        byte[] head = ("POST /v2/models/mlp/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes();
        byte[] msg = new byte[head.length + body.length];
        System.arraycopy(head, 0, msg, 0, head.length);
        System.arraycopy(body, 0, msg, head.length, body.length);
        Call sockCall = () -> {
            os.write(msg);
            os.flush();
            int len = -1;
            StringBuilder line = new StringBuilder();
            boolean ok = false;
            while (true) {
                int c = is.read();
                if (c < 0) {
                    throw new IllegalStateException("closed");
                }
                if (c == '\n') {
                    String l = line.toString().trim();
                    line.setLength(0);
                    if (l.startsWith("HTTP/1.1 ")) {
                        ok = l.startsWith("HTTP/1.1 200");
                    } else if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        len = Integer.parseInt(l.substring(15).trim());
                    } else if (l.isEmpty()) {
                        break;
                    }
                } else {
                    line.append((char) c);
                }
            }
            is.readNBytes(len);
            if (!ok) {
                throw new IllegalStateException("not 200");
            }
        };
        double[][] abR = measureAB(kumCall, sockCall);
        double[] kum2 = abR[0], restSock = abR[1];
        row("Kumiki InferenceService.infer (alternating with REST)", kum2);
        row("OIP v2 REST JSON, loopback, keep-alive socket client (alt.)", restSock);
        sock.close();
        server.stop();

        // 4. unload frees native memory: a model with 64 MiB of weights loaded and unloaded 8 times
        int big = 4096;
        float[] w = new float[big * big];
        Arrays.fill(w, 0.001f);
        Files.createDirectories(repo.resolve("big").resolve("1"));
        Files.write(repo.resolve("big").resolve("1").resolve("model.onnx"), new OnnxWriter()
                .input("x", OnnxWriter.FLOAT, "N", (long) big).output("y", OnnxWriter.FLOAT, "N", (long) big)
                .floats("W", new long[] {big, big}, w).node("MatMul", new String[] {"x", "W"}, new String[] {"y"}).toBytes());
        w = null;
        System.gc();
        StringBuilder cycles = new StringBuilder();
        long maxLoaded = 0;
        for (int i = 0; i < 8; i++) {
            mm.load("big");
            maxLoaded = Math.max(maxLoaded, rssKiB());
            mm.unload("big");
            cycles.append(' ').append(rssKiB() / 1024);
        }
        System.out.printf(Locale.ROOT, "%nunload frees memory (64 MiB of weights, 8 load/unload cycles): RSS peak while loaded %d MiB, after each unload (MiB):%s%n",
                maxLoaded / 1024, cycles);
        mm.deactivate();

        System.out.println();
        System.out.printf(Locale.ROOT, "in-process overhead at batch 1: p50 Kumiki / raw = %.3f (%+.1f%%; target <= +5%%), mean %.3f (%+.1f%%)%n",
                kumR[1] / rawR[1], (kumR[1] / rawR[1] - 1) * 100, rawR[0] / kumR[0], (rawR[0] / kumR[0] - 1) * 100);
        System.out.printf(Locale.ROOT, "  the same with Kumiki measured first: p50 %+.1f%%, mean %+.1f%%; A/A control (raw vs raw, two sessions): p50 %+.1f%%, mean %+.1f%%%n",
                (ba[0][1] / ba[1][1] - 1) * 100, (ba[1][0] / ba[0][0] - 1) * 100, (aa[1][1] / aa[0][1] - 1) * 100, (aa[0][0] / aa[1][0] - 1) * 100);
        System.out.printf(Locale.ROOT, "dynamic batching at 32 callers: throughput x%.2f with 32 caller threads (target >= 3), p50 %.2fx, p99 %.2fx of no batching; "
                + "x%.2f with 32 requests in flight from asynchronous callers%n", withB[0] / noB[0], withB[1] / noB[1], withB[2] / noB[2], async[1] / async[0]);
        System.out.printf(Locale.ROOT, "tiny model: Kumiki / raw at p50 = %.3f (%+.1f us per call)%n", kumT[1] / rawT[1], kumT[1] - rawT[1]);
        System.out.printf(Locale.ROOT, "REST over loopback adds %.1f us at p50 with a blocking keep-alive client (target < 1000 us), %.1f us at p99; %.1f us at p50 with the JDK HttpClient%n",
                restSock[1] - kum2[1], restSock[2] - kum2[2], rest[1] - kum2[1]);
        System.exit(0);
    }
}
