package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import biz.aQute.resolve.RunResolution;

/**
 * docs/sites.md's worked example, run as written, in a copy of the tree: the
 * {@code scripts/new-site chem-lab ...} line of the docs writes the site, adds its module and
 * builds it offline; the site is discovered by SiteDiscoveryTest's rule and resolves; its jar
 * starts and {@code kumiki:hardware} reports the declared hardware. Bad input is refused with one
 * line and nothing written.
 */
class NewSiteTest {

    static final Path ROOT = SiteResolutionTest.DISTRIBUTIONS.getParent();

    record Run(int exit, String out, String err) {}

    /** The files a site build needs: the root pom and wrapper, cnf/, the distributions' pom and base, the features. */
    static Path copyTree(Path dir) throws IOException {
        Path copy = dir.resolve("kumiki");
        for (String f : List.of("mvnw", "pom.xml", "bnd.bnd", "scripts/new-site", "distributions/pom.xml", "distributions/base.bndrun",
                "distributions/repository/src/features/features.txt", "docs/sites.md")) {
            Files.createDirectories(copy.resolve(f).getParent());
            Files.copy(ROOT.resolve(f), copy.resolve(f), StandardCopyOption.COPY_ATTRIBUTES);
        }
        for (String d : List.of(".mvn", "cnf")) {
            try (Stream<Path> s = Files.walk(ROOT.resolve(d))) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    Path target = copy.resolve(ROOT.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
        }
        // the existing sites stay modules of distributions/pom.xml: give them their folders
        for (String site : List.of("workstation", "hpc-gpu", "worker", "robot-lab")) {
            Files.createDirectories(copy.resolve("distributions/" + site));
        }
        return copy;
    }

    static Run run(Path cwd, List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        Path out = Files.createTempFile(cwd, "out", ".txt");
        Path err = Files.createTempFile(cwd, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(400, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish; stdout:\n" + Files.readString(out));
        }
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** The new-site command line as docs/sites.md gives it. */
    static List<String> docsCommand() throws IOException {
        Matcher m = Pattern.compile("(?m)^(scripts/new-site chem-lab [^\\n#]*?)\\s*(#.*)?$").matcher(Files.readString(ROOT.resolve("docs/sites.md")));
        assertTrue(m.find(), "docs/sites.md has no 'scripts/new-site chem-lab ...' line");
        return List.of(m.group(1).trim().split("\\s+"));
    }

    @Test
    void theDocsWorkedExampleBuildsStartsAndDeclaresItsHardware(@TempDir Path dir) throws Exception {
        Path copy = copyTree(dir);
        List<String> command = docsCommand();
        assertTrue(command.containsAll(List.of("--arch", "x86_64", "--gpu", "nvidia:1")), command.toString());
        assertTrue(String.join(" ", command).contains("lab-opcua"), command.toString());

        Run r = run(copy, command);
        assertEquals(0, r.exit(), () -> r.out() + r.err());
        assertTrue(r.out().contains("new-site: rebuild this one site: ./mvnw -B -o -f distributions/chem-lab/pom.xml package"), r.out());

        // discovered as SiteDiscoveryTest discovers sites: a module, a folder with NAME.bndrun, resolves
        Path site = copy.resolve("distributions/chem-lab");
        assertTrue(Files.readString(copy.resolve("distributions/pom.xml")).contains("    <module>chem-lab</module>\n    <module>tests</module>"));
        String bndrun = Files.readString(site.resolve("chem-lab.bndrun"));
        assertTrue(bndrun.contains("-include: ${.}/../base.bndrun"), bndrun);
        assertTrue(bndrun.contains("kumiki.site.hardware: kumiki.hardware;arch=x86_64;gpu.vendor=nvidia;gpu.count:Long=1;slurm=false;site=chem-lab"), bndrun);
        assertTrue(bndrun.contains("org.kumiki.lab.opcua;version="), "the build resolved -runbundles:\n" + bndrun);
        assertTrue(bndrun.contains("org.kumiki.platform.nvidia;version="), bndrun);
        RunResolution resolution = SiteResolutionTest.resolve(site.resolve("chem-lab.bndrun"));
        assertTrue(resolution.isOK(), () -> String.valueOf(resolution.exception));

        Path run = Files.createDirectories(dir.resolve("run"));
        DistributionSmokeTest.Result started = DistributionSmokeTest.script(site.resolve("target/chem-lab.jar"), run, "kumiki:hardware\n\nkumiki:status\n");
        assertEquals(0, started.exit(), started.err());
        assertTrue(started.out().contains("declared    arch=x86_64 gpu.count=1 gpu.vendor=nvidia site=chem-lab slurm=false"), started.out());
        assertTrue(started.out().matches("(?s).*org\\.kumiki\\.lab\\.opcua\\s+1\\.0\\.0\\S*\\s+ACTIVE.*"), started.out());
    }

    @Test
    void badInputIsRefusedWithOneLineAndNothingWritten(@TempDir Path dir) throws Exception {
        Path copy = copyTree(dir);
        String pom = Files.readString(copy.resolve("distributions/pom.xml"));
        Files.createDirectories(copy.resolve("distributions/chem-lab")); // an existing site
        List<String[]> cases = new ArrayList<>();
        cases.add(new String[] { "site 'chem-lab' exists already", "chem-lab", "--arch", "x86_64" });
        cases.add(new String[] { "bad site name 'Chem_Lab'", "Chem_Lab", "--arch", "x86_64" });
        cases.add(new String[] { "bad site name '../evil'", "../evil", "--arch", "x86_64" });
        cases.add(new String[] { "'tests' is reserved", "tests", "--arch", "x86_64" });
        cases.add(new String[] { "--arch is required", "lab2" });
        cases.add(new String[] { "unknown --arch 'arm64'", "lab2", "--arch", "arm64" });
        cases.add(new String[] { "--gpu must be nvidia:N", "lab2", "--arch", "x86_64", "--gpu", "nvidia:0" });
        cases.add(new String[] { "unknown feature 'lab-modbus'", "lab2", "--arch", "x86_64", "--features", "lab-opcua,lab-modbus" });
        cases.add(new String[] { "feature 'inference-cuda' needs arch=x86_64 gpu.vendor=nvidia; site 'lab2' declares arch=aarch64",
                "lab2", "--arch", "aarch64", "--gpu", "nvidia:4", "--features", "inference-cuda" });
        cases.add(new String[] { "feature 'slurm' needs slurm=true", "lab2", "--arch", "x86_64", "--features", "slurm" });
        cases.add(new String[] { "unknown option '--gpus'", "lab2", "--arch", "x86_64", "--gpus", "nvidia:1" });
        for (String[] c : cases) {
            List<String> command = new ArrayList<>(List.of("scripts/new-site"));
            command.addAll(List.of(c).subList(1, c.length));
            Run r = run(copy, command);
            assertEquals(2, r.exit(), command + ": " + r.out() + r.err());
            assertEquals("", r.out(), command.toString());
            assertEquals(1, r.err().lines().count(), command + ": " + r.err());
            assertTrue(r.err().startsWith("new-site: ") && r.err().contains(c[0]), command + ": " + r.err());
            assertEquals(pom, Files.readString(copy.resolve("distributions/pom.xml")), command + " changed distributions/pom.xml");
            assertFalse(Files.exists(copy.resolve("distributions/lab2")), command + " wrote a site");
        }
    }
}
