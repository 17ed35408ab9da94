package org.kumiki.platform.text;

import java.util.Locale;

/**
 * Renderings shared by the command bundles: sizes, and text that stays on one line and cannot
 * drive the operator's terminal.
 */
public final class Text {
    private Text() {}

    /** How many characters of an operator's value {@link #shown(String)} repeats in a message. */
    public static final int SHOWN = 60;

    /** Binary-prefixed size ("1.5 GiB"); a negative size prints as {@code negative}. */
    public static String bytes(long b, String negative) {
        if (b < 0) return negative;
        if (b < 1024) return b + " B";
        String[] u = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = b;
        int i = -1;
        do {
            v /= 1024;
            i++;
        } while (v >= 1024 && i < u.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, u[i]);
    }

    /**
     * {@code s} on one line and harmless on a terminal: line breaks and tabs become {@code \n},
     * {@code \r}, {@code \t}; every other control character (C0, DEL, C1 such as the 8-bit CSI,
     * ESC, so no escape sequence survives), the Unicode line and paragraph separators, the bidi
     * controls (which can make text read differently from what it is) and lone surrogates become
     * {@code \}{@code uXXXX}. Other text, non-ASCII letters included, is kept. {@code null} gives "".
     */
    public static String oneLine(String s) {
        if (s == null) return "";
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int n = Character.charCount(c);
            String rep = escape(c);
            if (rep != null && sb == null) sb = new StringBuilder(s.length() + 8).append(s, 0, i);
            if (sb != null) {
                if (rep != null) sb.append(rep);
                else sb.appendCodePoint(c);
            }
            i += n;
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * An operator's value as a message may repeat it: {@link #oneLine} and cut after
     * {@value #SHOWN} characters ("..." marks the cut).
     */
    public static String shown(String s) {
        return shown(s, SHOWN);
    }

    /** {@link #shown(String)} cut after {@code max} code points. */
    public static String shown(String s, int max) {
        if (s == null) return "";
        int cut = s.length();
        if (s.codePointCount(0, s.length()) > max) cut = s.offsetByCodePoints(0, max);
        return oneLine(s.substring(0, cut)) + (cut < s.length() ? "..." : "");
    }

    /** The first line of a (library's) message, made safe with {@link #oneLine}; "" for null. */
    public static String firstLine(String s) {
        if (s == null) return "";
        int n = s.indexOf('\n');
        return oneLine((n < 0 ? s : s.substring(0, n)).strip());
    }

    private static String escape(int c) {
        switch (c) {
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default:
        }
        boolean unsafe = Character.isISOControl(c) // C0, DEL, C1 (ESC, CSI ...)
                || c == 0x2028 || c == 0x2029 // line and paragraph separators
                || c == 0x061C || c == 0x200E || c == 0x200F // bidi marks
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) // bidi embeddings, overrides, isolates
                || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE); // a lone surrogate
        return unsafe ? String.format(Locale.ROOT, "\\u%04x", c) : null;
    }
}
