package org.kumiki.inference.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.dto.TensorMetadataDTO;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.api.spi.LoadedModel;

/** The batcher and the manager over a fake engine whose model doubles x ([N, -1] FP32) into y. */
class DynamicBatcherTest {

    final List<Integer> batchRows = Collections.synchronizedList(new ArrayList<>());
    volatile CountDownLatch gate;
    volatile boolean explode;
    volatile boolean closed;
    /** Output sets of the executions, when the model has a second output z = 3x. */
    final List<Set<String>> batchOutputs = Collections.synchronizedList(new ArrayList<>());
    volatile boolean twoOutputs;
    ModelManager manager;

    class Doubler implements LoadedModel {
        @Override
        public List<TensorMetadataDTO> inputs() {
            return List.of(meta("x"));
        }

        @Override
        public List<TensorMetadataDTO> outputs() {
            return twoOutputs ? List.of(meta("y"), meta("z")) : List.of(meta("y"));
        }

        TensorMetadataDTO meta(String n) {
            TensorMetadataDTO d = new TensorMetadataDTO();
            d.name = n;
            d.datatype = "FP32";
            d.shape = new long[] {-1, -1};
            return d;
        }

        @Override
        public String provider() {
            return "FakeProvider";
        }

        @Override
        public Map<String, Tensor> execute(Map<String, Tensor> inputs, Set<String> outputs) throws Exception {
            CountDownLatch g = gate;
            if (g != null) {
                g.await(60, TimeUnit.SECONDS);
            }
            if (explode) {
                throw new IllegalStateException("boom in the engine");
            }
            Tensor x = inputs.get("x");
            batchRows.add((int) x.shape()[0]);
            batchOutputs.add(Set.copyOf(outputs));
            float[] v = x.floats();
            float[] w = x.floats();
            for (int i = 0; i < v.length; i++) {
                v[i] *= 2;
                w[i] *= 3;
            }
            Map<String, Tensor> out = new java.util.HashMap<>();
            for (String o : outputs) {
                out.put(o, Tensor.ofFloats(o, x.shape(), "y".equals(o) ? v : w));
            }
            return out;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    ModelManager manager(Path repo, String config) throws Exception {
        java.nio.file.Files.createDirectories(repo.resolve("m").resolve("1"));
        java.nio.file.Files.writeString(repo.resolve("m").resolve("config.json"), config);
        manager = new ModelManager(repo, 4, false);
        InferenceEngine engine = (model, version, dir, c) -> new Doubler();
        manager.addEngine(engine, Map.of(InferenceEngine.PLATFORM, "fake"));
        manager.load("m");
        return manager;
    }

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.deactivate();
        }
    }

    static Tensor rows(int n, int width, float base) {
        float[] v = new float[n * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = base + i;
        }
        return Tensor.ofFloats("x", new long[] {n, width}, v);
    }

    @Test
    void mergesUpToTheMaxBatchAndSplitsEachCallersRowsBack(@TempDir Path repo) throws Exception {
        ModelManager m = manager(repo, "{\"platform\": \"fake\", \"max_batch_size\": 5, \"dynamic_batching\": {\"max_queue_delay_microseconds\": 100000}}");
        gate = new CountDownLatch(1); // hold the first execution so that the rest queue up
        List<CompletableFuture<InferenceResponse>> fs = new ArrayList<>();
        List<Tensor> ins = new ArrayList<>();
        for (int c = 0; c < 10; c++) {
            Tensor x = rows(1 + c % 3, 2, c * 100);
            ins.add(x);
            fs.add(m.inferAsync(new InferenceRequest("m", null, "c" + c, List.of(x), Set.of())).toCompletableFuture());
        }
        gate.countDown();
        for (int c = 0; c < 10; c++) {
            InferenceResponse r = fs.get(c).get(60, TimeUnit.SECONDS);
            assertEquals("c" + c, r.id);
            float[] x = ins.get(c).floats();
            float[] y = r.output("y").floats();
            assertArrayEquals(ins.get(c).shape(), r.output("y").shape());
            for (int i = 0; i < x.length; i++) {
                assertEquals(2 * x[i], y[i], "caller " + c + " element " + i);
            }
        }
        int total = batchRows.stream().mapToInt(Integer::intValue).sum();
        assertEquals(19, total);
        assertTrue(batchRows.stream().allMatch(n -> n <= 5), "batches " + batchRows);
        assertTrue(batchRows.size() < 10, "requests were merged: " + batchRows);
        var s = m.statistics().get(0);
        assertEquals(10, s.requestSuccess);
        assertEquals(19, s.inferenceCount);
        assertEquals(batchRows.size(), s.executionCount);
    }

