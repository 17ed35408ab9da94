package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin developer's path, for every archetype: generate a project from the archetype,
 * build it offline against this build's Kumiki artifacts (its unit and in-framework tests run),
 * drop the jar into a running workstation's deploy/, see its service in the domain's command,
 * delete the jar and see the service withdrawn. One workstation serves every archetype.
 */
class PluginArchetypeTest {
    static final Path ROOT = DistributionSmokeTest.DISTRIBUTIONS.getParent();
    static final Path USER_REPOSITORY = Path.of(System.getProperty("kumiki.local.repository",
            System.getProperty("user.home") + "/.m2/repository"));
    static final String VERSION = "0.1.0-SNAPSHOT";
    static final String API_VERSION = "1.0.0-SNAPSHOT";

    /** archetype, artifactId of the generated project, command that lists it, the name it shows. */
    static final String[][] ARCHETYPES = {
        {"lab-device", "com.example.phmeter", "lab:devices", "ph1"},
        {"scheduler-backend", "com.example.mybackend", "sched:backends", "example"},
        {"quantum-backend", "com.example.myquantum", "q:backends", "classical"},
        {"simulation-engine", "com.example.idealgas", "sim:engines", "idealgas"},
        {"transfer-endpoint", "com.example.memstore", "data:endpoints", "mem"},
        // no command lists these: the service registry, filtered by the plugin's service property
        {"task-function", "com.example.hello", services("org.kumiki.scheduler.api.spi.TaskFunction", "kumiki.function.name=hello"), "TaskFunction"},
        {"inference-engine", "com.example.linear", services("org.kumiki.inference.api.spi.InferenceEngine", "kumiki.inference.platform=linear"), "InferenceEngine"},
        {"campaign-evaluator", "com.example.sphere", services("org.kumiki.campaign.api.spi.Evaluator", "campaign.evaluator=sphere"), "Evaluator"},
    };

    /** A Gogo line listing the services of {@code type} matching {@code filter}: one row "ID BUNDLE Type" each. */
    static String services(String type, String filter) {
        return "$.context getServiceReferences " + type + " \"(" + filter + ")\"";
    }

