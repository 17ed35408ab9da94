package org.kumiki.quantum.api;

import java.util.Arrays;
import java.util.Objects;

/**
 * A classical condition: the integer formed by {@code clbits} (clbits[0] is the least
 * significant bit) equals {@code value}. {@code register} names the whole register when the
 * condition is on one ({@code if (c == 3)}), or is null for a single bit ({@code if (c[1] == 1)}).
 */
public final class Condition {
    private final String register;
    private final int[] clbits;
    private final long value;

    public Condition(String register, int[] clbits, long value) {
        if (clbits == null || clbits.length == 0 || clbits.length > 63) throw new IllegalArgumentException("a condition needs 1 to 63 bits");
        if (value < 0 || (clbits.length < 63 && value >= (1L << clbits.length))) {
            throw new IllegalArgumentException("condition value " + value + " does not fit in " + clbits.length + " bit(s)");
        }
        this.register = register;
        this.clbits = clbits.clone();
        this.value = value;
    }

    public String register() { return register; }
    public int[] clbits() { return clbits.clone(); }
    public long value() { return value; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && Objects.equals(c.register, register) && Arrays.equals(c.clbits, clbits) && c.value == value;
    }

    @Override
    public int hashCode() { return Objects.hash(register, Arrays.hashCode(clbits), value); }

    @Override
    public String toString() { return (register != null ? register : Arrays.toString(clbits)) + "==" + value; }
}