    @Test
    void requestsOfDifferentTrailingShapesAreNotMerged(@TempDir Path repo) throws Exception {
        ModelManager m = manager(repo, "{\"platform\": \"fake\", \"max_batch_size\": 8, \"dynamic_batching\": {\"max_queue_delay_microseconds\": 100000}}");
        gate = new CountDownLatch(1);
        CompletableFuture<InferenceResponse> a = m.inferAsync(InferenceRequest.of("m", rows(1, 2, 0))).toCompletableFuture();
        CompletableFuture<InferenceResponse> b = m.inferAsync(InferenceRequest.of("m", rows(1, 3, 10))).toCompletableFuture();
        CompletableFuture<InferenceResponse> c = m.inferAsync(InferenceRequest.of("m", rows(2, 2, 20))).toCompletableFuture();
        gate.countDown();
        assertArrayEquals(new float[] {0, 2}, a.get(60, TimeUnit.SECONDS).output("y").floats());
        assertArrayEquals(new float[] {20, 22, 24}, b.get(60, TimeUnit.SECONDS).output("y").floats());
        assertArrayEquals(new float[] {40, 42, 44, 46}, c.get(60, TimeUnit.SECONDS).output("y").floats());
        assertTrue(batchRows.size() >= 2, "width 2 and width 3 ran separately: " + batchRows);
    }

    @Test
    void requestsForDifferentOutputsAreNotMerged(@TempDir Path repo) throws Exception {
        twoOutputs = true;
        ModelManager m = manager(repo, "{\"platform\": \"fake\", \"max_batch_size\": 8, \"dynamic_batching\": {\"max_queue_delay_microseconds\": 100000}}");
        gate = new CountDownLatch(1);
        CompletableFuture<InferenceResponse> first = m.inferAsync(InferenceRequest.of("m", rows(1, 2, 0))).toCompletableFuture();
        CompletableFuture<InferenceResponse> onlyZ = m.inferAsync(new InferenceRequest("m", null, "z", List.of(rows(1, 2, 1)), Set.of("z"))).toCompletableFuture();
        CompletableFuture<InferenceResponse> onlyY = m.inferAsync(new InferenceRequest("m", null, "y", List.of(rows(1, 2, 2)), Set.of("y"))).toCompletableFuture();
        CompletableFuture<InferenceResponse> both = m.inferAsync(InferenceRequest.of("m", rows(1, 2, 3))).toCompletableFuture();
        CompletableFuture<InferenceResponse> alsoZ = m.inferAsync(new InferenceRequest("m", null, "z2", List.of(rows(1, 2, 4)), Set.of("z"))).toCompletableFuture();
        gate.countDown();
        InferenceResponse a = first.get(60, TimeUnit.SECONDS);
        assertArrayEquals(new float[] {0, 2}, a.output("y").floats());
        assertArrayEquals(new float[] {0, 3}, a.output("z").floats());
        InferenceResponse z = onlyZ.get(60, TimeUnit.SECONDS);
        assertEquals(1, z.outputs.size());
        assertArrayEquals(new float[] {3, 6}, z.output("z").floats());
        InferenceResponse y = onlyY.get(60, TimeUnit.SECONDS);
        assertEquals(1, y.outputs.size());
        assertArrayEquals(new float[] {4, 6}, y.output("y").floats());
        assertArrayEquals(new float[] {9, 12}, both.get(60, TimeUnit.SECONDS).output("z").floats());
        assertArrayEquals(new float[] {12, 15}, alsoZ.get(60, TimeUnit.SECONDS).output("z").floats());
        // every execution computed one output set; the two "z only" requests may share one
        assertEquals(5, batchRows.stream().mapToInt(Integer::intValue).sum());
        assertTrue(batchOutputs.contains(Set.of("y", "z")) && batchOutputs.contains(Set.of("y")) && batchOutputs.contains(Set.of("z")), "executions " + batchOutputs);
        assertTrue(batchOutputs.size() >= 3 && batchOutputs.size() <= 4, "executions " + batchOutputs + " rows " + batchRows);
        assertEquals(5, m.statistics().get(0).requestSuccess);
    }

