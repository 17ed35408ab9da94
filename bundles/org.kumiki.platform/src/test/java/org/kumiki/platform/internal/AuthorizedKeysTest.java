package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.access.Role;

/** authorized_keys parsing: every supported type decoded by the JDK, hostile lines refused one by one. */
class AuthorizedKeysTest {

    // ------------------------------------------------------------ OpenSSH wire encoding of JDK keys

    static byte[] string(DataOutputStream out, byte[] b) throws Exception {
        out.writeInt(b.length);
        out.write(b);
        return b;
    }

    static String openssh(PublicKey key) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        String type;
        if (key instanceof EdECPublicKey ed) {
            type = "ssh-ed25519";
            string(out, type.getBytes(StandardCharsets.US_ASCII));
            byte[] y = ed.getPoint().getY().toByteArray();
            byte[] le = new byte[32];
            for (int i = 0; i < 32 && i < y.length; i++) le[i] = y[y.length - 1 - i];
            if (ed.getPoint().isXOdd()) le[31] |= (byte) 0x80;
            string(out, le);
        } else if (key instanceof RSAPublicKey rsa) {
            type = "ssh-rsa";
            string(out, type.getBytes(StandardCharsets.US_ASCII));
            string(out, rsa.getPublicExponent().toByteArray());
            string(out, rsa.getModulus().toByteArray());
        } else {
            ECPublicKey ec = (ECPublicKey) key;
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            String curve = bits == 256 ? "nistp256" : bits == 384 ? "nistp384" : "nistp521";
            type = "ecdsa-sha2-" + curve;
            string(out, type.getBytes(StandardCharsets.US_ASCII));
            string(out, curve.getBytes(StandardCharsets.US_ASCII));
            int size = (bits + 7) / 8;
            byte[] q = new byte[1 + 2 * size];
            q[0] = 4;
            put(q, 1, size, ec.getW().getAffineX());
            put(q, 1 + size, size, ec.getW().getAffineY());
            string(out, q);
        }
        return type + " " + Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    static void put(byte[] dst, int at, int size, BigInteger v) {
        byte[] b = v.toByteArray();
        int n = Math.min(b.length, size);
        System.arraycopy(b, b.length - n, dst, at + size - n, n);
    }

