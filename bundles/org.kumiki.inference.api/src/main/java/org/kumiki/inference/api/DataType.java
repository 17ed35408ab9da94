package org.kumiki.inference.api;

/**
 * Tensor element types, named as in the Open Inference Protocol v2 ({@code FP32}, {@code BYTES}, ...).
 */
public enum DataType {
    BOOL(1), UINT8(1), UINT16(2), UINT32(4), UINT64(8), INT8(1), INT16(2), INT32(4), INT64(8),
    FP16(2), FP32(4), FP64(8),
    /** Variable-length byte strings; no fixed element size. */
    BYTES(-1);

    private final int size;

    DataType(int size) {
        this.size = size;
    }

    /** Bytes per element, or -1 for {@link #BYTES}. */
    public int byteSize() {
        return size;
    }

    /**
     * The type named by an OIP v2 datatype string (case-sensitive, as the protocol spells it).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static DataType of(String name) {
        if (name != null) {
            for (DataType t : values()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unknown datatype '" + name + "'; expected one of BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, FP32, FP64, BYTES");
    }
}
