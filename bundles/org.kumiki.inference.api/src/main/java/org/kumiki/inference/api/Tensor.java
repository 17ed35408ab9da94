package org.kumiki.inference.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An immutable named tensor: element type, shape and row-major data. Fixed-size types hold their
 * elements as little-endian bytes ({@link #data()}); {@link DataType#BYTES} holds one byte string
 * per element ({@link #strings()}). Every factory checks that the data matches the shape exactly.
 */
public final class Tensor {

    private final String name;
    private final DataType type;
    private final long[] shape;
    private final ByteBuffer data;
    private final byte[][] strings;

    private Tensor(String name, DataType type, long[] shape, ByteBuffer data, byte[][] strings) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name is missing");
        }
        if (type == null) {
            throw new IllegalArgumentException("tensor '" + name + "': datatype is missing");
        }
        this.name = name;
        this.type = type;
        this.shape = shape.clone();
        long n = elementCount(name, this.shape);
        if (type == DataType.BYTES) {
            if (strings == null || strings.length != n) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " needs " + n
                        + " elements, got " + (strings == null ? 0 : strings.length));
            }
            for (byte[] s : strings) {
                if (s == null) {
                    throw new IllegalArgumentException("tensor '" + name + "': null element");
                }
            }
            this.strings = strings;
            this.data = null;
        } else {
            long expected = n * type.byteSize();
            if (data == null || data.remaining() != expected) {
                throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " of " + type + " needs "
                        + expected + " bytes, got " + (data == null ? 0 : data.remaining()));
            }
            this.data = data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
            this.strings = null;
        }
    }

    /** The element count of a shape; every dimension must be at least 0. */
    public static long elementCount(String name, long[] shape) {
        if (shape == null) {
            throw new IllegalArgumentException("tensor '" + name + "': shape is missing");
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " is too large");
        }
        return n;
    }

    /** A fixed-size tensor from raw little-endian bytes (the buffer's remaining bytes, copied). */
    public static Tensor of(String name, DataType type, long[] shape, ByteBuffer littleEndian) {
        if (type == DataType.BYTES) {
            throw new IllegalArgumentException("tensor '" + name + "': BYTES tensors are built with ofStrings");
        }
        ByteBuffer copy = null;
        if (littleEndian != null) {
            copy = ByteBuffer.allocate(littleEndian.remaining());
            copy.put(littleEndian.duplicate()).flip();
        }
        return new Tensor(name, type, shape, copy, null);
    }

    /** Wraps bytes without copying; the caller must not change them afterwards. */
    public static Tensor wrap(String name, DataType type, long[] shape, byte[] littleEndian) {
        if (type == DataType.BYTES) {
            throw new IllegalArgumentException("tensor '" + name + "': BYTES tensors are built with ofStrings");
        }
        return new Tensor(name, type, shape, littleEndian == null ? null : ByteBuffer.wrap(littleEndian), null);
    }

    public static Tensor ofFloats(String name, long[] shape, float... values) {
        ByteBuffer b = alloc(values.length, 4);
        b.asFloatBuffer().put(values);
        return new Tensor(name, DataType.FP32, shape, b, null);
    }

    public static Tensor ofDoubles(String name, long[] shape, double... values) {
        ByteBuffer b = alloc(values.length, 8);
        b.asDoubleBuffer().put(values);
        return new Tensor(name, DataType.FP64, shape, b, null);
    }

    public static Tensor ofInts(String name, long[] shape, int... values) {
        ByteBuffer b = alloc(values.length, 4);
        b.asIntBuffer().put(values);
        return new Tensor(name, DataType.INT32, shape, b, null);
    }

    public static Tensor ofLongs(String name, long[] shape, long... values) {
        ByteBuffer b = alloc(values.length, 8);
        b.asLongBuffer().put(values);
        return new Tensor(name, DataType.INT64, shape, b, null);
    }

    public static Tensor ofBooleans(String name, long[] shape, boolean... values) {
        ByteBuffer b = alloc(values.length, 1);
        for (boolean v : values) {
            b.put((byte) (v ? 1 : 0));
        }
        b.flip();
        return new Tensor(name, DataType.BOOL, shape, b, null);
    }

    /** A {@link DataType#BYTES} tensor, one byte string per element (the arrays are not copied). */
    public static Tensor ofStrings(String name, long[] shape, byte[]... values) {
        return new Tensor(name, DataType.BYTES, shape, null, values == null ? null : values.clone());
    }

    private static ByteBuffer alloc(int n, int size) {
        return ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The same data under another name. */
    public Tensor rename(String newName) {
        return new Tensor(newName, type, shape, data, strings);
    }

    public String name() {
        return name;
    }

    public DataType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** The number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i} of the shape, without copying the shape. */
    public long dim(int i) {
        return shape[i];
    }

    /** The number of elements (product of the shape). */
    public int elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return (int) n;
    }

    /** The raw little-endian bytes of a fixed-size tensor, read-only, positioned at 0. */
    public ByteBuffer data() {
        if (data == null) {
            throw new IllegalStateException("tensor '" + name + "' is BYTES; use strings()");
        }
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The byte strings of a {@link DataType#BYTES} tensor (a copy of the array). */
    public byte[][] strings() {
        if (strings == null) {
            throw new IllegalStateException("tensor '" + name + "' is " + type + ", not BYTES");
        }
        return strings.clone();
    }

    private void require(DataType t) {
        if (type != t) {
            throw new IllegalStateException("tensor '" + name + "' is " + type + ", not " + t);
        }
    }

    public float[] floats() {
        require(DataType.FP32);
        float[] out = new float[elementCount()];
        data().asFloatBuffer().get(out);
        return out;
    }

    public double[] doubles() {
        require(DataType.FP64);
        double[] out = new double[elementCount()];
        data().asDoubleBuffer().get(out);
        return out;
    }

    public int[] ints() {
        require(DataType.INT32);
        int[] out = new int[elementCount()];
        data().asIntBuffer().get(out);
        return out;
    }

    public long[] longs() {
        require(DataType.INT64);
        long[] out = new long[elementCount()];
        data().asLongBuffer().get(out);
        return out;
    }

    public boolean[] booleans() {
        require(DataType.BOOL);
        ByteBuffer b = data();
        boolean[] out = new boolean[elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i) != 0;
        }
        return out;
    }

    @Override
    public String toString() {
        return name + ":" + type + Arrays.toString(shape);
    }
}
