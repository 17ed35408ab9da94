package org.kumiki.build.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import aQute.bnd.osgi.Builder;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.repository.XMLResourceGenerator;
import aQute.bnd.osgi.resource.ResourceBuilder;

/**
 * Builds a tiny API bundle twice (javac, then bnd), publishes the first in an R5 index as a
 * release would be, and baselines the second against it.
 */
class RepositoryBaselineTest {

    static final String GREETER_1 = "package demo.api; public interface Greeter { String greet(String name); }";
    /** greet removed, hello added: breaks every implementer and every caller. */
    static final String GREETER_BROKEN = "package demo.api; public interface Greeter { String hello(String name); }";
    static final String NAMES = "package demo.api; public final class Names { private Names() {} public static final String WORLD = \"world\"; }";

    @TempDir
    Path tmp;

    /** javac + bnd: a bundle demo.api exporting demo.api at pkgVersion. */
    File bundle(String name, String bundleVersion, String pkgVersion, String... sources) throws Exception {
        Path src = Files.createDirectories(tmp.resolve(name + "/src/demo/api"));
        Path classes = Files.createDirectories(tmp.resolve(name + "/classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--release", "17", "-nowarn"));
        for (String s : sources) {
            String type = s.replaceAll("(?s).*\\b(?:interface|class)\\s+(\\w+).*", "$1");
            Path f = src.resolve(type + ".java");
            Files.writeString(f, s);
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, javac.run(null, null, err, args.toArray(String[]::new)), err.toString(StandardCharsets.UTF_8));
        File out = tmp.resolve(name + ".jar").toFile();
        try (Builder b = new Builder()) {
            b.setProperty("Bundle-SymbolicName", "demo.api");
            b.setProperty("Bundle-Version", bundleVersion);
            b.setProperty("Export-Package", "demo.api;version=" + pkgVersion);
            b.addClasspath(classes.toFile());
            try (Jar jar = b.build()) {
                assertTrue(b.isOk(), () -> String.valueOf(b.getErrors()));
                jar.write(out);
            }
        }
        return out;
    }

