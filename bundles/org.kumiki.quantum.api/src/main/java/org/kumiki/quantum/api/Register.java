package org.kumiki.quantum.api;

import java.util.Objects;

/** A named quantum or classical register: {@code size} consecutive indices from {@code offset}. */
public final class Register {
    private final String name;
    private final int size;
    private final int offset;
    private final boolean quantum;

    public Register(String name, int size, int offset, boolean quantum) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("invalid register name '" + name + "'");
        if (size < 1) throw new IllegalArgumentException("register " + name + " needs at least one element, got " + size);
        this.name = name;
        this.size = size;
        this.offset = offset;
        this.quantum = quantum;
    }

    public String name() { return name; }
    public int size() { return size; }
    public int offset() { return offset; }
    public boolean quantum() { return quantum; }

    /** Global index of element i. */
    public int index(int i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException(name + "[" + i + "] out of range (size " + size + ")");
        return offset + i;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Register r && r.name.equals(name) && r.size == size && r.offset == offset && r.quantum == quantum;
    }

    @Override
    public int hashCode() { return Objects.hash(name, size, offset, quantum); }

    @Override
    public String toString() { return (quantum ? "qubit[" : "bit[") + size + "] " + name; }
}
