package org.kumiki.inference.test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes ONNX models (protobuf wire format by hand): ModelProto, GraphProto, NodeProto,
 * TensorProto (raw_data), ValueInfoProto with symbolic or fixed dimensions. Opset 13, IR 8.
 */
public final class OnnxWriter {

    // onnx.TensorProto.DataType
    public static final int FLOAT = 1, UINT8 = 2, INT8 = 3, INT16 = 5, INT32 = 6, INT64 = 7, STRING = 8, BOOL = 9, FLOAT16 = 10, DOUBLE = 11;

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final List<byte[]> outputs = new ArrayList<>();
    private int nodeCount;

    /** An input; a dimension is a Long (fixed) or a String (symbolic, e.g. "N"). */
    public OnnxWriter input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    public OnnxWriter output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    /** A float initializer (constant weight). */
    public OnnxWriter floats(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Msg t = new Msg();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, FLOAT);
        t.string(8, name);
        t.bytes(9, b.array());
        initializers.add(t.toBytes());
        return this;
    }

    /** A node; attrs are name/value pairs of Long (INT) or String (STRING) values. */
    public OnnxWriter node(String opType, String[] in, String[] out, Object... attrs) {
        Msg n = new Msg();
        for (String i : in) {
            n.string(1, i);
        }
        for (String o : out) {
            n.string(2, o);
        }
        n.string(3, opType.toLowerCase() + "_" + (nodeCount++));
        n.string(4, opType);
        for (int i = 0; i + 1 < attrs.length; i += 2) {
            Msg a = new Msg();
            a.string(1, (String) attrs[i]);
            Object v = attrs[i + 1];
            if (v instanceof Long || v instanceof Integer) {
                a.varint(3, ((Number) v).longValue());
                a.varint(20, 2); // INT
            } else {
                a.bytes(4, ((String) v).getBytes(StandardCharsets.UTF_8));
                a.varint(20, 3); // STRING
            }
            n.message(5, a);
        }
        nodes.add(n.toBytes());
        return this;
    }

    public byte[] toBytes() {
        Msg g = new Msg();
        for (byte[] n : nodes) {
            g.bytes(1, n);
        }
        g.string(2, "kumiki_test_graph");
        for (byte[] t : initializers) {
            g.bytes(5, t);
        }
        for (byte[] i : inputs) {
            g.bytes(11, i);
        }
        for (byte[] o : outputs) {
            g.bytes(12, o);
        }
        Msg opset = new Msg();
        opset.string(1, "");
        opset.varint(2, 13);
        Msg m = new Msg();
        m.varint(1, 8); // ir_version
        m.string(2, "kumiki-test");
        m.message(7, g);
        m.message(8, opset);
        return m.toBytes();
    }

    public Path write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, toBytes());
        return file;
    }

    private static byte[] valueInfo(String name, int elemType, Object... dims) {
        Msg shape = new Msg();
        for (Object d : dims) {
            Msg dim = new Msg();
            if (d instanceof String) {
                dim.string(2, (String) d);
            } else {
                dim.varint(1, ((Number) d).longValue());
            }
            shape.message(1, dim);
        }
        Msg tensor = new Msg();
        tensor.varint(1, elemType);
        tensor.message(2, shape);
        Msg type = new Msg();
        type.message(1, tensor);
        Msg vi = new Msg();
        vi.string(1, name);
        vi.message(2, type);
        return vi.toBytes();
    }

    /** A protobuf message under construction. */
    static final class Msg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void tag(int field, int wire) {
            raw((long) field << 3 | wire);
        }

        void raw(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }

        void varint(int field, long v) {
            tag(field, 0);
            raw(v);
        }

        void bytes(int field, byte[] b) {
            tag(field, 2);
            raw(b.length);
            out.write(b, 0, b.length);
        }

        void string(int field, String s) {
            bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        void message(int field, Msg m) {
            bytes(field, m.toBytes());
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
