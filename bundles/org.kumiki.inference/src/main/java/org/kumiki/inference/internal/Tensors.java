package org.kumiki.inference.internal;

import java.nio.ByteBuffer;
import java.util.List;

import org.kumiki.inference.api.DataType;
import org.kumiki.inference.api.Tensor;

/** Concatenation and splitting along the first (batch) dimension. */
public final class Tensors {

    private Tensors() {
    }

    /** Concatenates tensors of one type and equal trailing dimensions along dimension 0. */
    public static Tensor concat(String name, List<Tensor> parts) {
        Tensor first = parts.get(0);
        if (parts.size() == 1) {
            return first.name().equals(name) ? first : first.rename(name);
        }
        long[] shape = first.shape();
        long rows = 0;
        for (Tensor t : parts) {
            rows += t.dim(0);
        }
        shape[0] = rows;
        if (first.type() == DataType.BYTES) {
            byte[][] all = new byte[(int) Tensor.elementCount(name, shape)][];
            int i = 0;
            for (Tensor t : parts) {
                for (byte[] s : t.strings()) {
                    all[i++] = s;
                }
            }
            return Tensor.ofStrings(name, shape, all);
        }
        int total = 0;
        for (Tensor t : parts) {
            total += t.data().remaining();
        }
        byte[] out = new byte[total];
        int off = 0;
        for (Tensor t : parts) {
            ByteBuffer b = t.data();
            int n = b.remaining();
            b.get(out, off, n);
            off += n;
        }
        return Tensor.wrap(name, first.type(), shape, out);
    }

    /** Rows [from, from + count) of a tensor whose first dimension is the batch. */
    public static Tensor rows(Tensor t, int from, int count) {
        if (from == 0 && count == t.dim(0)) {
            return t;
        }
        long[] shape = t.shape();
        long perRow = 1;
        for (int i = 1; i < shape.length; i++) {
            perRow *= shape[i];
        }
        shape[0] = count;
        if (t.type() == DataType.BYTES) {
            byte[][] all = t.strings();
            byte[][] part = new byte[(int) (perRow * count)][];
            System.arraycopy(all, (int) (perRow * from), part, 0, part.length);
            return Tensor.ofStrings(t.name(), shape, part);
        }
        int rowBytes = (int) (perRow * t.type().byteSize());
        ByteBuffer b = t.data();
        b.position(rowBytes * from).limit(rowBytes * (from + count));
        byte[] out = new byte[rowBytes * count];
        b.get(out);
        return Tensor.wrap(t.name(), t.type(), shape, out);
    }
}
