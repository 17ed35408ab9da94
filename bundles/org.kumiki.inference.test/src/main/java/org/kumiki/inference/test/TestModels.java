package org.kumiki.inference.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test models, written as real ONNX files into a Triton-layout repository, and an
 * independent Java computation of what the MLP must return.
 */
public final class TestModels {

    public static final int IN = 4, HIDDEN = 8, OUT = 3;

    private TestModels() {
    }

    public static float w1(int i, int j) {
        return ((i * 7 + j * 3) % 11 - 5) / 10f;
    }

    public static float b1(int j) {
        return (j % 3 - 1) / 20f;
    }

    public static float w2(int j, int k) {
        return ((j * 5 + k * 2) % 9 - 4) / 8f;
    }

    public static float b2(int k) {
        return k / 10f - 0.1f;
    }

    /** y = relu(x W1 + b1) W2 + b2 for each row of x ([rows, 4]), computed in plain Java. */
    public static float[] mlp(float[] x) {
        int rows = x.length / IN;
        float[] y = new float[rows * OUT];
        for (int r = 0; r < rows; r++) {
            float[] h = new float[HIDDEN];
            for (int j = 0; j < HIDDEN; j++) {
                float s = 0;
                for (int i = 0; i < IN; i++) {
                    s += x[r * IN + i] * w1(i, j);
                }
                h[j] = Math.max(0f, s + b1(j));
            }
            for (int k = 0; k < OUT; k++) {
                float s = 0;
                for (int j = 0; j < HIDDEN; j++) {
                    s += h[j] * w2(j, k);
                }
                y[r * OUT + k] = s + b2(k);
            }
        }
        return y;
    }

    private static OnnxWriter mlpGraph(Object batchDim) {
        float[] w1 = new float[IN * HIDDEN];
        for (int i = 0; i < IN; i++) {
            for (int j = 0; j < HIDDEN; j++) {
                w1[i * HIDDEN + j] = w1(i, j);
            }
        }
        float[] b1 = new float[HIDDEN];
        for (int j = 0; j < HIDDEN; j++) {
            b1[j] = b1(j);
        }
        float[] w2 = new float[HIDDEN * OUT];
        for (int j = 0; j < HIDDEN; j++) {
            for (int k = 0; k < OUT; k++) {
                w2[j * OUT + k] = w2(j, k);
            }
        }
        float[] b2 = new float[OUT];
        for (int k = 0; k < OUT; k++) {
            b2[k] = b2(k);
        }
        return new OnnxWriter()
                .input("x", OnnxWriter.FLOAT, batchDim, (long) IN)
                .output("y", OnnxWriter.FLOAT, batchDim, (long) OUT)
                .floats("W1", new long[] {IN, HIDDEN}, w1)
                .floats("B1", new long[] {HIDDEN}, b1)
                .floats("W2", new long[] {HIDDEN, OUT}, w2)
                .floats("B2", new long[] {OUT}, b2)
                .node("MatMul", new String[] {"x", "W1"}, new String[] {"h0"})
                .node("Add", new String[] {"h0", "B1"}, new String[] {"h1"})
                .node("Relu", new String[] {"h1"}, new String[] {"h2"})
                .node("MatMul", new String[] {"h2", "W2"}, new String[] {"y0"})
                .node("Add", new String[] {"y0", "B2"}, new String[] {"y"});
    }

    /** The MLP with a variable batch dimension "N": x [N,4] FP32 to y [N,3] FP32. */
    public static byte[] mlp() {
        return mlpGraph("N").toBytes();
    }

    /** The same MLP with a fixed shape: x [1,4] to y [1,3]. */
    public static byte[] mlpFixed() {
        return mlpGraph(1L).toBytes();
    }

    /**
     * Two inputs of different types: a [N,3] FP32 and b [N,3] INT64; outputs sum = a + float(b)
     * (FP32) and square = b * b (INT64).
     */
    public static byte[] mixed() {
        return new OnnxWriter()
                .input("a", OnnxWriter.FLOAT, "N", 3L)
                .input("b", OnnxWriter.INT64, "N", 3L)
                .output("sum", OnnxWriter.FLOAT, "N", 3L)
                .output("square", OnnxWriter.INT64, "N", 3L)
                .node("Cast", new String[] {"b"}, new String[] {"bf"}, "to", (long) OnnxWriter.FLOAT)
                .node("Add", new String[] {"a", "bf"}, new String[] {"sum"})
                .node("Mul", new String[] {"b", "b"}, new String[] {"square"})
                .toBytes();
    }

    /** FP16, BOOL and BYTES: h [N,2] FP16 passed through, flag [N,2] BOOL negated, s [N] BYTES passed through. */
    public static byte[] types() {
        return new OnnxWriter()
                .input("h", OnnxWriter.FLOAT16, "N", 2L)
                .input("flag", OnnxWriter.BOOL, "N", 2L)
                .input("s", OnnxWriter.STRING, "N")
                .output("h_out", OnnxWriter.FLOAT16, "N", 2L)
                .output("not_flag", OnnxWriter.BOOL, "N", 2L)
                .output("s_out", OnnxWriter.STRING, "N")
                .node("Identity", new String[] {"h"}, new String[] {"h_out"})
                .node("Not", new String[] {"flag"}, new String[] {"not_flag"})
                .node("Identity", new String[] {"s"}, new String[] {"s_out"})
                .toBytes();
    }

    /** Writes {@code <repo>/<name>/<version>/model.onnx} and, when given, {@code <repo>/<name>/config.json}. */
    public static Path install(Path repo, String name, String version, byte[] model, String configJson) throws IOException {
        Path dir = repo.resolve(name);
        Files.createDirectories(dir.resolve(version));
        Files.write(dir.resolve(version).resolve("model.onnx"), model);
        if (configJson != null) {
            Files.writeString(dir.resolve("config.json"), configJson);
        }
        return dir;
    }

    public static String batching(int maxBatch, long delayMicros, int instances) {
        return "{\"platform\": \"onnxruntime_onnx\", \"max_batch_size\": " + maxBatch
                + ", \"dynamic_batching\": {\"preferred_batch_size\": [" + maxBatch + "], \"max_queue_delay_microseconds\": " + delayMicros + "}"
                + ", \"instance_group\": [{\"count\": " + instances + ", \"kind\": \"KIND_CPU\"}]}";
    }
}
