package org.kumiki.platform.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class OptionsTest {

    /** Fails with one harmless line that names the option, and returns it. */
    static String refused(Executable e) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        String m = x.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), m);
        TextTest.assertHarmless(m);
        assertTrue(m.startsWith("invalid --opt '"), m);
        assertTrue(m.length() < 300, m);
        return m;
    }

    @Test
    void integersWithRange() {
        assertEquals(5, Options.integer("--opt", " 5 ", 1, 10));
        assertEquals(-3, Options.integer("--opt", "-3", -5, 5));
        assertEquals(7, Options.integer("--opt", "+7", 0, Integer.MAX_VALUE));
        assertEquals(Integer.MIN_VALUE, Options.integer("--opt", "-2147483648", Integer.MIN_VALUE, Integer.MAX_VALUE));
        assertTrue(refused(() -> Options.integer("--opt", "-2147483649", Integer.MIN_VALUE, Integer.MAX_VALUE)).contains("between"));
        assertEquals(Long.MAX_VALUE, Options.longInteger("--opt", "9223372036854775807", 0, Long.MAX_VALUE));
        assertTrue(refused(() -> Options.integer("--opt", "0", 1, 10)).endsWith("must be between 1 and 10"));
        assertTrue(refused(() -> Options.integer("--opt", "-1", 0, Integer.MAX_VALUE)).contains("must not be negative"));
        // huge, also beyond long
        assertTrue(refused(() -> Options.integer("--opt", "99999999999999999999999", 1, 10)).contains("between 1 and 10"));
        assertTrue(refused(() -> Options.longInteger("--opt", "9223372036854775808", 0, Long.MAX_VALUE)).contains("0 to 9223372036854775807"));
        for (String bad : new String[] {"", "  ", "1.5", "1e3", "0x10", "five", "５", "\u0661", "1_000", "--", "12abc"}) {
            refused(() -> Options.integer("--opt", bad, 0, 100));
        }
        refused(() -> Options.integer("--opt", null, 0, 100));
        refused(() -> Options.integer("--opt", "9".repeat(100_000), 0, 100));
    }

    @Test
    void realsAreFiniteDecimals() {
        assertEquals(-0.5, Options.real("--opt", "-0.5"));
        assertEquals(1e-3, Options.real("--opt", "1e-3"));
        assertEquals(2.0, Options.real("--opt", "2."));
        for (String bad : new String[] {"NaN", "Infinity", "-Infinity", "1e400", "0x1p3", "1d", "1f", "", "1,5", "١"}) {
            refused(() -> Options.real("--opt", bad));
        }
        assertTrue(refused(() -> Options.real("--opt", "1e400")).endsWith("too large"));
        assertTrue(refused(() -> Options.real("--opt", "11", 0, 10)).endsWith("must be between 0 and 10"));
    }

    @Test
    void sizesOneGrammar() {
        assertEquals(512, Options.size("--opt", "512"));
        assertEquals(512, Options.size("--opt", "512B"));
        assertEquals(512L << 10, Options.size("--opt", "512K"));
        assertEquals(512L << 10, Options.size("--opt", "512kb"));
        assertEquals(64L << 20, Options.size("--opt", "64MiB"));
        assertEquals(3L << 29, Options.size("--opt", "1.5G"));
        assertEquals(3L << 29, Options.size("--opt", "1.5 GiB"));
        assertEquals(2L << 40, Options.size("--opt", "2T"));
        assertEquals(1L << 50, Options.size("--opt", "1P"));
        assertEquals(1127, Options.size("--opt", "1.1K")); // 1126.4 rounds up
        assertEquals(Long.MAX_VALUE, Options.size("--opt", "9223372036854775807"));
        assertTrue(refused(() -> Options.size("--opt", "8E")).contains("too large"));
        assertTrue(refused(() -> Options.size("--opt", "99999999999999999999999T")).contains("too large"));
        assertTrue(refused(() -> Options.size("--opt", "-1M")).contains("must not be negative"));
        for (String bad : new String[] {"", "M", "+4G", "4.G", ".5G", "4G\u0000", "4 GiBs", "1,5G", "1.5X", "1iB", "1 0M", "1M2", "1e3", "NaN", "１M", "1M\u001b[2J", "0x10"}) {
            refused(() -> Options.size("--opt", bad));
        }
        assertTrue(refused(() -> Options.size("--opt", "1M\u001b[2J")).contains("\\u001b[2J"));
        assertTrue(refused(() -> Options.size("--opt", "1K", 4096, Long.MAX_VALUE)).contains("too small (at least 4.0 KiB)"));
    }

    @Test
    void ratesAreSizesPerSecond() {
        assertEquals(50L << 20, Options.rate("--opt", "50M"));
        assertEquals(50L << 20, Options.rate("--opt", "50M/s"));
        assertEquals(3L << 19, Options.rate("--opt", "1.5MiB/s"));
        refused(() -> Options.rate("--opt", "/s"));
        refused(() -> Options.rate("--opt", "5M/h"));
    }

    @Test
    void durations() {
        Duration max = Duration.ofDays(365);
        assertEquals(Duration.ofSeconds(30), Options.duration("--opt", "30", Duration.ZERO, max));
        assertEquals(Duration.ofMillis(2500), Options.duration("--opt", "2.5", Duration.ZERO, max));
        assertEquals(Duration.ofSeconds(90), Options.duration("--opt", "90s", Duration.ZERO, max));
        assertEquals(Duration.ofMinutes(5), Options.duration("--opt", "5m", Duration.ZERO, max));
        assertEquals(Duration.ofMinutes(5), Options.duration("--opt", "5min", Duration.ZERO, max));
        assertEquals(Duration.ofMinutes(90), Options.duration("--opt", "1.5h", Duration.ZERO, max));
        assertEquals(Duration.ofMinutes(90), Options.duration("--opt", "1h30m", Duration.ZERO, max));
        assertEquals(Duration.ofDays(2), Options.duration("--opt", "2d", Duration.ZERO, max));
        assertEquals(Duration.ofMillis(250), Options.duration("--opt", "250ms", Duration.ZERO, max));
        assertEquals(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE)); // no overflow in the bound below
        assertEquals(Duration.ofDays(3), Options.duration("--opt", "3d", Duration.ZERO, Duration.ofSeconds(Long.MAX_VALUE)));
        assertTrue(refused(() -> Options.duration("--opt", "-5m", Duration.ZERO, max)).contains("must not be negative"));
        assertTrue(refused(() -> Options.duration("--opt", "366d", Duration.ZERO, max)).endsWith("must be between 0s and 365d"));
        assertTrue(refused(() -> Options.duration("--opt", "99999999999999999999d", Duration.ZERO, max)).contains("between"));
        assertTrue(refused(() -> Options.duration("--opt", "0", Duration.ofSeconds(1), max)).contains("between 1s and 365d"));
        for (String bad : new String[] {"", "m", "5x", "5 m x", "1e3", "NaN", "５s", "1h-5m", "\u001b[1m5s"}) {
            refused(() -> Options.duration("--opt", bad, Duration.ZERO, max));
        }
        assertEquals("1h30m", Options.text(Duration.ofMinutes(90)));
        assertEquals("0s", Options.text(Duration.ZERO));
    }

    @Test
    void errorsShowHostileValuesSafely() {
        String m = refused(() -> Options.integer("--opt", "\u001b]0;title\u0007" + "x".repeat(500), 0, 1));
        assertTrue(m.contains("\\u001b]0;title\\u0007"), m);
        assertTrue(m.contains("..."), m);
    }
}