    /** A published repository: the jars under bundles/ and an index.xml with relative URLs. */
    Path publish(File... jars) throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("release"));
        Path bundles = Files.createDirectories(repo.resolve("bundles"));
        XMLResourceGenerator index = new XMLResourceGenerator().name("release");
        int n = 0;
        for (File j : jars) {
            String fileName = "demo.api-" + (n++) + ".jar";
            Files.copy(j.toPath(), bundles.resolve(fileName));
            ResourceBuilder rb = new ResourceBuilder();
            rb.addFile(bundles.resolve(fileName).toFile(), URI.create("bundles/" + fileName));
            index.resource(rb.build());
        }
        index.save(repo.resolve("index.xml").toFile());
        return repo;
    }

    @Test
    void anIncompatibleChangeWithoutAMajorBumpFails() throws Exception {
        Path repo = publish(bundle("v1", "1.0.0", "1.0.0", GREETER_1));
        RepositoryBaseline rb = RepositoryBaseline.open(repo.toString(), false);

        RepositoryBaseline.Result broken = rb.check(bundle("v2", "1.0.1", "1.0.0", GREETER_BROKEN));
        assertEquals("1.0.0", broken.older());
        assertTrue(broken.errors().stream().anyMatch(e -> e.startsWith("demo.api: package demo.api 1.0.0 -> 1.0.0 has MAJOR changes; its version must be 2.0.0")),
            () -> String.valueOf(broken.errors()));

        assertTrue(broken.errors().stream().noneMatch(e -> e.contains("\n")), () -> String.valueOf(broken.errors()));

        // the same change with the major bump (package and bundle) passes
        RepositoryBaseline.Result bumped = rb.check(bundle("v2ok", "2.0.0", "2.0.0", GREETER_BROKEN));
        assertTrue(bumped.ok(), () -> String.valueOf(bumped.errors()));
        assertEquals("1.0.0", bumped.older());

        // and on the command line: exit status 1, one line naming the package
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = RepositoryBaseline.run(List.of("--previous", repo.resolve("index.xml").toUri().toString(),
            tmp.resolve("v2.jar").toString()), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(1, rc, out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("[ERROR] demo.api: package demo.api 1.0.0 -> 1.0.0 has MAJOR changes"));
    }

    @Test
    void anAdditionNeedsTheMinorBumpAndNoMore() throws Exception {
        Path repo = publish(bundle("v1", "1.0.0", "1.0.0", GREETER_1));
        RepositoryBaseline rb = RepositoryBaseline.open(repo.toString(), false);

        RepositoryBaseline.Result unbumped = rb.check(bundle("add", "1.0.1", "1.0.0", GREETER_1, NAMES));
        assertTrue(unbumped.errors().stream().anyMatch(e -> e.contains("has MINOR changes; its version must be 1.1.0")),
            () -> String.valueOf(unbumped.errors()));

        RepositoryBaseline.Result minor = rb.check(bundle("addok", "1.1.0", "1.1.0", GREETER_1, NAMES));
        assertTrue(minor.ok(), () -> String.valueOf(minor.errors()));

        RepositoryBaseline.Result same = rb.check(bundle("same", "1.0.1", "1.0.0", GREETER_1));
        assertTrue(same.ok(), () -> String.valueOf(same.errors()));
    }

    @Test
    void theNewestEarlierReleaseIsTheBaseline() throws Exception {
        Path repo = publish(bundle("r1", "1.0.0", "1.0.0", GREETER_1), bundle("r2", "2.0.0", "2.0.0", GREETER_BROKEN));
        RepositoryBaseline rb = RepositoryBaseline.open(repo.toString(), false);
        RepositoryBaseline.Result next = rb.check(bundle("next", "2.0.1", "2.0.0", GREETER_BROKEN));
        assertEquals("2.0.0", next.older());
        assertTrue(next.ok(), () -> String.valueOf(next.errors()));
    }

    @Test
    void noReleaseYetWarnsUnlessFailOnMissing() throws Exception {
        File v1 = bundle("v1", "1.0.0", "1.0.0", GREETER_1);
        RepositoryBaseline.Result none = RepositoryBaseline.open("", false).check(v1);
        assertTrue(none.ok());
        assertNull(none.older());
        assertEquals(List.of("No previous version of demo.api 1.0.0 in (no previous release configured): not baselined"), none.warnings());

        // a release that does not hold the bundle (a new API bundle) is the same
        Path repo = publish();
        assertTrue(RepositoryBaseline.open(repo.toString(), false).check(v1).ok());
        RepositoryBaseline.Result strict = RepositoryBaseline.open(repo.toString(), true).check(v1);
        assertEquals(1, strict.errors().size());
        assertTrue(strict.errors().get(0).startsWith("No previous version of demo.api 1.0.0 in "), strict.errors().get(0));
    }

    @Test
    void badLocationsAndArgumentsAreOneLine() throws Exception {
        IOException noIndex = assertThrows(IOException.class, () -> RepositoryBaseline.open(tmp.toString(), false));
        assertTrue(noIndex.getMessage().startsWith("previous repository " + tmp + ": no index.xml at "), noIndex.getMessage());

        Files.writeString(tmp.resolve("index.xml"), "<html>not an index</html>");
        IOException notIndex = assertThrows(IOException.class, () -> RepositoryBaseline.open(tmp.toString(), false));
        assertTrue(notIndex.getMessage().startsWith("previous repository " + tmp + " is not an OSGi repository index"), notIndex.getMessage());
        assertEquals(1, notIndex.getMessage().lines().count());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(2, RepositoryBaseline.run(List.of("--bogus"), new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertEquals("baseline: unknown option --bogus (usage: [--fail-on-missing] --previous LOCATION BUNDLE...)",
            out.toString(StandardCharsets.UTF_8).trim());
    }
}
