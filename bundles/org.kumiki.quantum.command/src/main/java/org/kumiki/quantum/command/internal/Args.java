package org.kumiki.quantum.command.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parsing of command options, with one-line messages. */
final class Args {
    private Args() {}

    static String shown(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (b.length() >= 80) { b.append("..."); break; }
            b.append(Character.isISOControl(c) ? '?' : c);
        }
        return b.toString();
    }

    static int integer(String opt, String v, int min, int max) {
        long x;
        try {
            x = Long.parseLong(v.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new IllegalArgumentException(opt + " needs an integer, got '" + shown(v) + "'");
        }
        if (x < min || x > max) throw new IllegalArgumentException(opt + " must be between " + min + " and " + max + ", got " + x);
        return (int) x;
    }

    static long longValue(String opt, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs an integer, got '" + shown(v) + "'");
        }
    }

    static double real(String opt, String v) {
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a number, got '" + shown(v) + "'");
        }
        if (!Double.isFinite(d)) throw new IllegalArgumentException(opt + " needs a finite number, got '" + shown(v) + "'");
        return d;
    }

    static Map<String, Double> assignments(String opt, String v) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (v == null || v.isBlank()) return m;
        for (String part : v.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(opt + " takes name=value pairs, got '" + shown(part) + "'");
            String k = part.substring(0, eq).trim();
            if (m.put(k, real(opt + " " + shown(k), part.substring(eq + 1))) != null) throw new IllegalArgumentException(opt + ": '" + shown(k) + "' given twice");
        }
        return m;
    }

    /** {@code 0-1,1-2:2.5} to {i, j, w} triples. */
    static double[][] edges(String v) {
        List<double[]> out = new ArrayList<>();
        for (String part : v.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            double w = 1;
            int colon = p.indexOf(':');
            if (colon >= 0) {
                w = real("--graph weight", p.substring(colon + 1));
                p = p.substring(0, colon);
            }
            int dash = p.indexOf('-');
            if (dash <= 0) throw new IllegalArgumentException("--graph: an edge is I-J or I-J:WEIGHT, got '" + shown(part) + "'");
            int i = integer("--graph node", p.substring(0, dash), 0, 25);
            int j = integer("--graph node", p.substring(dash + 1), 0, 25);
            out.add(new double[] {i, j, w});
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--graph has no edges");
        return out.toArray(new double[0][]);
    }
}
