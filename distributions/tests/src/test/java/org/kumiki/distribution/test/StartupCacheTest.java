package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.kumiki.distribution.test.DistributionSmokeTest.Result;

/**
 * The framework cache is kept between starts (no 32 MB recopy of every bundle at each start),
 * and a rebuilt distribution jar's changed bundle is the one that runs at the next start.
 */
class StartupCacheTest {

    static final String PLATFORM = "jar/org.kumiki.platform-1.0.0-SNAPSHOT.jar";

    @Test
    void theCacheIsKeptAndARebuiltJarsChangedBundleIsUsed(@TempDir Path dir) throws Exception {
        Path jar = DistributionSmokeTest.WORKSTATION;
        Properties launch = launcherProperties(jar);
        assertEquals("none", launch.getProperty("org.osgi.framework.storage.clean"));
        assertEquals("true", launch.getProperty("launch.keep"));
        String storage = launch.getProperty("org.osgi.framework.storage");
        // keyed by the site bndrun (its resolved -runbundles): another bundle set, another folder
        byte[] bndrun = Files.readAllBytes(DistributionSmokeTest.DISTRIBUTIONS.resolve("workstation/workstation.bndrun"));
        String key = java.util.HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-1").digest(bndrun)).substring(0, 12);
        assertEquals("felix-cache/" + key, storage, "the jar is older than workstation.bndrun: rebuild it");
        assertNotNull(jarManifest(jar).getAttributes(PLATFORM), "per-entry digests (-digests) in " + jar);
        Path cache = dir.resolve(storage);

        Files.writeString(dir.resolve("status.gogo"), "kumiki:status\n");
        Result first = DistributionSmokeTest.runScript(jar, dir, "status.gogo");
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().matches("(?s).*org\\.kumiki\\.platform\\s+1\\.0\\.0\\.\\d+\\s+ACTIVE.*"), first.out());
        Map<Path, FileTime> copied = bundleFiles(cache);
        assertTrue(copied.size() > 50, "bundles copied into " + cache + ": " + copied.size());

        // a second start: the same cache, nothing copied again, the same bundles started
        Result second = DistributionSmokeTest.runScript(jar, dir, "status.gogo");
        assertEquals(0, second.exit(), second.err());
        assertEquals(copied, bundleFiles(cache), "no bundle copied again");
        assertEquals(statusLines(first.out()), statusLines(second.out()));

        // the jar rebuilt with one changed bundle (as the exporter writes it: the entry's
        // SHA-256-Digest in the manifest): the changed bundle is updated, the others are not
        Path rebuilt = dir.resolve("rebuilt/workstation.jar");
        rebuildWithChangedPlatformBundle(jar, rebuilt, "1.0.0.rebuilt");
        Result third = DistributionSmokeTest.runScript(rebuilt, dir, "status.gogo");
        assertEquals(0, third.exit(), third.err());
        assertTrue(third.out().matches("(?s).*org\\.kumiki\\.platform\\s+1\\.0\\.0\\.rebuilt\\s+ACTIVE.*"), third.out());
        Map<Path, FileTime> after = bundleFiles(cache);
        List<Path> changed = after.keySet().stream().filter(p -> !copied.containsKey(p)).toList();
        assertEquals(1, changed.size(), "one bundle copied again: " + changed);
        assertFalse(third.err().contains("Exception"), third.err());
    }

    /** Every bundle revision's content in the cache, with its modification time. */
    static Map<Path, FileTime> bundleFiles(Path cache) throws IOException {
        Map<Path, FileTime> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(cache)) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals("bundle.jar")).toList()) {
                files.put(cache.relativize(p), Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    static List<String> statusLines(String out) {
        return out.lines().filter(l -> l.contains(" ACTIVE") || l.contains(" RESOLVED")).toList();
    }

    static Properties launcherProperties(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile()); InputStream in = j.getInputStream(j.getEntry("launcher.properties"))) {
            Properties p = new Properties();
            p.load(in);
            return p;
        }
    }

    static Manifest jarManifest(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            return j.getManifest();
        }
    }

    /** Copies the distribution jar, changing the embedded platform bundle's Bundle-Version. */
    static void rebuildWithChangedPlatformBundle(Path jar, Path target, String version) throws Exception {
        Files.createDirectories(target.getParent());
        try (JarFile in = new JarFile(jar.toFile())) {
            byte[] bundle = withVersion(in.getInputStream(in.getEntry(PLATFORM)).readAllBytes(), version);
            Manifest mf = new Manifest(in.getManifest());
            Attributes digest = mf.getAttributes(PLATFORM);
            digest.putValue("SHA-256-Digest",
                    Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(bundle)));
            try (OutputStream os = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(os, mf)) {
                for (Enumeration<JarEntry> e = in.entries(); e.hasMoreElements();) {
                    JarEntry entry = e.nextElement();
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) continue;
                    out.putNextEntry(new JarEntry(entry.getName()));
                    if (entry.getName().equals(PLATFORM)) {
                        out.write(bundle);
                    } else {
                        try (InputStream is = in.getInputStream(entry)) {
                            is.transferTo(out);
                        }
                    }
                    out.closeEntry();
                }
            }
        }
    }

    static byte[] withVersion(byte[] bundle, String version) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(bundle))) {
            Manifest mf = in.getManifest();
            mf.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream out = new JarOutputStream(bytes, mf)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null;) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return bytes.toByteArray();
    }
}
