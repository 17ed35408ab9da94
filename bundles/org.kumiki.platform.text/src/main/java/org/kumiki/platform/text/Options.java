package org.kumiki.platform.text;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Option values as every command parses them, one grammar each. Every method throws an
 * {@link IllegalArgumentException} with one line, {@code invalid OPTION 'VALUE': WHY}, where the
 * value is shown with {@link Text#shown(String)} (control characters escaped, long values cut).
 *
 * <ul>
 * <li>whole numbers: {@code [+-]DIGITS}, within a range;</li>
 * <li>real numbers: decimal, optional exponent ({@code -1.5e-3}), finite, within a range;</li>
 * <li>sizes: plain bytes or a number (decimals allowed) with a binary unit K, M, G, T, P, E,
 * optionally followed by B or iB, any case: {@code 512M}, {@code 64KiB}, {@code 1.5G},
 * {@code 2TB}; K, KB and KiB all mean 1024; fractions of a byte round up;</li>
 * <li>rates: a size, optionally followed by {@code /s};</li>
 * <li>durations: seconds ({@code 30}, {@code 2.5}) or numbers with units {@code ms}, {@code s},
 * {@code m} or {@code min}, {@code h}, {@code d}, several in a row: {@code 90s}, {@code 1.5h},
 * {@code 1h30m}.</li>
 * </ul>
 * Only ASCII digits count; values longer than {@value #MAX_LENGTH} characters are refused.
 */
public final class Options {
    private Options() {}

    /** Longest value any of the number grammars accepts. */
    public static final int MAX_LENGTH = 64;

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern REAL = Pattern.compile("[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(?:([KMGTPE])(?:I?B)?|B)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION_PART = Pattern.compile("((?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))\\s*(ms|s|min|m|h|d)", Pattern.CASE_INSENSITIVE);
    private static final String SIZE_HINT = "expected a size such as 512M, 1.5G, 64KiB, 2T or plain bytes";
    private static final String DURATION_HINT = "expected a duration such as 30 (seconds), 90s, 5m, 1.5h, 1h30m, 2d or 250ms";

    /** A whole number in [min, max]. */
    public static int integer(String option, String value, int min, int max) {
        return (int) longInteger(option, value, min, max);
    }

    /** A whole number in [min, max]. */
    public static long longInteger(String option, String value, long min, long max) {
        String v = token(option, value, "a whole number");
        if (!INTEGER.matcher(v).matches()) throw invalid(option, value, "expected a whole number" + range(min, max, ""));
        BigInteger n = new BigInteger(v);
        if (n.compareTo(BigInteger.valueOf(min)) < 0 || n.compareTo(BigInteger.valueOf(max)) > 0) {
            throw invalid(option, value, bounds(min, max, ""));
        }
        return n.longValueExact();
    }

    /** A finite decimal number (no NaN, no Infinity, no hexadecimal, no overflow such as 1e400). */
    public static double real(String option, String value) {
        return real(option, value, -Double.MAX_VALUE, Double.MAX_VALUE);
    }

    /** A finite decimal number in [min, max]. */
    public static double real(String option, String value, double min, double max) {
        String v = token(option, value, "a number");
        if (!REAL.matcher(v).matches()) throw invalid(option, value, "expected a number such as 2, -0.5 or 1e-3");
        double d = Double.parseDouble(v);
        if (!Double.isFinite(d)) throw invalid(option, value, "too large");
        if (d < min || d > max) {
            if (min == -Double.MAX_VALUE) throw invalid(option, value, "must be at most " + plain(max));
            if (max == Double.MAX_VALUE) throw invalid(option, value, "must be at least " + plain(min));
            throw invalid(option, value, "must be between " + plain(min) + " and " + plain(max));
        }
        return d;
    }

    /** A size in bytes, 0 to {@link Long#MAX_VALUE} (see the class comment for the grammar). */
    public static long size(String option, String value) {
        return size(option, value, 0, Long.MAX_VALUE);
    }

    /** A size in bytes within [min, max]. */
    public static long size(String option, String value, long min, long max) {
        String v = token(option, value, SIZE_HINT.substring("expected ".length()));
        return sizeOf(option, value, v, min, max, SIZE_HINT);
    }

    /** A rate in bytes per second: a size, optionally followed by {@code /s} ({@code 50M}, {@code 1.5MiB/s}). */
    public static long rate(String option, String value) {
        String hint = "expected a rate, a size per second such as 512K, 50M/s or 1.5GiB/s";
        String v = token(option, value, hint.substring("expected ".length()));
        if (v.toLowerCase(Locale.ROOT).endsWith("/s")) v = v.substring(0, v.length() - 2).strip();
        return sizeOf(option, value, v, 0, Long.MAX_VALUE, hint);
    }

    private static long sizeOf(String option, String value, String v, long min, long max, String hint) {
        if (v.startsWith("-") && v.length() > 1 && Character.isDigit(v.charAt(1))) throw invalid(option, value, "must not be negative; " + hint);
        Matcher m = SIZE.matcher(v);
        if (!m.matches()) throw invalid(option, value, hint);
        int shift = m.group(2) == null ? 0 : "KMGTPE".indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1;
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(2).pow(10 * shift)).setScale(0, RoundingMode.CEILING);
        if (bytes.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw invalid(option, value, max == Long.MAX_VALUE ? "too large (at most 8 EiB)" : "too large (at most " + Text.bytes(max, "") + ")");
        }
        if (bytes.compareTo(BigDecimal.valueOf(min)) < 0) throw invalid(option, value, "too small (at least " + Text.bytes(min, "") + ")");
        return bytes.longValueExact();
    }

    /** A duration within [min, max], to the millisecond (see the class comment for the grammar). */
    public static Duration duration(String option, String value, Duration min, Duration max) {
        String v = token(option, value, DURATION_HINT.substring("expected ".length()));
        BigDecimal millis;
        if (REAL.matcher(v).matches() && !v.contains("e") && !v.contains("E")) {
            if (v.startsWith("-")) throw invalid(option, value, "must not be negative");
            millis = new BigDecimal(v.startsWith("+") ? v.substring(1) : v).movePointRight(3);
        } else {
            if (v.startsWith("-")) throw invalid(option, value, "must not be negative");
            Matcher m = DURATION_PART.matcher(v);
            millis = BigDecimal.ZERO;
            int at = 0;
            while (at < v.length()) {
                while (at < v.length() && v.charAt(at) == ' ') at++;
                if (at == v.length()) break;
                m.region(at, v.length());
                if (!m.lookingAt()) throw invalid(option, value, DURATION_HINT);
                BigDecimal n = new BigDecimal(m.group(1));
                switch (m.group(2).toLowerCase(Locale.ROOT)) {
                    case "ms": break;
                    case "s": n = n.movePointRight(3); break;
                    case "m": case "min": n = n.multiply(BigDecimal.valueOf(60_000)); break;
                    case "h": n = n.multiply(BigDecimal.valueOf(3_600_000)); break;
                    default: n = n.multiply(BigDecimal.valueOf(86_400_000)); break;
                }
                millis = millis.add(n);
                at = m.end();
            }
        }
        millis = millis.setScale(0, RoundingMode.CEILING);
        if (millis.compareTo(millis(max)) > 0 || millis.compareTo(millis(min)) < 0) {
            throw invalid(option, value, "must be between " + text(min) + " and " + text(max));
        }
        return Duration.ofMillis(millis.longValueExact());
    }

    /** {@code value} stripped, or the one-line error {@code invalid OPTION '': expected WHAT} when it is null or blank. */
    public static String require(String option, String value, String what) {
        if (value == null || value.isBlank()) throw invalid(option, value, "expected " + what);
        return value.strip();
    }

    private static String token(String option, String value, String what) {
        String v = require(option, value, what);
        if (v.length() > MAX_LENGTH) throw invalid(option, value, "longer than " + MAX_LENGTH + " characters; expected " + what);
        return v;
    }

    private static BigDecimal millis(Duration d) {
        return BigDecimal.valueOf(d.getSeconds()).movePointRight(3).add(BigDecimal.valueOf(d.getNano()).movePointLeft(6));
    }

    /** The one error format: {@code invalid OPTION 'VALUE': WHY}, the value shown safely. */
    public static IllegalArgumentException invalid(String option, String value, String why) {
        return new IllegalArgumentException("invalid " + Text.oneLine(option) + " '" + Text.shown(value) + "': " + why);
    }

    /** A duration as operators write it: 90s, 5m, 2h30m, 1d, 250ms. */
    public static String text(Duration d) {
        if (d.getSeconds() > Long.MAX_VALUE / 2000) return "forever";
        long ms = d.toMillis();
        if (ms == 0) return "0s";
        StringBuilder sb = new StringBuilder();
        long[] units = {86_400_000, 3_600_000, 60_000, 1000, 1};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                sb.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return sb.toString();
    }

    private static String range(long min, long max, String unit) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) return "";
        return " (" + bounds(min, max, unit) + ")";
    }

    private static String bounds(long min, long max, String unit) {
        boolean lowest = min == Integer.MIN_VALUE || min == Long.MIN_VALUE, highest = max == Integer.MAX_VALUE || max == Long.MAX_VALUE;
        if (lowest && highest) return "must be between " + min + " and " + max + unit;
        if ((min == 0) && (max == Integer.MAX_VALUE || max == Long.MAX_VALUE)) return "must not be negative (0 to " + max + unit + ")";
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) return "must be at least " + min + unit + " (at most " + max + ")";
        if (min == Integer.MIN_VALUE || min == Long.MIN_VALUE) return "must be at most " + max + unit;
        return "must be between " + min + " and " + max + unit;
    }

    private static String plain(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d);
    }
}
