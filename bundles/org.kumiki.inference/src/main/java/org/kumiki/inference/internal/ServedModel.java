package org.kumiki.inference.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.dto.ModelMetadataDTO;
import org.kumiki.inference.api.dto.TensorMetadataDTO;
import org.kumiki.inference.api.spi.LoadedModel;

/**
 * One loaded model version: validates requests against the model's inputs and outputs, runs
 * them directly or through the {@link DynamicBatcher}, counts, and closes the engine's model once
 * the last running request is done.
 */
public final class ServedModel {

    final String name;
    final String version;
    final ModelConfigDTO config;
    final LoadedModel model;
    final Stats stats = new Stats();
    private final Map<String, TensorMetadataDTO> inputs = new LinkedHashMap<>();
    private final Map<String, TensorMetadataDTO> outputs = new LinkedHashMap<>();
    /** The outputs of a request that names none: all of them, one shared set. */
    private final Set<String> allOutputs;
    private final DynamicBatcher batcher;
    private final Object lock = new Object();
    private int running;
    private boolean closing;
    private boolean closed;

    public ServedModel(String name, String version, ModelConfigDTO config, LoadedModel model) {
        this.name = name;
        this.version = version;
        this.config = config;
        this.model = model;
        for (TensorMetadataDTO t : model.inputs()) {
            inputs.put(t.name, batched(t));
        }
        for (TensorMetadataDTO t : model.outputs()) {
            outputs.put(t.name, batched(t));
        }
        this.allOutputs = Set.copyOf(outputs.keySet());
        this.batcher = config.dynamicBatching && config.maxBatchSize > 0 ? new DynamicBatcher(this) : null;
    }

    private TensorMetadataDTO batched(TensorMetadataDTO t) {
        if (config.maxBatchSize <= 0) {
            return t;
        }
        if (t.shape == null || t.shape.length == 0) {
            throw new InferenceException(Kind.UNAVAILABLE, "max_batch_size is " + config.maxBatchSize + " but '" + t.name + "' is a scalar");
        }
        if (t.shape[0] != -1) {
            throw new InferenceException(Kind.UNAVAILABLE, "max_batch_size is " + config.maxBatchSize + " but the first dimension of '" + t.name
                    + "' is fixed at " + t.shape[0] + "; a batching model needs a variable first dimension");
        }
        return t;
    }

    public String provider() {
        return model.provider();
    }

    public ModelMetadataDTO metadata(List<String> versions) {
        ModelMetadataDTO m = new ModelMetadataDTO();
        m.name = name;
        m.version = version;
        m.versions = versions;
        m.platform = config.platform;
        m.maxBatchSize = config.maxBatchSize;
        m.inputs = new ArrayList<>(inputs.values());
        m.outputs = new ArrayList<>(outputs.values());
        m.config = config;
        return m;
    }

    /** Checks a request against the model and returns the validated inputs and the outputs wanted. */
    Prepared prepare(InferenceRequest request) {
        Map<String, Tensor> in = new HashMap<>(Math.max(4, inputs.size() * 2));
        long rows = -1;
        for (Tensor t : request.inputs) {
            TensorMetadataDTO meta = inputs.get(t.name());
            if (meta == null) {
                throw new InferenceException(Kind.INVALID_ARGUMENT, "model '" + name + "' has no input named '" + t.name() + "'; its inputs are " + inputs.keySet());
            }
            if (in.put(t.name(), t) != null) {
                throw new InferenceException(Kind.INVALID_ARGUMENT, "input '" + t.name() + "' is given twice");
            }
            if (!meta.datatype.equals(t.type().name())) {
                throw new InferenceException(Kind.INVALID_ARGUMENT, "input '" + t.name() + "' must be " + meta.datatype + ", got " + t.type());
            }
            long[] shape = t.shape();
            if (shape.length != meta.shape.length || !matches(meta.shape, shape)) {
                throw new InferenceException(Kind.INVALID_ARGUMENT, "input '" + t.name() + "' has shape " + Arrays.toString(shape)
                        + " but the model expects " + Arrays.toString(meta.shape) + " (-1: any size)");
            }
            if (config.maxBatchSize > 0) {
                if (shape[0] < 1 || shape[0] > config.maxBatchSize) {
                    throw new InferenceException(Kind.INVALID_ARGUMENT, "input '" + t.name() + "' has batch size " + shape[0]
                            + "; model '" + name + "' accepts 1 to " + config.maxBatchSize);
                }
                if (rows >= 0 && rows != shape[0]) {
                    throw new InferenceException(Kind.INVALID_ARGUMENT, "inputs disagree on the batch size (" + rows + " and " + shape[0] + ")");
                }
                rows = shape[0];
            }
        }
        for (String n : inputs.keySet()) {
            if (!in.containsKey(n)) {
                throw new InferenceException(Kind.INVALID_ARGUMENT, "input '" + n + "' is missing; model '" + name + "' needs " + inputs.keySet());
            }
        }
        Set<String> out;
        if (request.outputs.isEmpty()) {
            out = allOutputs;
        } else {
            out = new LinkedHashSet<>();
            for (String o : request.outputs) {
                if (!outputs.containsKey(o)) {
                    throw new InferenceException(Kind.INVALID_ARGUMENT, "model '" + name + "' has no output named '" + o + "'; its outputs are " + outputs.keySet());
                }
                out.add(o);
            }
        }
        return new Prepared(request, in, out == allOutputs ? out : Set.copyOf(out), (int) Math.max(rows, 1));
    }

