package org.kumiki.quantum.api;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A gate angle: a constant plus a linear combination of named symbolic parameters
 * ({@code 2*theta + 0.5}). Immutable. Binding values to every parameter yields a number.
 */
public final class Angle {
    public static final Angle ZERO = new Angle(0.0, Map.of());

    private final double constant;
    private final Map<String, Double> terms; // sorted by name, no zero coefficients

    private Angle(double constant, Map<String, Double> terms) {
        this.constant = constant;
        this.terms = terms;
    }

    public static Angle of(double value) {
        if (!Double.isFinite(value)) throw new IllegalArgumentException("angle must be finite, got " + value);
        return new Angle(value, Map.of());
    }

    public static Angle param(String name) {
        if (name == null || !name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("invalid parameter name '" + name + "'");
        }
        return new Angle(0.0, Map.of(name, 1.0));
    }

    public double constant() { return constant; }

    /** Coefficient of each parameter, sorted by name. */
    public Map<String, Double> terms() { return Collections.unmodifiableMap(terms); }

    public Set<String> parameters() { return terms.keySet(); }

    public boolean isNumeric() { return terms.isEmpty(); }

    /** The numeric value; throws when a parameter is unbound. */
    public double value() {
        if (!terms.isEmpty()) throw new IllegalStateException("unbound parameters " + terms.keySet());
        return constant;
    }

    public Angle plus(Angle o) {
        TreeMap<String, Double> t = new TreeMap<>(terms);
        o.terms.forEach((k, v) -> t.merge(k, v, Double::sum));
        t.values().removeIf(v -> v == 0.0);
        return new Angle(constant + o.constant, t);
    }

    public Angle plus(double c) { return plus(of(c)); }

    public Angle times(double f) {
        if (!Double.isFinite(f)) throw new IllegalArgumentException("factor must be finite");
        TreeMap<String, Double> t = new TreeMap<>();
        terms.forEach((k, v) -> { if (v * f != 0.0) t.put(k, v * f); });
        return new Angle(constant * f, t);
    }

    public Angle negate() { return times(-1.0); }

    /** Substitutes the parameters found in {@code values}; others stay symbolic. */
    public Angle bind(Map<String, Double> values) {
        if (terms.isEmpty()) return this;
        double c = constant;
        TreeMap<String, Double> t = new TreeMap<>();
        for (Map.Entry<String, Double> e : terms.entrySet()) {
            Double v = values.get(e.getKey());
            if (v != null) c += e.getValue() * v;
            else t.put(e.getKey(), e.getValue());
        }
        return new Angle(c, t);
    }

    /** OpenQASM expression text, e.g. {@code 2.0*theta + -0.5}; numbers print exactly. */
    @Override
    public String toString() {
        if (terms.isEmpty()) return num(constant);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Double> e : terms.entrySet()) {
            if (sb.length() > 0) sb.append(" + ");
            double k = e.getValue();
            if (k == 1.0) sb.append(e.getKey());
            else if (k == -1.0) sb.append("-").append(e.getKey());
            else sb.append(num(k)).append('*').append(e.getKey());
        }
        if (constant != 0.0) sb.append(" + ").append(num(constant));
        return sb.toString();
    }

    private static String num(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d) + ".0";
        return Double.toString(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Angle a && Double.compare(a.constant, constant) == 0 && a.terms.equals(terms);
    }

    @Override
    public int hashCode() { return Objects.hash(constant, terms); }
}