    @Test
    void asynchronousRequestsWithoutBatchingAreCounted(@TempDir Path repo) throws Exception {
        ModelManager m = manager(repo, "{\"platform\": \"fake\"}");
        assertArrayEquals(new float[] {2, 4}, m.inferAsync(InferenceRequest.of("m", rows(1, 2, 1))).toCompletableFuture().get(60, TimeUnit.SECONDS).output("y").floats());
        explode = true;
        ExecutionException e = assertThrows(ExecutionException.class, () -> m.inferAsync(InferenceRequest.of("m", rows(1, 2, 1))).toCompletableFuture().get(60, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("boom"), e.getCause().getMessage());
        var s = m.statistics().get(0);
        assertEquals(1, s.requestSuccess);
        assertEquals(1, s.requestFailure);
        explode = false;
        m.unload("m"); // returns only once no request is counted as running
        assertTrue(closed);
    }

    @Test
    void anEngineFailureReachesEveryCallerOfTheBatch(@TempDir Path repo) throws Exception {
        ModelManager m = manager(repo, "{\"platform\": \"fake\", \"max_batch_size\": 8, \"dynamic_batching\": {\"max_queue_delay_microseconds\": 1000}}");
        explode = true;
        List<CompletableFuture<InferenceResponse>> fs = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            fs.add(m.inferAsync(InferenceRequest.of("m", rows(1, 2, c))).toCompletableFuture());
        }
        for (CompletableFuture<InferenceResponse> f : fs) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
            InferenceException ie = (InferenceException) e.getCause();
            assertEquals(Kind.INTERNAL, ie.kind());
            assertTrue(ie.getMessage().contains("boom in the engine"), ie.getMessage());
        }
        InferenceException sync = assertThrows(InferenceException.class, () -> m.infer(InferenceRequest.of("m", rows(1, 2, 0))));
        assertTrue(sync.getMessage().contains("boom"), sync.getMessage());
        assertEquals(5, m.statistics().get(0).requestFailure);
        explode = false;
        assertArrayEquals(new float[] {6, 8}, m.infer(InferenceRequest.of("m", rows(1, 2, 3))).output("y").floats());
    }

    @Test
    void unloadWaitsForQueuedRequestsThenClosesTheModel(@TempDir Path repo) throws Exception {
        ModelManager m = manager(repo, "{\"platform\": \"fake\", \"max_batch_size\": 4, \"dynamic_batching\": {}, \"instance_group\": [{\"count\": 2}]}");
        gate = new CountDownLatch(1);
        List<CompletableFuture<InferenceResponse>> fs = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            fs.add(m.inferAsync(InferenceRequest.of("m", rows(1, 2, c))).toCompletableFuture());
        }
        CompletableFuture<Void> unload = CompletableFuture.runAsync(() -> m.unload("m"));
        gate.countDown();
        unload.get(60, TimeUnit.SECONDS);
        for (CompletableFuture<InferenceResponse> f : fs) {
            assertEquals(1, f.get(60, TimeUnit.SECONDS).output("y").shape()[0]);
        }
        assertTrue(closed, "the engine's model was closed");
        InferenceException e = assertThrows(InferenceException.class, () -> m.infer(InferenceRequest.of("m", rows(1, 2, 0))));
        assertEquals(Kind.UNAVAILABLE, e.kind());
    }

    @Test
    void withoutBatchingTheCallerThreadRuns(@TempDir Path repo) throws Exception {
        ModelManager m = manager(repo, "{\"platform\": \"fake\"}");
        assertEquals("FakeProvider", m.index().get(0).provider);
        assertArrayEquals(new float[] {2, 4, 6}, m.infer(InferenceRequest.of("m", Tensor.ofFloats("x", new long[] {1, 3}, 1, 2, 3))).output("y").floats());
        assertEquals(List.of(1), batchRows);
    }

    @Test
    void enginesWithoutAStringPlatformAreRefusedWithTheReason() {
        assertEquals("inference engine service refused: " + InferenceEngine.PLATFORM + " is missing (a String naming the platform, e.g. \"onnx\")",
                org.kumiki.inference.api.spi.EngineProperties.problem(Map.of()));
        assertEquals("inference engine service 7 (component com.example.Engine) refused: " + InferenceEngine.PLATFORM + " must be a String, got the String[]",
                org.kumiki.inference.api.spi.EngineProperties.problem(Map.of(InferenceEngine.PLATFORM, new String[] {"onnx"}, "service.id", 7L,
                        "component.name", "com.example.Engine")));
        assertEquals(null, org.kumiki.inference.api.spi.EngineProperties.problem(Map.of(InferenceEngine.PLATFORM, "onnx")));
    }
}
