package org.kumiki.platform.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TextTest {

    /** Nothing a terminal acts on survives: C0, ESC, DEL, C1, separators, bidi controls. */
    static void assertHarmless(String s) {
        s.codePoints().forEach(c -> {
            assertFalse(Character.isISOControl(c), () -> "control U+" + Integer.toHexString(c) + " in " + s);
            assertFalse(c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069), s);
        });
    }

    @Test
    void oneLineEscapesTerminalEscapeSequences() {
        // a device's error text that would clear the screen, retitle the window and hide what follows
        String hostile = "motor fault\u001b[2J\u001b]0;pwned\u0007\u001b[8mhidden\u009b31m\r\nnext line\u0000\u007f";
        String s = Text.oneLine(hostile);
        assertHarmless(s);
        assertEquals("motor fault\\u001b[2J\\u001b]0;pwned\\u0007\\u001b[8mhidden\\u009b31m\\r\\nnext line\\u0000\\u007f", s);
    }

    @Test
    void oneLineKeepsUnicodeTextAndEscapesBidiAndSeparators() {
        assertSame("Ångström 試料 ☃ 🧪 naïve", Text.oneLine("Ångström 試料 ☃ 🧪 naïve"));
        assertEquals("a\\u202eb\\u2066c\\u2028d\\u200fe", Text.oneLine("a\u202eb\u2066c\u2028d\u200fe"));
        assertEquals("tab\\there", Text.oneLine("tab\there"));
        assertEquals("lone \\ud800 surrogate", Text.oneLine("lone \ud800 surrogate"));
        assertEquals("", Text.oneLine(null));
        assertEquals("", Text.oneLine(""));
    }

    @Test
    void shownCutsLongValuesWithoutSplittingCharacters() {
        String emoji = "🧪".repeat(100);
        String s = Text.shown(emoji, 10);
        assertEquals("🧪".repeat(10) + "...", s);
        assertEquals("\\u001b[31m", Text.shown("\u001b[31m"));
        String longLine = "x".repeat(1_000_000);
        assertTrue(Text.shown(longLine).length() <= Text.SHOWN + 3);
        assertEquals("", Text.shown(null));
    }

    @Test
    void firstLineOfALibraryMessage() {
        assertEquals("Unexpected character", Text.firstLine("Unexpected character\n at [Source: ...]"));
        assertEquals("a\\u001b[0m", Text.firstLine("a\u001b[0m"));
        assertEquals("", Text.firstLine(null));
    }

    @Test
    void tableCellsAreEscaped() {
        String t = new TextTable("NAME", "REASON").row("det1", "bad\u001b[2Jthing\nmore").toString();
        assertHarmless(t.replace("\n", ""));
        assertEquals(2, t.lines().count(), t);
    }

    @Test
    void bytes() {
        assertEquals("1.5 GiB", Text.bytes(3L << 29, "-"));
        assertEquals("512 B", Text.bytes(512, "-"));
        assertEquals("-", Text.bytes(-1, "-"));
        assertEquals("8.0 EiB", Text.bytes(Long.MAX_VALUE, "-"));
    }
}
