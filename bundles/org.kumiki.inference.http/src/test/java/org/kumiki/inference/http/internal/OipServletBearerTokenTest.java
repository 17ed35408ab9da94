package org.kumiki.inference.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bearer.token.file: a private file is read, any other is refused (fail closed), the token is never printed. */
class OipServletBearerTokenTest {

    static final String SECRET = "oip-s3cret-token-0815";

    static OipServlet.Config config(Map<String, Object> values) {
        return (OipServlet.Config) Proxy.newProxyInstance(OipServlet.Config.class.getClassLoader(), new Class<?>[] {OipServlet.Config.class}, (p, m, a) -> {
            if (values.containsKey(m.getName())) return values.get(m.getName());
            if (m.getDefaultValue() != null) return m.getDefaultValue();
            if (m.getName().equals("annotationType")) return OipServlet.Config.class;
            if (m.getName().equals("hashCode")) return 0;
            if (m.getName().equals("equals")) return p == a[0];
            return "Config";
        });
    }

    static Path tokenFile(Path dir, String mode) throws Exception {
        Path f = dir.resolve("token-" + mode.replace('-', '_'));
        Files.writeString(f, SECRET + "\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void theTokenIsReadFromAPrivateFile(@TempDir Path dir) throws Exception {
        OipServlet.BearerToken b = OipServlet.BearerToken.of(config(Map.of("bearer_token_file", tokenFile(dir, "rw-------").toString())));
        assertEquals(SECRET, b.value);
        assertNull(b.refusal);
        assertFalse(b.toString().contains(SECRET));
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedAndTheEndpointFailsClosed(@TempDir Path dir) throws Exception {
        Path f = tokenFile(dir, "rw-r--r--");
        OipServlet.BearerToken b = OipServlet.BearerToken.of(config(Map.of("bearer_token_file", f.toString())));
        assertNull(b.value, "no token in force: checkAccess answers 503, never serves without one");
        assertEquals("bearer.token.file " + f + ": mode rw-r--r-- lets other users read or change it; make it private (chmod 600 " + f + ")", b.refusal);
        assertFalse(b.refusal.contains(SECRET));
        assertEquals("BearerToken[refused]", b.toString());
    }

    @Test
    void inlineTokenStillWorksAndBothAtOnceIsRefused(@TempDir Path dir) throws Exception {
        assertEquals("inline", OipServlet.BearerToken.of(config(Map.of("bearer_token", "inline"))).value);
        assertNull(OipServlet.BearerToken.of(config(Map.of())).value);
        OipServlet.BearerToken both = OipServlet.BearerToken.of(config(Map.of("bearer_token", "x", "bearer_token_file", tokenFile(dir, "rw-------").toString())));
        assertEquals("set bearer.token or bearer.token.file, not both", both.refusal);
        assertTrue(both.value == null);
    }
}