    @Test
    void everyArchetypeBuildsAndItsServiceComesAndGoesFromDeploy(@TempDir Path tmp) throws Exception {
        Path repo = tmp.resolve("repository");
        stageKumikiArtifacts(repo);
        Path work = Files.createDirectories(tmp.resolve("work"));
        long start = System.nanoTime();
        StringBuilder modules = new StringBuilder();
        for (String[] a : ARCHETYPES) {
            mvn(work, repo, "org.apache.maven.plugins:maven-archetype-plugin:3.4.1:generate",
                    "-DarchetypeGroupId=org.kumiki", "-DarchetypeArtifactId=kumiki-archetype-" + a[0], "-DarchetypeVersion=" + VERSION,
                    "-DgroupId=com.example", "-DartifactId=" + a[1], "-Dversion=1.0.0-SNAPSHOT", "-DinteractiveMode=false");
            modules.append("<module>").append(a[1]).append("</module>");
            // the files a developer edits: the component and its tests (README, pom and test.bndrun come generated)
            try (Stream<Path> s = Files.walk(work.resolve(a[1]).resolve("src"))) {
                assertTrue(s.filter(Files::isRegularFile).allMatch(p -> p.toString().endsWith(".java")), a[0] + ": only Java sources under src/");
            }
        }
        // one Maven run builds every project (unit tests and in-framework tests included)
        Files.writeString(work.resolve("pom.xml"), "<project><modelVersion>4.0.0</modelVersion><groupId>com.example</groupId>"
                + "<artifactId>all</artifactId><version>1</version><packaging>pom</packaging><modules>" + modules + "</modules></project>");
        mvn(work, repo, "verify");
        double built = (System.nanoTime() - start) / 1e9;
        for (String[] a : ARCHETYPES) {
            Path target = work.resolve(a[1]).resolve("target");
            try (Stream<Path> s = Files.list(target.resolve("test-reports/test"))) {
                assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("TEST-")), a[0] + ": in-framework test report");
            }
            assertTrue(Files.exists(target.resolve(a[1] + "-1.0.0-SNAPSHOT.jar")), a[0] + ": bundle built");
        }

        Path home = Files.createDirectories(tmp.resolve("home"));
        Process p = new ProcessBuilder(DistributionSmokeTest.JAVA, "-jar", DistributionSmokeTest.WORKSTATION.toString())
                .directory(home.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = DistributionSmokeTest.pump(p.getInputStream(), out);
        try (OutputStream in = p.getOutputStream()) {
            DistributionSmokeTest.awaitText(out, "g! ", 120);
            Shell shell = new Shell(in, out);
            for (String[] a : ARCHETYPES) {
                long t0 = System.nanoTime();
                Path jar = home.resolve("deploy").resolve(a[1] + ".jar");
                Files.copy(work.resolve(a[1]).resolve("target").resolve(a[1] + "-1.0.0-SNAPSHOT.jar"), jar, StandardCopyOption.REPLACE_EXISTING);
                shell.until(a[2], text -> hasRow(text, a[3]), 60);
                double live = (System.nanoTime() - t0) / 1e9;
                Files.delete(jar);
                shell.until(a[2], text -> !hasRow(text, a[3]), 60);
                System.out.printf("archetype %s: %s lists %s %.1f s after the jar was dropped%n", a[0], a[2], a[3], live);
            }
            in.write("stop 0\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "workstation did not stop");
        reader.join(2000);
        System.out.printf("archetypes: generated and built %d projects in %.1f s%n", ARCHETYPES.length, built);
    }

    /** Whether a command's table has a row whose first cell is {@code name}. */
    static boolean hasRow(String text, String name) {
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (t.equals(name) || t.startsWith(name + " ")) return true;
            if (t.matches("\\d+\\s+\\d+\\s+" + java.util.regex.Pattern.quote(name))) return true; // a service reference row
        }
        return false;
    }

    /** Drives the Gogo prompt: sends a command and reads its output up to an echoed marker. */
    static final class Shell {
        final OutputStream in;
        final ByteArrayOutputStream out;
        int n;

        Shell(OutputStream in, ByteArrayOutputStream out) {
            this.in = in;
            this.out = out;
        }

        String run(String command) throws Exception {
            int from;
            synchronized (out) {
                from = out.size();
            }
            String mark = "done-" + (++n);
            in.write((command + "\necho " + mark + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
            DistributionSmokeTest.awaitText(out, mark, 60);
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8).substring(from);
            }
        }

        void until(String command, java.util.function.Predicate<String> ok, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            String last = "";
            while (System.nanoTime() < deadline) {
                last = run(command);
                if (ok.test(last)) return;
                Thread.sleep(250);
            }
            throw new AssertionError(command + " did not show what was expected within " + seconds + " s; last output:\n" + last);
        }
    }

    /**
     * A local repository holding this build's Kumiki artifacts (from the modules' target
     * folders: the test command runs 'verify', which installs nothing); everything else comes
     * read-only from the user's repository (Maven's maven.repo.local.tail).
     */
    static void stageKumikiArtifacts(Path repo) throws IOException {
        stage(repo, "kumiki", VERSION, ROOT.resolve("pom.xml"), null);
        stage(repo, "kumiki-bom", VERSION, ROOT.resolve("build/kumiki-bom/pom.xml"), null);
        stage(repo, "kumiki-parent", VERSION, ROOT.resolve("build/kumiki-parent/pom.xml"), null);
        stage(repo, "kumiki-archetypes", VERSION, ROOT.resolve("archetypes/pom.xml"), null);
        for (String[] a : ARCHETYPES) {
            Path m = ROOT.resolve("archetypes/kumiki-archetype-" + a[0]);
            stage(repo, "kumiki-archetype-" + a[0], VERSION, m.resolve("pom.xml"), m.resolve("target/kumiki-archetype-" + a[0] + "-" + VERSION + ".jar"));
        }
        for (String b : List.of("org.kumiki.lab.api", "org.kumiki.scheduler.api", "org.kumiki.quantum.api", "org.kumiki.simulation.api",
                "org.kumiki.data.api", "org.kumiki.inference.api", "org.kumiki.campaign.api", "org.kumiki.platform.slf4j",
                "org.kumiki.platform.logback")) {
            Path m = ROOT.resolve("bundles").resolve(b);
            stage(repo, b, API_VERSION, m.resolve("pom.xml"), m.resolve("target/" + b + "-" + API_VERSION + ".jar"));
        }
    }

    static void stage(Path repo, String artifactId, String version, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("org/kumiki").resolve(artifactId).resolve(version));
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"));
        if (jar != null) {
            assertTrue(Files.exists(jar), jar + " is built (build the reactor first)");
            Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"));
        }
    }

    static void mvn(Path dir, Path repo, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("mvnw").toString(), "-B", "-q", "-o",
                "-Dmaven.repo.local=" + repo, "-Dmaven.repo.local.tail=" + USER_REPOSITORY));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "mvn", ".log");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "mvn " + args[0] + " did not finish");
        assertEquals(0, p.exitValue(), () -> "mvn " + String.join(" ", args) + " failed:\n" + readQuietly(log));
    }

    static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.getMessage();
        }
    }
}
