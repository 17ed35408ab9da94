package org.kumiki.campaign.internal.file;

import java.util.LinkedHashMap;
import java.util.Map;

import org.kumiki.campaign.api.dto.ConstraintDTO;
import org.kumiki.campaign.api.dto.Relation;

/**
 * Parses a linear constraint such as {@code ratio_a + ratio_b <= 1} or
 * {@code 2*x - 0.5 y >= z - 3} into coefficients, a relation and a right-hand side.
 */
final class LinearExpression {
    private final String s;
    private int pos;

    private LinearExpression(String s) {
        this.s = s;
    }

    /** @throws IllegalArgumentException with a one-line reason (its position is 1-based) */
    static ConstraintDTO parse(String text) {
        LinearExpression p = new LinearExpression(text);
        Map<String, Double> left = new LinkedHashMap<>();
        double[] leftConst = {0};
        p.side(left, leftConst);
        p.skipSpace();
        Relation rel = p.relation();
        Map<String, Double> right = new LinkedHashMap<>();
        double[] rightConst = {0};
        p.side(right, rightConst);
        p.skipSpace();
        if (p.pos < text.length()) {
            throw p.error("unexpected '" + text.charAt(p.pos) + "'");
        }
        ConstraintDTO c = new ConstraintDTO();
        c.expression = text;
        c.relation = rel;
        left.forEach((k, v) -> c.coefficients.merge(k, v, Double::sum));
        right.forEach((k, v) -> c.coefficients.merge(k, -v, Double::sum));
        c.coefficients.values().removeIf(v -> v == 0.0);
        c.rhs = rightConst[0] - leftConst[0];
        if (c.coefficients.isEmpty()) {
            throw new IllegalArgumentException("constraint \"" + text + "\" names no parameter");
        }
        return c;
    }

    private Relation relation() {
        if (s.startsWith("<=", pos)) { pos += 2; return Relation.LE; }
        if (s.startsWith(">=", pos)) { pos += 2; return Relation.GE; }
        if (s.startsWith("==", pos)) { pos += 2; return Relation.EQ; }
        if (s.startsWith("=", pos)) { pos += 1; return Relation.EQ; }
        if (s.startsWith("<", pos) || s.startsWith(">", pos)) {
            throw error("strict '" + s.charAt(pos) + "' is not allowed, use '" + s.charAt(pos) + "='");
        }
        throw error(pos >= s.length() ? "missing relation (<=, >= or =)" : "expected <=, >= or = at '" + s.charAt(pos) + "'");
    }

    private void side(Map<String, Double> coefficients, double[] constant) {
        boolean first = true;
        while (true) {
            skipSpace();
            double sign = 1;
            if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                sign = s.charAt(pos) == '-' ? -1 : 1;
                pos++;
                skipSpace();
            } else if (!first) {
                return;
            }
            first = false;
            Double number = number();
            skipSpace();
            if (number != null && pos < s.length() && s.charAt(pos) == '*') {
                pos++;
                skipSpace();
            }
            String name = identifier();
            if (name == null && number == null) {
                throw error(pos >= s.length() ? "expression ends early" : "expected a number or a parameter at '" + s.charAt(pos) + "'");
            }
            skipSpace();
            if (name != null && number == null && pos < s.length() && s.charAt(pos) == '*') {
                pos++;
                skipSpace();
                number = number();
                if (number == null) {
                    throw error("expected a number after '*'");
                }
            }
            double value = sign * (number == null ? 1.0 : number);
            if (name == null) {
                constant[0] += value;
            } else {
                coefficients.merge(name, value, Double::sum);
            }
        }
    }

    private Double number() {
        int start = pos;
        while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.'
                || ((s.charAt(pos) == 'e' || s.charAt(pos) == 'E') && pos > start && pos + 1 < s.length()
                    && (Character.isDigit(s.charAt(pos + 1)) || s.charAt(pos + 1) == '-' || s.charAt(pos + 1) == '+'))
                || ((s.charAt(pos) == '-' || s.charAt(pos) == '+') && pos > start && (s.charAt(pos - 1) == 'e' || s.charAt(pos - 1) == 'E')))) {
            pos++;
        }
        if (pos == start) {
            return null;
        }
        try {
            double d = Double.parseDouble(s.substring(start, pos));
            if (!Double.isFinite(d)) {
                throw error("number out of range");
            }
            return d;
        } catch (NumberFormatException e) {
            pos = start;
            throw error("malformed number '" + s.substring(start, Math.min(s.length(), start + 20)) + "'");
        }
    }

    private String identifier() {
        int start = pos;
        if (pos < s.length() && (Character.isLetter(s.charAt(pos)) || s.charAt(pos) == '_')) {
            pos++;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            return s.substring(start, pos);
        }
        return null;
    }

    private void skipSpace() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException("constraint \"" + s + "\" at character " + (pos + 1) + ": " + message);
    }
}
