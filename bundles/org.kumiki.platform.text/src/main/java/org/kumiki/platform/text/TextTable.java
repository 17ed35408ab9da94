package org.kumiki.platform.text;

import java.util.ArrayList;
import java.util.List;

/** A left-aligned plain-text table, as operators read it in the Gogo shell; cells are kept on one line. */
public final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    public TextTable(String... header) {
        this.header = header;
    }

    /** Adds a row; null cells print empty, line breaks and control characters are escaped. */
    public TextTable row(Object... cells) {
        if (cells.length != header.length) throw new IllegalArgumentException("expected " + header.length + " cells");
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) r[i] = cells[i] == null ? "" : Text.oneLine(cells[i].toString());
        rows.add(r);
        return this;
    }

    public int size() {
        return rows.size();
    }

    @Override
    public String toString() {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) w[i] = header[i].length();
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        for (String[] r : rows) line(sb, r, w);
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            l.append(cells[i]);
            if (i < cells.length - 1) l.append(" ".repeat(w[i] - cells[i].length() + 2));
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