    private static boolean matches(long[] expected, long[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] >= 0 && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

    /** Admits one more request, or fails when the version is being unloaded. */
    private void enter() {
        synchronized (lock) {
            if (closing) {
                throw new InferenceException(Kind.UNAVAILABLE, "model '" + name + "' version " + version + " is being unloaded");
            }
            running++;
        }
    }

    private void exit() {
        synchronized (lock) {
            if (--running == 0 && closing) {
                lock.notifyAll();
            }
        }
    }

    /** Runs a request; without a batcher on the caller's thread, with no future in between. */
    InferenceResponse infer(InferenceRequest request, Executor async) {
        if (batcher != null) {
            return submit(request, async).join();
        }
        long start = System.nanoTime();
        Prepared p = prepareCounted(request);
        enter();
        return runAdmitted(p, start);
    }

    /** Runs an admitted request on this thread, then accounts for it as the batcher does. */
    private InferenceResponse runAdmitted(Prepared p, long start) {
        boolean failed = true;
        try {
            InferenceResponse r = runDirect(p, start);
            failed = false;
            return r;
        } finally {
            answered(failed);
        }
    }

    /** Validates a request, counting a refusal as a failure. */
    private Prepared prepareCounted(InferenceRequest request) {
        try {
            return prepare(request);
        } catch (InferenceException e) {
            stats.failure.increment();
            throw e;
        }
    }

    /** Hands a request to the batcher, or runs it on the async executor. */
    CompletableFuture<InferenceResponse> submit(InferenceRequest request, Executor async) {
        long start = System.nanoTime();
        Prepared p = prepareCounted(request);
        enter();
        try {
            if (batcher != null) {
                return batcher.enqueue(p, start); // the batcher calls answered() for it
            }
            return CompletableFuture.supplyAsync(() -> runAdmitted(p, start), async);
        } catch (RuntimeException e) {
            answered(true);
            throw e;
        }
    }

    /**
     * Accounts for an admitted request once it is answered (by the batcher, before its caller
     * sees the answer): counts a failure and lets close() go on when it was the last one.
     */
    void answered(boolean failed) {
        if (failed) {
            stats.failure.increment();
        }
        exit();
    }

    private InferenceResponse runDirect(Prepared p, long start) {
        long t0 = System.nanoTime();
        Map<String, Tensor> result = execute(p.inputs, p.outputs, p.rows);
        long t1 = System.nanoTime();
        stats.computeNanos.add(t1 - t0);
        stats.queueNanos.add(t0 - start);
        InferenceResponse r = respond(p, result);
        stats.succeeded(System.nanoTime() - start);
        return r;
    }

    /** Runs the engine once and counts the execution; failures are counted per caller in submit. */
    Map<String, Tensor> execute(Map<String, Tensor> in, Set<String> out, int rows) {
        try {
            Map<String, Tensor> result = model.execute(in, out);
            stats.executions.increment();
            stats.rows.add(rows);
            return result;
        } catch (InferenceException e) {
            throw e;
        } catch (Exception e) {
            throw new InferenceException(Kind.INTERNAL, "model '" + name + "' failed: " + oneLine(e), e);
        }
    }

    InferenceResponse respond(Prepared p, Map<String, Tensor> result) {
        return respond(p, result, 0, -1);
    }

    /**
     * The response to one request: the outputs it wants, in the model's order. With
     * {@code rows >= 0} only its rows {@code [offset, offset + rows)} of a batch's outputs.
     */
    InferenceResponse respond(Prepared p, Map<String, Tensor> result, int offset, int rows) {
        Tensor[] list = new Tensor[p.outputs.size()];
        int n = 0;
        for (String o : outputs.keySet()) {
            if (p.outputs.contains(o)) {
                Tensor t = result.get(o);
                if (t == null) {
                    throw new InferenceException(Kind.INTERNAL, "model '" + name + "' returned no output '" + o + "'");
                }
                list[n++] = rows < 0 ? t : Tensors.rows(t, offset, rows);
            }
        }
        return new InferenceResponse(name, version, p.request.id, List.of(list));
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.replaceAll("\\s+", " ").trim();
        return m.length() > 500 ? m.substring(0, 500) + "..." : m;
    }

    /** Stops admitting requests, waits for the running ones, stops the batcher and closes the model. */
    void close() {
        synchronized (lock) {
            closing = true;
            long deadline = System.currentTimeMillis() + 60_000;
            while (running > 0 && System.currentTimeMillis() < deadline) {
                try {
                    lock.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (closed) {
                return;
            }
            closed = true;
        }
        if (batcher != null) {
            batcher.stop();
        }
        model.close();
    }

    boolean isClosed() {
        synchronized (lock) {
            return closing;
        }
    }

    /** A validated request. */
    static final class Prepared {
        final InferenceRequest request;
        final Map<String, Tensor> inputs;
        final Set<String> outputs;
        final int rows;

        Prepared(InferenceRequest request, Map<String, Tensor> inputs, Set<String> outputs, int rows) {
            this.request = request;
            this.inputs = inputs;
            this.outputs = outputs;
            this.rows = rows;
        }

        /**
         * Whether this request may run in one batch with another: the same outputs wanted and the
         * same non-batch dimensions of every input (names and types are the model's, checked in
         * prepare).
         */
        boolean compatible(Prepared other) {
            if (!outputs.equals(other.outputs)) {
                return false;
            }
            for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                Tensor o = other.inputs.get(e.getKey());
                if (o == null || !sameTrailing(e.getValue(), o)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean sameTrailing(Tensor a, Tensor b) {
            int n = a.rank();
            if (n != b.rank()) {
                return false;
            }
            for (int i = 1; i < n; i++) {
                if (a.dim(i) != b.dim(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
