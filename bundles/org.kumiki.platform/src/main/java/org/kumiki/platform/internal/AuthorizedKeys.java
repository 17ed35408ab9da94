package org.kumiki.platform.internal;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kumiki.platform.api.access.Role;

/**
 * The authorized_keys file in OpenSSH format: {@code [role=ROLE] TYPE BASE64 [COMMENT]}. Keys are
 * decoded with the JDK and matched by their X.509 encoding, so keys from any provider match.
 */
final class AuthorizedKeys {

    static final List<String> TYPES = List.of("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
            "ecdsa-sha2-nistp521", "ssh-rsa");
    static final int MIN_RSA_BITS = 2048;
    private static final int MAX_BASE64 = 16 * 1024;
    private static final int MAX_NAME = 128;
    /** The X.509 SubjectPublicKeyInfo prefix of an Ed25519 key (RFC 8410), followed by the 32 key bytes. */
    private static final byte[] ED25519_X509 = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    record Key(String name, String type, Role role, String fingerprint, byte[] encoded, int line) {
    }

    record Parsed(List<Key> keys, List<String> problems) {
    }

    private final List<Key> keys;
    private final Map<String, Key> byEncoded = new HashMap<>();

    AuthorizedKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
        for (Key k : keys) byEncoded.putIfAbsent(Base64.getEncoder().encodeToString(k.encoded()), k);
    }

    static final AuthorizedKeys NONE = new AuthorizedKeys(List.of());

    List<Key> all() {
        return keys;
    }

    Key find(PublicKey key) {
        byte[] enc = x509(key);
        return enc == null ? null : byEncoded.get(Base64.getEncoder().encodeToString(enc));
    }

    /** A key's X.509 encoding; an Ed25519 key from a provider with another encoding is rebuilt from its last 32 bytes. */
    static byte[] x509(PublicKey key) {
        if (key == null) return null;
        byte[] enc = key.getEncoded();
        if (enc == null) return null;
        String alg = key.getAlgorithm() == null ? "" : key.getAlgorithm().toUpperCase(Locale.ROOT);
        if ((alg.equals("EDDSA") || alg.equals("ED25519")) && enc.length != 44 && enc.length >= 32) {
            byte[] out = new byte[44];
            System.arraycopy(ED25519_X509, 0, out, 0, 12);
            System.arraycopy(enc, enc.length - 32, out, 12, 32);
            return out;
        }
        return enc;
    }

    static Parsed parse(List<String> lines) {
        List<Key> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int n = i + 1;
            String raw = lines.get(i);
            if (raw.length() > AccessFiles.MAX_LINE_CHARS) {
                problems.add("line " + n + ": longer than " + AccessFiles.MAX_LINE_CHARS + " characters, skipped");
                continue;
            }
            String t = raw.strip();
            if (t.isEmpty() || t.startsWith("#")) continue;
            try {
                Key k = parseLine(t, n);
                String id = Base64.getEncoder().encodeToString(k.encoded());
                Integer first = seen.putIfAbsent(id, n);
                if (first != null) {
                    problems.add("line " + n + ": the same key as line " + first + "; this line is ignored");
                    continue;
                }
                out.add(k);
            } catch (IllegalArgumentException e) {
                problems.add("line " + n + ": " + e.getMessage());
            }
        }
        return new Parsed(out, problems);
    }

    static Key parseLine(String line, int n) {
        String rest = line;
        Role role = Role.VIEWER;
        String first = line.split("\\s+", 2)[0];
        if (!TYPES.contains(first) && first.contains("=")) {
            for (String opt : first.split(",", -1)) {
                if (opt.startsWith("role=")) {
                    try {
                        role = Role.parse(opt.substring(5));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(Text.oneLine(e.getMessage()));
                    }
                } else {
                    throw new IllegalArgumentException("option '" + Text.oneLine(opt) + "' is not supported (only role=viewer|operator|admin)");
                }
            }
            rest = line.substring(first.length()).strip();
        }
        String[] f = rest.split("\\s+", 3);
        int at = 0;
        if (f.length < 2) {
            throw new IllegalArgumentException("expected [role=ROLE] TYPE BASE64 [COMMENT]");
        }
        String type = f[at];
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown key type '" + Text.oneLine(type) + "' (supported: " + String.join(", ", TYPES) + ")");
        }
        String b64 = f[at + 1];
        if (b64.length() > MAX_BASE64) throw new IllegalArgumentException("the key is longer than " + MAX_BASE64 + " characters");
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + type + " key is not valid base64");
        }
        byte[] encoded = decode(type, blob);
        String comment = f.length > at + 2 ? f[at + 2].strip() : "";
        String name = comment.isEmpty() ? "key-" + n : Text.oneLine(comment.length() > MAX_NAME ? comment.substring(0, MAX_NAME) : comment);
        String fp = "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(Tokens.sha256(blob));
        return new Key(name, type, role, fp, encoded, n);
    }

    /** The key blob (RFC 4253 wire format) as an X.509-encoded JDK public key. */
    static byte[] decode(String type, byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        try {
            String inner = new String(bytes(b), StandardCharsets.US_ASCII);
            if (!inner.equals(type)) {
                throw new IllegalArgumentException("the key data says '" + Text.oneLine(inner) + "', the line says " + type);
            }
            PublicKey key;
            switch (type) {
                case "ssh-ed25519": {
                    byte[] raw = bytes(b);
                    if (raw.length != 32) throw new IllegalArgumentException("an ssh-ed25519 key has 32 bytes, this one " + raw.length);
                    boolean xOdd = (raw[31] & 0x80) != 0;
                    byte[] be = new byte[32];
                    for (int i = 0; i < 32; i++) be[i] = raw[31 - i];
                    be[0] &= 0x7f;
                    key = KeyFactory.getInstance("Ed25519").generatePublic(
                            new EdECPublicKeySpec(NamedParameterSpec.ED25519, new EdECPoint(xOdd, new BigInteger(1, be))));
                    break;
                }
                case "ssh-rsa": {
                    BigInteger e = new BigInteger(bytes(b));
                    BigInteger m = new BigInteger(bytes(b));
                    if (e.signum() <= 0 || !e.testBit(0) || m.signum() <= 0) throw new IllegalArgumentException("not a valid ssh-rsa key");
                    if (m.bitLength() < MIN_RSA_BITS) {
                        throw new IllegalArgumentException("an RSA key of " + m.bitLength() + " bits is too weak (at least " + MIN_RSA_BITS + ")");
                    }
                    key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(m, e));
                    break;
                }
                default: {
                    String curve = type.substring("ecdsa-sha2-".length());
                    String inCurve = new String(bytes(b), StandardCharsets.US_ASCII);
                    if (!curve.equals(inCurve)) throw new IllegalArgumentException("the key's curve is '" + Text.oneLine(inCurve) + "', the type says " + curve);
                    String std = switch (curve) {
                        case "nistp256" -> "secp256r1";
                        case "nistp384" -> "secp384r1";
                        default -> "secp521r1";
                    };
                    AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
                    ap.init(new ECGenParameterSpec(std));
                    ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
                    BigInteger p = ((ECFieldFp) spec.getCurve().getField()).getP();
                    int size = (p.bitLength() + 7) / 8;
                    byte[] q = bytes(b);
                    if (q.length != 1 + 2 * size || q[0] != 4) throw new IllegalArgumentException("the " + curve + " point is not an uncompressed point");
                    BigInteger x = new BigInteger(1, java.util.Arrays.copyOfRange(q, 1, 1 + size));
                    BigInteger y = new BigInteger(1, java.util.Arrays.copyOfRange(q, 1 + size, q.length));
                    BigInteger rhs = x.pow(3).add(spec.getCurve().getA().multiply(x)).add(spec.getCurve().getB()).mod(p);
                    if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0 || !y.pow(2).mod(p).equals(rhs)) {
                        throw new IllegalArgumentException("the " + curve + " point is not on the curve");
                    }
                    key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(x, y), spec));
                    break;
                }
            }
            if (b.hasRemaining()) throw new IllegalArgumentException("the " + type + " key has " + b.remaining() + " extra bytes");
            return key.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the " + type + " key is not valid (" + Text.oneLine(e.getMessage()) + ")");
        }
    }

    /** An RFC 4251 string: uint32 length, bytes. */
    private static byte[] bytes(ByteBuffer b) {
        if (b.remaining() < 4) throw new IllegalArgumentException("the key data is truncated");
        int len = b.getInt();
        if (len < 0 || len > b.remaining()) throw new IllegalArgumentException("the key data is truncated");
        byte[] out = new byte[len];
        b.get(out);
        return out;
    }
}
