package org.kumiki.quantum.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A Hermitian observable as a real-weighted sum of Pauli strings. Labels follow Qiskit: the
 * rightmost character acts on qubit 0 ({@code "XZ"} is Z on qubit 0 and X on qubit 1).
 */
public final class Observable {
    /** One term: {@code coefficient * P_{n-1} ... P_0}. */
    public static final class Term {
        private final double coefficient;
        private final String paulis;

        public Term(double coefficient, String paulis) {
            if (!Double.isFinite(coefficient)) throw new IllegalArgumentException("coefficient must be finite");
            if (paulis == null || paulis.isEmpty() || !paulis.matches("[IXYZ]+")) {
                throw new IllegalArgumentException("a Pauli label is made of I, X, Y and Z, got '" + paulis + "'");
            }
            this.coefficient = coefficient;
            this.paulis = paulis;
        }

        public double coefficient() { return coefficient; }
        public String paulis() { return paulis; }
        public int numQubits() { return paulis.length(); }

        /** The Pauli acting on qubit q ('I' beyond the label). */
        public char pauliOn(int q) {
            return q < paulis.length() ? paulis.charAt(paulis.length() - 1 - q) : 'I';
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Term t && Double.compare(t.coefficient, coefficient) == 0 && t.paulis.equals(paulis);
        }

        @Override
        public int hashCode() { return Objects.hash(coefficient, paulis); }

        @Override
        public String toString() { return coefficient + "*" + paulis; }
    }

    private final List<Term> terms;

    public Observable(List<Term> terms) {
        if (terms == null || terms.isEmpty()) throw new IllegalArgumentException("an observable needs at least one term");
        int n = terms.get(0).numQubits();
        for (Term t : terms) {
            if (t.numQubits() != n) throw new IllegalArgumentException("all Pauli labels must have the same length: '" + terms.get(0).paulis() + "' vs '" + t.paulis() + "'");
        }
        this.terms = List.copyOf(terms);
    }

    public static Observable of(String paulis) { return new Observable(List.of(new Term(1.0, paulis))); }

    /**
     * Parses {@code "-1.05*II + 0.39*IZ - 0.18 * XX"} (a coefficient is optional and means 1).
     */
    public static Observable parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty observable");
        String s = text.replace(" ", "").replace("\t", "");
        List<Term> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            int sign = 1;
            if (s.charAt(i) == '+' || s.charAt(i) == '-') { sign = s.charAt(i) == '-' ? -1 : 1; i++; }
            else if (i > 0) throw new IllegalArgumentException("expected + or - at position " + (i + 1) + " of '" + text + "'");
            int j = i;
            while (j < s.length() && s.charAt(j) != '+' && s.charAt(j) != '-' || (j > i && (s.charAt(j - 1) == 'e' || s.charAt(j - 1) == 'E') && j < s.length() && Character.isDigit(s.charAt(j - 2)))) j++;
            String part = s.substring(i, j);
            if (part.isEmpty()) throw new IllegalArgumentException("missing term at position " + (i + 1) + " of '" + text + "'");
            double c = 1;
            String label = part;
            int star = part.indexOf('*');
            if (star >= 0) {
                try { c = Double.parseDouble(part.substring(0, star)); }
                catch (NumberFormatException e) { throw new IllegalArgumentException("bad coefficient '" + part.substring(0, star) + "' in '" + text + "'"); }
                label = part.substring(star + 1);
            }
            out.add(new Term(sign * c, label.toUpperCase(Locale.ROOT)));
            i = j;
        }
        return new Observable(out);
    }

    public List<Term> terms() { return Collections.unmodifiableList(terms); }
    public int numQubits() { return terms.get(0).numQubits(); }

    @Override
    public boolean equals(Object o) { return o instanceof Observable ob && ob.terms.equals(terms); }

    @Override
    public int hashCode() { return terms.hashCode(); }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Term t : terms) {
            if (sb.length() > 0) sb.append(t.coefficient() < 0 ? " - " : " + ");
            else if (t.coefficient() < 0) sb.append('-');
            sb.append(Math.abs(t.coefficient())).append('*').append(t.paulis());
        }
        return sb.toString();
    }
}