    static PublicKey generate(String alg, Object param) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
        if (param instanceof Integer bits) g.initialize(bits);
        else if (param instanceof String curve) g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair().getPublic();
    }

    // ------------------------------------------------------------ tests

    @Test
    void everySupportedTypeDecodesToTheKeyTheJdkMadeAndMatchesByItsEncoding() throws Exception {
        List<PublicKey> keys = List.of(generate("Ed25519", null), generate("EC", "secp256r1"), generate("EC", "secp384r1"),
                generate("EC", "secp521r1"), generate("RSA", 2048));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) lines.add((i == 1 ? "role=operator " : i == 2 ? "role=admin " : "") + openssh(keys.get(i)) + " user" + i + "@host");
        AuthorizedKeys.Parsed p = AuthorizedKeys.parse(lines);
        assertEquals(List.of(), p.problems());
        assertEquals(5, p.keys().size());
        AuthorizedKeys ak = new AuthorizedKeys(p.keys());
        for (int i = 0; i < keys.size(); i++) {
            AuthorizedKeys.Key k = ak.find(keys.get(i));
            assertNotNull(k, keys.get(i).getAlgorithm());
            assertEquals("user" + i + "@host", k.name());
            assertArrayEquals(keys.get(i).getEncoded(), k.encoded());
            assertEquals(i == 1 ? Role.OPERATOR : i == 2 ? Role.ADMIN : Role.VIEWER, k.role());
            assertEquals(i + 1, k.line());
        }
        assertNull(ak.find(generate("Ed25519", null)), "another key is not authorized");
        assertNull(ak.find(null));
    }

    @Test
    void anEd25519KeyEncodedByAnotherProviderStillMatches() throws Exception {
        PublicKey jdk = generate("Ed25519", null);
        AuthorizedKeys ak = new AuthorizedKeys(AuthorizedKeys.parse(List.of(openssh(jdk))).keys());
        byte[] raw = new byte[32];
        System.arraycopy(jdk.getEncoded(), 12, raw, 0, 32);
        PublicKey foreign = new PublicKey() {
            @Override public String getAlgorithm() { return "EdDSA"; }
            @Override public String getFormat() { return "X.509"; }
            @Override public byte[] getEncoded() {
                byte[] e = new byte[46]; // an encoding with two more header bytes, raw key last
                System.arraycopy(raw, 0, e, 14, 32);
                return e;
            }
        };
        assertNotNull(ak.find(foreign));
    }

    @Test
    void fingerprintsNamesAndRolesAgreeWithSshKeygen(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-keygen")), "OpenSSH's ssh-keygen installed");
        List<String> lines = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        String[][] types = {{"ed25519", ""}, {"ecdsa", "256"}, {"ecdsa", "384"}, {"ecdsa", "521"}, {"rsa", "2048"}};
        for (String[] t : types) {
            Path key = dir.resolve("id_" + t[0] + t[1]);
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/ssh-keygen", "-q", "-t", t[0], "-N", "", "-C", "alice-" + t[0] + t[1], "-f", key.toString()));
            if (!t[1].isEmpty()) cmd.addAll(List.of("-b", t[1]));
            run(cmd);
            lines.add(Files.readString(Path.of(key + ".pub")).strip());
            String fp = run(List.of("/usr/bin/ssh-keygen", "-l", "-E", "sha256", "-f", key + ".pub"));
            expected.add(fp.split("\\s+")[1]);
        }
        lines.add(1, "# a comment");
        lines.add("");
        AuthorizedKeys.Parsed p = AuthorizedKeys.parse(lines);
        assertEquals(List.of(), p.problems());
        for (int i = 0; i < types.length; i++) {
            assertEquals(expected.get(i), p.keys().get(i).fingerprint());
            assertEquals("alice-" + types[i][0] + types[i][1], p.keys().get(i).name());
        }
    }

    static String run(List<String> cmd) throws Exception {
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(pr.waitFor(120, TimeUnit.SECONDS), "ssh-keygen finished");
        assertEquals(0, pr.exitValue(), out);
        return out;
    }

    @Test
    void eachHostileLineIsRefusedWithItsNumberAndTheOthersAreKept() throws Exception {
        String good = openssh(generate("Ed25519", null));
        String goodBlob = good.split(" ")[1];
        String ecLine = openssh(generate("EC", "secp256r1"));
        byte[] ec = Base64.getDecoder().decode(ecLine.split(" ")[1]);
        ec[ec.length - 1] ^= 1; // moves the point off the curve
        List<String> lines = List.of(
                "ssh-ed25519 " + "A".repeat(20_000),                         // 1 huge line
                "ssh-ed25519 not*base64! bob",                               // 2
                "ssh-dss AAAAB3NzaC1kc3MAAACBAP== carol",                    // 3 unknown type
                "role=root " + good + " dave",                               // 4 bad role
                "from=\"10.0.0.0/8\" " + good + " eve",                       // 5 option not supported
                "ssh-rsa " + goodBlob + " mallory",                          // 6 type says rsa, data says ed25519
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== trunc",            // 7 truncated
                openssh(generate("RSA", 1024)) + " weak",                    // 8 too weak
                "ecdsa-sha2-nistp256 " + Base64.getEncoder().encodeToString(ec) + " off-curve", // 9
                "ssh-ed25519",                                               // 10 no key
                good + " alice",                                             // 11 the good one
                "role=admin " + good + " alice-again");                       // 12 duplicate key
        AuthorizedKeys.Parsed p = AuthorizedKeys.parse(lines);
        assertEquals(1, p.keys().size());
        assertEquals("alice", p.keys().get(0).name());
        assertEquals(Role.VIEWER, p.keys().get(0).role());
        List<String> problems = p.problems();
        assertEquals(11, problems.size(), String.join("\n", problems));
        String[] expect = {"line 1: longer than", "line 2: the ssh-ed25519 key is not valid base64", "line 3: unknown key type 'ssh-dss'",
            "line 4: unknown role 'root'", "line 5: option 'from=\"10.0.0.0/8\"' is not supported", "line 6: the key data says 'ssh-ed25519', the line says ssh-rsa",
            "line 7: the key data is truncated", "line 8: an RSA key of 1024 bits is too weak", "line 9: the nistp256 point is not on the curve",
            "line 10: expected [role=ROLE] TYPE BASE64", "line 12: the same key as line 11"};
        for (int i = 0; i < expect.length; i++) {
            assertTrue(problems.get(i).startsWith(expect[i]), problems.get(i));
            assertTrue(problems.get(i).length() < 300 && !problems.get(i).contains("\n"), "one short line: " + problems.get(i));
        }
    }

    @Test
    void aKeyWithoutCommentIsNamedByItsLineAndControlCharactersInACommentAreEscaped() throws Exception {
        AuthorizedKeys.Parsed p = AuthorizedKeys.parse(List.of("", openssh(generate("Ed25519", null)),
                openssh(generate("Ed25519", null)) + " evil\u001b[31mred"));
        assertEquals("key-2", p.keys().get(0).name());
        assertEquals("evil\\u001b[31mred", p.keys().get(1).name());
    }
}
