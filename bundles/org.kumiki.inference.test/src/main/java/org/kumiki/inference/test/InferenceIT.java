package org.kumiki.inference.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.DataType;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.InferenceService;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.ModelState;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelMetadataDTO;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.platform.api.Installation;
import org.osgi.test.common.annotation.InjectService;

/** The repository, the ONNX Runtime engine and the batcher, on real ONNX files. */
class InferenceIT {

    @InjectService
    InferenceService inference;
    @InjectService
    ModelRepository repository;
    @InjectService
    Installation installation;

    Path repo() {
        return installation.stateDirectory("inference").resolve("models");
    }

    static float[] rows(int n, int seed) {
        float[] x = new float[n * TestModels.IN];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 31 + seed * 17) % 23 - 11) / 7f;
        }
        return x;
    }

    static void assertClose(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, "element count");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-4f, "element " + i);
        }
    }

    static InferenceException fails(Kind kind, Runnable r) {
        InferenceException e = assertThrows(InferenceException.class, r::run);
        assertEquals(kind, e.kind(), e.getMessage());
        return e;
    }

    @Test
    void mlpMatchesAnIndependentComputation() throws Exception {
        TestModels.install(repo(), "mlp_plain", "1", TestModels.mlp(), "{\"max_batch_size\": 8}");
        List<ModelStatusDTO> st = repository.load("mlp_plain");
        assertEquals(ModelState.READY, st.get(0).state);
        assertEquals("CPUExecutionProvider", st.get(0).provider);
        float[] x = rows(3, 1);
        InferenceResponse r = inference.infer(InferenceRequest.of("mlp_plain", Tensor.ofFloats("x", new long[] {3, 4}, x)));
        assertEquals("1", r.version);
        Tensor y = r.output("y");
        assertArrayEquals(new long[] {3, 3}, y.shape());
        assertClose(TestModels.mlp(x), y.floats());

        ModelMetadataDTO m = inference.metadata("mlp_plain", null);
        assertEquals("onnxruntime_onnx", m.platform);
        assertEquals(8, m.maxBatchSize);
        assertEquals("x", m.inputs.get(0).name);
        assertEquals("FP32", m.inputs.get(0).datatype);
        assertArrayEquals(new long[] {-1, 4}, m.inputs.get(0).shape);
        assertArrayEquals(new long[] {-1, 3}, m.outputs.get(0).shape);
        assertTrue(inference.isReady("mlp_plain", "1"));
        assertFalse(inference.isReady("mlp_plain", "7"));

        // asynchronous
        InferenceResponse ra = inference.inferAsync(InferenceRequest.of("mlp_plain", Tensor.ofFloats("x", new long[] {1, 4}, rows(1, 9))))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertClose(TestModels.mlp(rows(1, 9)), ra.output("y").floats());
        ModelStatsDTO s = inference.statistics().stream().filter(d -> d.name.equals("mlp_plain")).findFirst().orElseThrow();
        assertEquals(2, s.requestSuccess);
        assertEquals(4, s.inferenceCount);
    }

    @Test
    void loadsAndUnloadsArePostedToEventAdmin(@org.osgi.test.common.annotation.InjectBundleContext org.osgi.framework.BundleContext context) throws Exception {
        java.util.concurrent.BlockingQueue<String> events = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.Dictionary<String, Object> p = new java.util.Hashtable<>();
        p.put(org.osgi.service.event.EventConstants.EVENT_TOPIC, "org/kumiki/inference/*");
        org.osgi.framework.ServiceRegistration<org.osgi.service.event.EventHandler> reg = context.registerService(org.osgi.service.event.EventHandler.class,
                e -> events.add(e.getTopic() + " " + e.getProperty("model") + " " + e.getProperty("version") + " " + e.getProperty("provider")), p);
        try {
            TestModels.install(repo(), "evented", "1", TestModels.mlp(), null);
            repository.load("evented");
            repository.unload("evented");
            TestModels.install(repo(), "evented_bad", "1", new byte[] {9, 9, 9}, null);
            fails(Kind.UNAVAILABLE, () -> repository.load("evented_bad"));
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.size() < 3 && System.nanoTime() < deadline) {
                String e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null && e.contains(" evented")) {
                    seen.add(e);
                }
            }
            assertEquals(List.of("org/kumiki/inference/LOADED evented 1 CPUExecutionProvider", "org/kumiki/inference/UNLOADED evented null null",
                    "org/kumiki/inference/FAILED evented_bad null null"), seen);
        } finally {
            reg.unregister();
        }
    }

    @Test
    void theExecutionProviderActuallyUsedIsReportedNeverSilent(@InjectService org.osgi.service.cm.ConfigurationAdmin cm) throws Exception {
        // a model asking for CUDA on the CPU build: loads on CPU and says why
        TestModels.install(repo(), "wants_cuda", "1", TestModels.mlp(), "{\"parameters\": {\"provider\": \"cuda\", \"intra_op_threads\": \"2\"}}");
        String provider = repository.load("wants_cuda").get(0).provider;
        assertTrue(provider.startsWith("CPUExecutionProvider (fallback: ") && provider.contains("no CUDA provider"), provider);
        float[] x = rows(1, 6);
        assertClose(TestModels.mlp(x), inference.infer(InferenceRequest.of("wants_cuda", Tensor.ofFloats("x", new long[] {1, 4}, x))).output("y").floats());
        // cuda-only refuses to fall back
        TestModels.install(repo(), "needs_cuda", "1", TestModels.mlp(), "{\"parameters\": {\"provider\": \"cuda-only\"}}");
        InferenceException e = fails(Kind.UNAVAILABLE, () -> repository.load("needs_cuda"));
        assertTrue(e.getMessage().contains("cuda-only requested but"), e.getMessage());
        // TensorRT on the CPU build: neither TensorRT nor CUDA, both reasons given
        TestModels.install(repo(), "wants_trt", "1", TestModels.mlp(), "{\"parameters\": {\"provider\": \"TensorRT\"}}");
        provider = repository.load("wants_trt").get(0).provider;
        assertTrue(provider.startsWith("CPUExecutionProvider (fallback: ") && provider.contains("no TensorRT provider") && provider.contains("no CUDA provider"), provider);
        assertClose(TestModels.mlp(x), inference.infer(InferenceRequest.of("wants_trt", Tensor.ofFloats("x", new long[] {1, 4}, x))).output("y").floats());
        TestModels.install(repo(), "needs_trt", "1", TestModels.mlp(), "{\"parameters\": {\"provider\": \"tensorrt-only\"}}");
        e = fails(Kind.UNAVAILABLE, () -> repository.load("needs_trt"));
        assertTrue(e.getMessage().contains("tensorrt-only requested but") && e.getMessage().contains("no TensorRT provider"), e.getMessage());
        TestModels.install(repo(), "wants_rocm", "1", TestModels.mlp(), "{\"parameters\": {\"provider\": \"rocm\"}}");
        e = fails(Kind.UNAVAILABLE, () -> repository.load("wants_rocm"));
        assertTrue(e.getMessage().contains("unknown provider 'rocm'") && e.getMessage().contains("tensorrt-only"), e.getMessage());
        // the refused loads left the others serving
        assertClose(TestModels.mlp(x), inference.infer(InferenceRequest.of("wants_cuda", Tensor.ofFloats("x", new long[] {1, 4}, x))).output("y").floats());
        TestModels.install(repo(), "bad_threads", "1", TestModels.mlp(), "{\"parameters\": {\"intra_op_threads\": \"many\"}}");
        e = fails(Kind.UNAVAILABLE, () -> repository.load("bad_threads"));
        assertTrue(e.getMessage().contains("intra_op_threads must be an integer"), e.getMessage());

        // the engine's settings come from Config Admin and apply to models loaded afterwards
        TestModels.install(repo(), "engine_default", "1", TestModels.mlp(), null);
        org.osgi.service.cm.Configuration c = cm.getConfiguration("org.kumiki.inference.onnx", "?");
        java.util.Dictionary<String, Object> p = new java.util.Hashtable<>();
        p.put("provider", "cuda");
        p.put("intra.op.threads", 2);
        c.update(p);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String seen = null;
            while (System.nanoTime() < deadline) {
                try {
                    seen = repository.load("engine_default").get(0).provider;
                    if (seen.contains("fallback")) {
                        break;
                    }
                } catch (InferenceException ignored) {
                    // the engine is being re-configured
                }
                Thread.sleep(50); // the configuration reaches the engine asynchronously
            }
            assertTrue(seen != null && seen.contains("fallback"), "provider after configuring cuda: " + seen);
        } finally {
            c.delete();
        }
    }

    @Test
    void fixedShapeModelRejectsOtherShapes() throws Exception {
        TestModels.install(repo(), "mlp_fixed", "1", TestModels.mlpFixed(), null);
        repository.load("mlp_fixed");
        float[] x = rows(1, 2);
        assertClose(TestModels.mlp(x), inference.infer(InferenceRequest.of("mlp_fixed", Tensor.ofFloats("x", new long[] {1, 4}, x))).output("y").floats());
        InferenceException e = fails(Kind.INVALID_ARGUMENT,
                () -> inference.infer(InferenceRequest.of("mlp_fixed", Tensor.ofFloats("x", new long[] {2, 4}, rows(2, 2)))));
        assertTrue(e.getMessage().contains("[2, 4]") && e.getMessage().contains("[1, 4]"), e.getMessage());
        // a batching config on a model whose first dimension is fixed is refused at load, with the reason
        Files.writeString(repo().resolve("mlp_fixed").resolve("config.json"), "{\"max_batch_size\": 4}");
        e = fails(Kind.UNAVAILABLE, () -> repository.load("mlp_fixed"));
        assertTrue(e.getMessage().contains("first dimension"), e.getMessage());
        // the version loaded before keeps serving
        assertTrue(inference.isReady("mlp_fixed", null));
    }

    @Test
    void twoInputsOfDifferentTypesAndRequestedOutputs() throws Exception {
        TestModels.install(repo(), "mixed", "1", TestModels.mixed(), "{\"max_batch_size\": 16}");
        repository.load("mixed");
        float[] a = {0.5f, -1f, 2f, 10f, 20f, 30f};
        long[] b = {1, 2, -3, 4, 5, 6};
        InferenceResponse r = inference.infer(new InferenceRequest("mixed", null, "req-1",
                List.of(Tensor.ofFloats("a", new long[] {2, 3}, a), Tensor.ofLongs("b", new long[] {2, 3}, b)), Set.of()));
        assertEquals("req-1", r.id);
        assertClose(new float[] {1.5f, 1f, -1f, 14f, 25f, 36f}, r.output("sum").floats());
        assertArrayEquals(new long[] {1, 4, 9, 16, 25, 36}, r.output("square").longs());
        InferenceResponse only = inference.infer(new InferenceRequest("mixed", "1", null,
                List.of(Tensor.ofFloats("a", new long[] {2, 3}, a), Tensor.ofLongs("b", new long[] {2, 3}, b)), Set.of("square")));
        assertEquals(1, only.outputs.size());
        assertNull(only.output("sum"));
        // wrong datatype, missing input, unknown output, disagreeing batch sizes
        InferenceException e = fails(Kind.INVALID_ARGUMENT, () -> inference.infer(InferenceRequest.of("mixed",
                Tensor.ofFloats("a", new long[] {2, 3}, a), Tensor.ofInts("b", new long[] {2, 3}, 1, 2, 3, 4, 5, 6))));
        assertTrue(e.getMessage().contains("must be INT64, got INT32"), e.getMessage());
        e = fails(Kind.INVALID_ARGUMENT, () -> inference.infer(InferenceRequest.of("mixed", Tensor.ofFloats("a", new long[] {2, 3}, a))));
        assertTrue(e.getMessage().contains("'b' is missing"), e.getMessage());
        e = fails(Kind.INVALID_ARGUMENT, () -> inference.infer(new InferenceRequest("mixed", null, null,
                List.of(Tensor.ofFloats("a", new long[] {2, 3}, a), Tensor.ofLongs("b", new long[] {2, 3}, b)), Set.of("nope"))));
        assertTrue(e.getMessage().contains("no output named 'nope'"), e.getMessage());
        e = fails(Kind.INVALID_ARGUMENT, () -> inference.infer(InferenceRequest.of("mixed",
                Tensor.ofFloats("a", new long[] {2, 3}, a), Tensor.ofLongs("b", new long[] {1, 3}, 1, 2, 3))));
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
        e = fails(Kind.INVALID_ARGUMENT, () -> inference.infer(InferenceRequest.of("mixed",
                Tensor.ofFloats("a", new long[] {2, 3}, a), Tensor.ofLongs("b", new long[] {2, 3}, b), Tensor.ofFloats("c", new long[] {1}, 1f))));
        assertTrue(e.getMessage().contains("no input named 'c'"), e.getMessage());
        // byte counts that do not match the shape never make a tensor
        IllegalArgumentException iae = assertThrows(IllegalArgumentException.class, () -> Tensor.wrap("a", DataType.FP32, new long[] {2, 3}, new byte[23]));
        assertTrue(iae.getMessage().contains("needs 24 bytes, got 23"), iae.getMessage());
    }

    @Test
    void fp16BoolAndBytesTensors() throws Exception {
        TestModels.install(repo(), "types", "1", TestModels.types(), "{\"max_batch_size\": 4}");
        repository.load("types");
        ByteBuffer h = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3800).putShort((short) 0x7BFF).flip(); // 1, -2, 0.5, 65504
        InferenceResponse r = inference.infer(InferenceRequest.of("types",
                Tensor.of("h", DataType.FP16, new long[] {2, 2}, h),
                Tensor.ofBooleans("flag", new long[] {2, 2}, true, false, false, true),
                Tensor.ofStrings("s", new long[] {2}, "héllo".getBytes(StandardCharsets.UTF_8), "".getBytes(StandardCharsets.UTF_8))));
        Tensor ho = r.output("h_out");
        assertEquals(DataType.FP16, ho.type());
        assertEquals(h.rewind(), ho.data());
        assertArrayEquals(new boolean[] {false, true, true, false}, r.output("not_flag").booleans());
        byte[][] s = r.output("s_out").strings();
        assertEquals("héllo", new String(s[0], StandardCharsets.UTF_8));
        assertEquals(0, s[1].length);
    }

    @Test
    void dynamicBatchingGivesEachCallerExactlyItsRows() throws Exception {
        TestModels.install(repo(), "mlp_batched", "1", TestModels.mlp(), TestModels.batching(8, 50_000, 1));
        repository.load("mlp_batched");
        int callers = 24;
        List<CompletableFuture<InferenceResponse>> futures = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int n = 1 + c % 3;
            float[] x = rows(n, 100 + c);
            inputs.add(x);
            futures.add(inference.inferAsync(new InferenceRequest("mlp_batched", null, "c" + c,
                    List.of(Tensor.ofFloats("x", new long[] {n, 4}, x)), Set.of())).toCompletableFuture());
        }
        for (int c = 0; c < callers; c++) {
            InferenceResponse r = futures.get(c).get(60, TimeUnit.SECONDS);
            assertEquals("c" + c, r.id);
            Tensor y = r.output("y");
            assertEquals(inputs.get(c).length / 4, y.shape()[0], "rows of caller " + c);
            assertClose(TestModels.mlp(inputs.get(c)), y.floats());
        }
        ModelStatsDTO s = inference.statistics().stream().filter(d -> d.name.equals("mlp_batched")).findFirst().orElseThrow();
        assertEquals(callers, s.requestSuccess);
        assertEquals(48, s.inferenceCount);
        assertTrue(s.executionCount < callers, "requests were merged: " + s.executionCount + " executions for " + callers + " requests");
        assertTrue(s.executionCount >= 6, "no batch exceeds 8 rows: " + s.executionCount + " executions for 48 rows");
        // a request larger than the max batch size is refused before it queues
        InferenceException e = fails(Kind.INVALID_ARGUMENT,
                () -> inference.infer(InferenceRequest.of("mlp_batched", Tensor.ofFloats("x", new long[] {9, 4}, rows(9, 1)))));
        assertTrue(e.getMessage().contains("batch size 9"), e.getMessage());
    }

    @Test
    void corruptModelAndBadConfigsFailClearlyWhileOthersServe() throws Exception {
        TestModels.install(repo(), "healthy", "1", TestModels.mlp(), null);
        repository.load("healthy");
        TestModels.install(repo(), "broken", "1", "this is not an onnx model".getBytes(StandardCharsets.UTF_8), null);
        InferenceException e = fails(Kind.UNAVAILABLE, () -> repository.load("broken"));
        assertTrue(e.getMessage().contains("ONNX Runtime cannot load model.onnx"), e.getMessage());
        ModelStatusDTO st = repository.index().stream().filter(d -> d.name.equals("broken")).findFirst().orElseThrow();
        assertEquals(ModelState.UNAVAILABLE, st.state);
        assertTrue(st.reason.contains("cannot load"), st.reason);
        e = fails(Kind.UNAVAILABLE, () -> inference.infer(InferenceRequest.of("broken", Tensor.ofFloats("x", new long[] {1, 4}, rows(1, 1)))));
        assertTrue(e.getMessage().contains("not ready"), e.getMessage());

        TestModels.install(repo(), "badconfig", "1", TestModels.mlp(), "{\"max_batch_size\": \"lots\"");
        e = fails(Kind.UNAVAILABLE, () -> repository.load("badconfig"));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        Files.writeString(repo().resolve("badconfig").resolve("config.json"), "{\"max_batch_size\": -3}");
        e = fails(Kind.UNAVAILABLE, () -> repository.load("badconfig"));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        Files.writeString(repo().resolve("badconfig").resolve("config.json"), "{\"platform\": \"tensorflow_savedmodel\"}");
        e = fails(Kind.UNAVAILABLE, () -> repository.load("badconfig"));
        assertTrue(e.getMessage().contains("no engine for platform tensorflow_savedmodel"), e.getMessage());

        Files.createDirectories(repo().resolve("noversions"));
        e = fails(Kind.UNAVAILABLE, () -> repository.load("noversions"));
        assertTrue(e.getMessage().contains("no version folders"), e.getMessage());
        fails(Kind.NOT_FOUND, () -> repository.load("absent"));
        fails(Kind.INVALID_ARGUMENT, () -> repository.load("../etc"));
        fails(Kind.INVALID_ARGUMENT, () -> repository.load("a/b"));
        fails(Kind.NOT_FOUND, () -> inference.infer(InferenceRequest.of("absent", Tensor.ofFloats("x", new long[] {1, 4}, rows(1, 1)))));
        fails(Kind.INVALID_ARGUMENT, () -> inference.infer(InferenceRequest.of("", Tensor.ofFloats("x", new long[] {1, 4}, rows(1, 1)))));

        float[] x = rows(2, 5);
        assertClose(TestModels.mlp(x), inference.infer(InferenceRequest.of("healthy", Tensor.ofFloats("x", new long[] {2, 4}, x))).output("y").floats());
    }

    @Test
    void versionsLoadUnloadAndReloadWhileServing() throws Exception {
        TestModels.install(repo(), "versioned", "1", TestModels.mlp(), null);
        TestModels.install(repo(), "versioned", "2", TestModels.mlp(), null);
        repository.load("versioned");
        assertEquals(List.of("2", "1"), repository.versions("versioned"));
        float[] x = rows(1, 3);
        assertEquals("2", inference.infer(InferenceRequest.of("versioned", Tensor.ofFloats("x", new long[] {1, 4}, x))).version);
        assertEquals("1", inference.infer(new InferenceRequest("versioned", "1", null, List.of(Tensor.ofFloats("x", new long[] {1, 4}, x)), null)).version);
        InferenceException e = fails(Kind.NOT_FOUND,
                () -> inference.infer(new InferenceRequest("versioned", "3", null, List.of(Tensor.ofFloats("x", new long[] {1, 4}, x)), null)));
        assertTrue(e.getMessage().contains("no loaded version '3'"), e.getMessage());

        // callers keep running while the model is reloaded and unloaded: every answer is right or a clear refusal
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<Throwable> wrong = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread th = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        InferenceResponse r = inference.infer(InferenceRequest.of("versioned", Tensor.ofFloats("x", new long[] {1, 4}, x)));
                        assertClose(TestModels.mlp(x), r.output("y").floats());
                        ok.incrementAndGet();
                    } catch (InferenceException ie) {
                        if (ie.kind() == Kind.UNAVAILABLE || ie.kind() == Kind.NOT_FOUND) {
                            refused.incrementAndGet();
                        } else {
                            synchronized (wrong) {
                                wrong.add(ie);
                            }
                        }
                    } catch (Throwable th2) {
                        synchronized (wrong) {
                            wrong.add(th2);
                        }
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (int i = 0; i < 5; i++) {
            repository.load("versioned");
            repository.unload("versioned");
            repository.load("versioned");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ok.get() < 20 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join(30_000);
        }
        assertTrue(wrong.isEmpty(), "unexpected failures: " + wrong);
        assertTrue(ok.get() >= 20, "requests served: " + ok.get());

        repository.unload("versioned");
        assertTrue(repository.versions("versioned").isEmpty());
        assertFalse(inference.isReady("versioned", null));
        e = fails(Kind.UNAVAILABLE, () -> inference.infer(InferenceRequest.of("versioned", Tensor.ofFloats("x", new long[] {1, 4}, x))));
        assertTrue(e.getMessage().contains("unloaded"), e.getMessage());
        fails(Kind.NOT_FOUND, () -> repository.unload("versioned"));
        ModelStatusDTO st = repository.index().stream().filter(d -> d.name.equals("versioned")).findFirst().orElseThrow();
        assertEquals(ModelState.UNAVAILABLE, st.state);
        assertNotNull(st.reason);
    }
}
