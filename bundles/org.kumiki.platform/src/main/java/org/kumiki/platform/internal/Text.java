package org.kumiki.platform.internal;

/** Log-safe text: one line, control characters escaped, at most 120 characters. */
final class Text {

    private Text() {
    }

    static String oneLine(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            if (c == '\n') b.append("\\n");
            else if (c == '\r') b.append("\\r");
            else if (c == '\t') b.append("\\t");
            else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (b.length() >= 120 && s.length() > 120) b.append("...");
        return b.toString();
    }
}
