package org.kumiki.platform.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.kumiki.platform.api.access.Role;

/**
 * The tokens file: one token per line, {@code NAME ROLE sha256:HEX}; blank lines and {@code #}
 * comments allowed. Parsing keeps every good line and reports each bad one with its number.
 */
final class Tokens {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-fA-F]{64}");
    /** Longest token looked up; longer ones are refused without hashing. */
    static final int MAX_TOKEN_CHARS = 512;

    record Token(String name, Role role, byte[] digest) {
    }

    record Parsed(List<Token> tokens, List<String> problems) {
    }

    private final List<Token> tokens;

    Tokens(List<Token> tokens) {
        this.tokens = List.copyOf(tokens);
    }

    static final Tokens NONE = new Tokens(List.of());

    List<Token> all() {
        return tokens;
    }

    /**
     * The token whose digest matches, comparing with every entry in constant time per digest
     * ({@link MessageDigest#isEqual}), so the time does not say which entry or how much matched.
     */
    Token find(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS || tokens.isEmpty()) return null;
        byte[] d = sha256(token.getBytes(StandardCharsets.UTF_8));
        Token found = null;
        for (Token t : tokens) {
            if (MessageDigest.isEqual(d, t.digest()) && found == null) found = t;
        }
        return found;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JVM", e);
        }
    }

    static String line(String name, Role role, String token) {
        return name + " " + role.label() + " sha256:" + HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.UTF_8)));
    }

    /** Name of the token a line defines, or null for a comment, a blank or a malformed line. */
    static String nameOf(String line) {
        String t = line.strip();
        if (t.isEmpty() || t.startsWith("#")) return null;
        String[] f = t.split("\\s+");
        return f.length == 3 ? f[0] : null;
    }

    static Parsed parse(List<String> lines) {
        List<Token> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            int n = i + 1;
            String raw = lines.get(i);
            if (raw.length() > AccessFiles.MAX_LINE_CHARS) {
                problems.add("line " + n + ": longer than " + AccessFiles.MAX_LINE_CHARS + " characters, skipped");
                continue;
            }
            String t = raw.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            String[] f = t.split("\\s+");
            if (f.length != 3) {
                problems.add("line " + n + ": expected NAME ROLE sha256:HEX, found " + f.length + " field(s)");
                continue;
            }
            if (!NAME.matcher(f[0]).matches()) {
                problems.add("line " + n + ": bad name '" + Text.oneLine(f[0]) + "' (letters, digits, '.', '_', '@', '-', at most 64)");
                continue;
            }
            Role role;
            try {
                role = Role.parse(f[1]);
            } catch (IllegalArgumentException e) {
                problems.add("line " + n + ": " + Text.oneLine(e.getMessage()));
                continue;
            }
            if (!DIGEST.matcher(f[2]).matches()) {
                problems.add("line " + n + ": token '" + f[0] + "': the digest is not sha256: and 64 hexadecimal digits");
                continue;
            }
            if (!names.add(f[0])) {
                problems.add("line " + n + ": a token named '" + f[0] + "' is already defined above; this line is ignored");
                continue;
            }
            String hex = f[2].substring(7).toLowerCase(java.util.Locale.ROOT);
            if (!digests.add(hex)) {
                problems.add("line " + n + ": token '" + f[0] + "' has the same digest as a token above; this line is ignored");
                continue;
            }
            out.add(new Token(f[0], role, HexFormat.of().parseHex(hex)));
        }
        return new Parsed(out, problems);
    }
}
