package org.kumiki.platform.text;

import java.util.Locale;

/** Small renderings shared by the command bundles. */
public final class Text {
    private Text() {}

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

    /** Control characters (line breaks included) escaped, so a value stays on one line. */
    public static String oneLine(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = null;
            if (c == '\n') rep = "\\n";
            else if (c == '\r') rep = "\\r";
            else if (c == '\t') rep = "\\t";
            else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029) rep = String.format(Locale.ROOT, "\\u%04x", (int) c);
            if (rep != null && sb == null) sb = new StringBuilder(s.substring(0, i));
            if (sb != null) {
                if (rep != null) sb.append(rep);
                else sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
