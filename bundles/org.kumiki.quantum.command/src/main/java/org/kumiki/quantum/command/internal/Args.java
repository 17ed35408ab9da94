package org.kumiki.quantum.command.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kumiki.platform.text.Options;
import org.kumiki.platform.text.Text;

/** The quantum commands' own option grammars (assignments, graphs), on the shared toolkit ({@link Options}, {@link Text}). */
final class Args {
    private Args() {}

    static Map<String, Double> assignments(String opt, String v) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (v == null || v.isBlank()) return m;
        for (String part : v.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(opt + " takes name=value pairs, got '" + Text.shown(part) + "'");
            String k = part.substring(0, eq).trim();
            if (m.put(k, Options.real(opt + " " + Text.shown(k), part.substring(eq + 1))) != null) throw new IllegalArgumentException(opt + ": '" + Text.shown(k) + "' given twice");
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
                w = Options.real("--graph weight", p.substring(colon + 1));
                p = p.substring(0, colon);
            }
            int dash = p.indexOf('-');
            if (dash <= 0) throw new IllegalArgumentException("--graph: an edge is I-J or I-J:WEIGHT, got '" + Text.shown(part) + "'");
            int i = Options.integer("--graph node", p.substring(0, dash), 0, 25);
            int j = Options.integer("--graph node", p.substring(dash + 1), 0, 25);
            out.add(new double[] {i, j, w});
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--graph has no edges");
        return out.toArray(new double[0][]);
    }
}
