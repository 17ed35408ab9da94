package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployFolderGuardTest {

    static Path jar(Path dir, String name, String bsn) throws Exception {
        Path f = dir.resolve(name);
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (bsn != null) m.getMainAttributes().putValue("Bundle-SymbolicName", bsn);
        try (OutputStream out = Files.newOutputStream(f); JarOutputStream j = new JarOutputStream(out, m)) {
            j.putNextEntry(new ZipEntry("a.txt"));
            j.write('a');
        }
        return f;
    }

    @Test
    void claimsAndExplainsEveryKindOfGarbageJar(@TempDir Path dir) throws Exception {
        DeployFolderGuard g = new DeployFolderGuard();
        Path text = Files.writeString(dir.resolve("garbage.jar"), "not a zip at all");
        Path plain = jar(dir, "plain.jar", null);
        Path noManifest = dir.resolve("nomanifest.jar");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(noManifest))) {
            z.putNextEntry(new ZipEntry("x.class"));
            z.write(1);
        }
        assertTrue(DeployFolderGuard.whyNotABundle(text.toFile()).startsWith("not a jar (zip) file"), DeployFolderGuard.whyNotABundle(text.toFile()));
        assertTrue(DeployFolderGuard.whyNotABundle(plain.toFile()).contains("no Bundle-SymbolicName"));
        assertTrue(DeployFolderGuard.whyNotABundle(noManifest.toFile()).startsWith("no META-INF/MANIFEST.MF"));
        for (Path p : new Path[] {text, plain, noManifest}) assertTrue(g.canHandle(p.toFile()), p.toString());
    }

    @Test
    void leavesBundlesAndOtherFilesToFileInstall(@TempDir Path dir) throws Exception {
        DeployFolderGuard g = new DeployFolderGuard();
        Path bundle = jar(dir, "good.jar", "org.example.good");
        assertNull(DeployFolderGuard.whyNotABundle(bundle.toFile()));
        assertFalse(g.canHandle(bundle.toFile()));
        assertFalse(g.canHandle(Files.writeString(dir.resolve("x.cfg"), "a=b").toFile()));
    }
}
