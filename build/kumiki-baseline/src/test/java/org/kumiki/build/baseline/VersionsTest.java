package org.kumiki.build.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionsTest {

    @TempDir
    Path root;

    static final String PARENT = "  <parent>\n    <groupId>org.kumiki</groupId>\n    <artifactId>kumiki</artifactId>\n    <version>0.1.0-SNAPSHOT</version>\n  </parent>\n";

    void module(String dir, String artifact, String version, String deps) throws Exception {
        Files.createDirectories(root.resolve(dir));
        Files.writeString(root.resolve(dir + "/pom.xml"), "<project>\n" + PARENT + "  <artifactId>" + artifact + "</artifactId>\n"
            + (version == null ? "" : "  <version>" + version + "</version>\n") + "  <dependencies>\n" + deps + "  </dependencies>\n</project>\n");
    }

    /** Today's shape: a property for one bundle, a literal for another, a test pom stating a version. */
    void tree() throws Exception {
        Files.writeString(root.resolve("pom.xml"), "<project>\n  <properties>\n"
            + "    <kumiki.scheduler.api.version>1.0.0-SNAPSHOT</kumiki.scheduler.api.version>\n"
            + "    <bnd.version>7.3.0</bnd.version>\n  </properties>\n  <dependencyManagement>\n    <dependencies>\n"
            + "      <dependency><groupId>org.kumiki</groupId><artifactId>org.kumiki.scheduler.api</artifactId><version>${kumiki.scheduler.api.version}</version></dependency>\n"
            + "      <dependency><groupId>org.kumiki</groupId><artifactId>org.kumiki.data.api</artifactId><version>1.0.0-SNAPSHOT</version></dependency>\n"
            + "      <dependency><groupId>org.kumiki</groupId><artifactId>org.kumiki.data</artifactId><version>1.0.0-SNAPSHOT</version></dependency>\n"
            + "    </dependencies>\n  </dependencyManagement>\n</project>\n");
        Files.createDirectories(root.resolve("build/kumiki-bom"));
        Files.writeString(root.resolve("build/kumiki-bom/pom.xml"), "<project>\n  <properties>\n    <kumiki.api.version>1.0.0-SNAPSHOT</kumiki.api.version>\n"
            + "  </properties>\n  <dependencyManagement>\n    <dependencies>\n"
            + "      <dependency><groupId>org.kumiki</groupId><artifactId>org.kumiki.data.api</artifactId><version>${kumiki.api.version}</version></dependency>\n"
            + "    </dependencies>\n  </dependencyManagement>\n</project>\n");
        module("bundles/org.kumiki.scheduler.api", "org.kumiki.scheduler.api", "1.1.0-SNAPSHOT", "");
        module("bundles/org.kumiki.data.api", "org.kumiki.data.api", "1.2.0-SNAPSHOT", "");
        module("bundles/org.kumiki.data", "org.kumiki.data", "1.0.0-SNAPSHOT",
            "    <dependency><groupId>org.kumiki</groupId><artifactId>org.kumiki.data.api</artifactId></dependency>\n");
        module("bundles/org.kumiki.data.test", "org.kumiki.data.test", "1.0.0-SNAPSHOT",
            "    <dependency><groupId>org.kumiki</groupId><artifactId>org.kumiki.data</artifactId><version>1.0.0-SNAPSHOT</version><scope>test</scope></dependency>\n");
    }

    @Test
    void everyCopyOfABundleVersionIsNamed() throws Exception {
        tree();
        assertEquals(List.of(
            "pom.xml: dependencyManagement of org.kumiki.scheduler.api uses ${kumiki.scheduler.api.version}; run scripts/versions --sync (the version is set in bundles/org.kumiki.scheduler.api/pom.xml only)",
            "pom.xml: dependencyManagement has org.kumiki.data.api 1.0.0-SNAPSHOT but bundles/org.kumiki.data.api/pom.xml says 1.2.0-SNAPSHOT; run scripts/versions --sync",
            "pom.xml: property kumiki.scheduler.api.version repeats the version of org.kumiki.scheduler.api; run scripts/versions --sync",
            "build/kumiki-bom/pom.xml: dependencyManagement of org.kumiki.data.api uses ${kumiki.api.version}; run scripts/versions --sync (the version is set in bundles/org.kumiki.data.api/pom.xml only)",
            "bundles/org.kumiki.data.test/pom.xml: states org.kumiki.data 1.0.0-SNAPSHOT; drop the <version> (the root pom's dependencyManagement has it)"),
            Versions.check(root));
    }

    @Test
    void syncWritesTheBundlePomsVersionsIntoTheRootPom() throws Exception {
        tree();
        assertEquals(5, Versions.sync(root));
        String bom = Files.readString(root.resolve("build/kumiki-bom/pom.xml"));
        assertTrue(bom.contains("<artifactId>org.kumiki.data.api</artifactId><version>1.2.0-SNAPSHOT</version>") && !bom.contains("kumiki.api.version"), bom);
        String pom = Files.readString(root.resolve("pom.xml"));
        assertTrue(pom.contains("<artifactId>org.kumiki.scheduler.api</artifactId><version>1.1.0-SNAPSHOT</version>"), pom);
        assertTrue(pom.contains("<artifactId>org.kumiki.data.api</artifactId><version>1.2.0-SNAPSHOT</version>"), pom);
        assertTrue(!pom.contains("kumiki.scheduler.api.version") && pom.contains("<bnd.version>7.3.0</bnd.version>"), pom);
        // what sync cannot decide for the author is left, one line
        assertEquals(List.of("bundles/org.kumiki.data.test/pom.xml: states org.kumiki.data 1.0.0-SNAPSHOT; drop the <version> (the root pom's dependencyManagement has it)"),
            Versions.check(root));
        assertEquals(0, Versions.sync(root));

        // a bundle's version changes in its pom only; sync carries it over
        Files.writeString(root.resolve("bundles/org.kumiki.data/pom.xml"),
            Files.readString(root.resolve("bundles/org.kumiki.data/pom.xml")).replace("<version>1.0.0-SNAPSHOT</version>\n  <dependencies>", "<version>1.0.1-SNAPSHOT</version>\n  <dependencies>"));
        assertEquals(1, Versions.sync(root));
        assertTrue(Files.readString(root.resolve("pom.xml")).contains("<artifactId>org.kumiki.data</artifactId><version>1.0.1-SNAPSHOT</version>"));
    }

    @Test
    void notTheSourceTreeIsOneLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(2, Versions.run(List.of(root.toString()), new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertEquals("versions: " + root + " is not the Kumiki source tree (no bundles/)", out.toString(StandardCharsets.UTF_8).trim());
    }
}
