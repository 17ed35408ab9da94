package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.secret.SecretFile;

/** The shared secret-file reader of org.kumiki.platform.api.secret. */
class SecretFileTest {

    static final String SECRET = "s3cr3t-t0ken-4711";

    static Path write(Path dir, String name, String content, String mode) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }

    @Test
    void readsATrimmedSecretFromAPrivateFile(@TempDir Path dir) throws Exception {
        assertEquals(SECRET, SecretFile.read("token.file", write(dir, "t", SECRET + "\n", "rw-------")));
        assertEquals(SECRET, SecretFile.read("token.file", write(dir, "r", SECRET, "r--------")));
    }

    @Test
    void refusesAFileOthersCanReadInOneLineWithoutTheSecret(@TempDir Path dir) throws Exception {
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw-----w-", "rw----r--"}) {
            Path f = write(dir, "token-" + mode.replace('-', '_'), SECRET, mode);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecretFile.read("token.file", f), mode);
            assertTrue(e.getMessage().startsWith("token.file " + f + ": mode " + mode), e.getMessage());
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET));
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    @Test
    void refusesMissingEmptyMultiLineAndNonRegularFiles(@TempDir Path dir) throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretFile.read("api.key.file", dir.resolve("none")))
                .getMessage().endsWith(": no such file"));
        Path empty = write(dir, "empty", "\n", "rw-------");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretFile.read("api.key.file", empty)).getMessage().endsWith(": empty"));
        Path two = write(dir, "two", SECRET + "\nsecond", "rw-------");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecretFile.read("api.key.file", two));
        assertTrue(e.getMessage().contains("more than one line"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET));
        Path folder = Files.createDirectory(dir.resolve("folder"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SecretFile.read("api.key.file", folder)).getMessage().endsWith("not a regular file"));
    }

    @Test
    void choosesInlineOrFileButNotBoth(@TempDir Path dir) throws Exception {
        Path f = write(dir, "t", SECRET, "rw-------");
        assertNull(SecretFile.choose("token", "", "token.file", " "));
        assertEquals("inline", SecretFile.choose("token", " inline ", "token.file", null));
        assertEquals(SECRET, SecretFile.choose("token", null, "token.file", f.toString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SecretFile.choose("token", "x", "token.file", f.toString()));
        assertEquals("set token or token.file, not both", e.getMessage());
    }
}
