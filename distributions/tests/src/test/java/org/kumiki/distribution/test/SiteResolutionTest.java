package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.resolver.ResolutionException;

import aQute.bnd.build.Workspace;
import aQute.bnd.repository.fileset.FileSetRepository;
import biz.aQute.resolve.Bndrun;
import biz.aQute.resolve.ResolveProcess;
import biz.aQute.resolve.RunResolution;

/**
 * Resolves the committed site bndruns with the bnd resolver against the bundles the build
 * offers, the way the build does, and checks which hardware-specific bundles each site gets.
 */
class SiteResolutionTest {

    static final Path DISTRIBUTIONS = Path.of(System.getProperty("kumiki.distributions", "..")).toAbsolutePath().normalize();
    static final Path REPOSITORY = Path.of(System.getProperty("kumiki.site.repository", "target/site-repository"));

    static RunResolution resolve(Path bndrun) throws Exception {
        Bndrun run = Bndrun.createBndrun(null, bndrun.toFile());
        Workspace ws = run.getWorkspace();
        List<File> jars;
        try (Stream<Path> s = Files.list(REPOSITORY)) {
            jars = s.filter(p -> p.toString().endsWith(".jar")).map(Path::toFile).collect(Collectors.toList());
        }
        assertFalse(jars.isEmpty(), "no bundles in " + REPOSITORY);
        ws.addBasicPlugin(new FileSetRepository("site-repository", jars));
        ws.refresh();
        return run.resolve();
    }

    static List<String> bsns(RunResolution r) {
        return r.getRunBundles().stream().map(c -> c.getName()).collect(Collectors.toList());
    }

    @Test
    void workstationResolvesWithoutTheGpuBundle() throws Exception {
        RunResolution r = resolve(DISTRIBUTIONS.resolve("workstation/workstation.bndrun"));
        assertTrue(r.isOK(), () -> String.valueOf(r.exception));
        List<String> bsns = bsns(r);
        assertTrue(bsns.contains("org.kumiki.platform"), bsns.toString());
        assertTrue(bsns.contains("org.kumiki.platform.command"), bsns.toString());
        assertFalse(bsns.contains("org.kumiki.platform.nvidia"), "a CPU site must not get the GPU bundle: " + bsns);
        assertFalse(bsns.contains("org.kumiki.scheduler.slurm"), "a site without Slurm must not get the Slurm backend: " + bsns);
        assertTrue(bsns.contains("org.kumiki.scheduler.local"), bsns.toString());
    }

    @Test
    void workstationRunsEveryDomainOnItsEmbeddedDefaultsAndNoInstrumentDriver() throws Exception {
        RunResolution r = resolve(DISTRIBUTIONS.resolve("workstation/workstation.bndrun"));
        assertTrue(r.isOK(), () -> String.valueOf(r.exception));
        List<String> bsns = bsns(r);
        for (String b : List.of("org.kumiki.data", "org.kumiki.data.sftp", "org.kumiki.data.http", "org.kumiki.inference",
                "org.kumiki.inference.onnx", "org.kumiki.inference.onnxruntime", "org.kumiki.inference.http", "org.apache.felix.http.jetty12",
                "org.kumiki.lab.engine", "org.kumiki.lab.sim", "org.kumiki.simulation", "org.kumiki.simulation.md",
                "org.kumiki.quantum", "org.kumiki.quantum.qasm", "org.kumiki.quantum.statevector", "org.kumiki.quantum.algorithms")) {
            assertTrue(bsns.contains(b), b + " missing from " + bsns);
        }
        assertFalse(bsns.contains("org.kumiki.lab.opcua"), "the OPC UA driver belongs to instrument sites: " + bsns);
        assertFalse(bsns.contains("org.kumiki.inference.onnxruntime.cuda"), "a CPU site must not get the CUDA runtime: " + bsns);
        assertFalse(bsns.contains("org.kumiki.quantum.remote"), "cloud quantum access is a site's choice: " + bsns);
    }

    @Test
    void robotLabSiteAddsTheOpcUaDriver() throws Exception {
        RunResolution r = resolve(DISTRIBUTIONS.resolve("robot-lab/robot-lab.bndrun"));
        assertTrue(r.isOK(), () -> String.valueOf(r.exception));
        List<String> bsns = bsns(r);
        assertTrue(bsns.contains("org.kumiki.lab.opcua"), bsns.toString());
        assertTrue(bsns.contains("org.kumiki.lab.engine"), bsns.toString());
        assertFalse(bsns.contains("org.kumiki.scheduler.slurm"), bsns.toString());
    }

    @Test
    void workerRunsSimulationPointsButNoServers() throws Exception {
        RunResolution r = resolve(DISTRIBUTIONS.resolve("worker/worker.bndrun"));
        assertTrue(r.isOK(), () -> String.valueOf(r.exception));
        List<String> bsns = bsns(r);
        assertTrue(bsns.contains("org.kumiki.simulation.md"), bsns.toString());
        assertFalse(bsns.contains("org.apache.felix.http.jetty12"), "a worker serves nothing: " + bsns);
        assertFalse(bsns.contains("org.kumiki.inference"), bsns.toString());
        assertFalse(bsns.contains("org.apache.felix.gogo.shell"), bsns.toString());
    }

    @Test
    void hpcGpuSiteGetsTheGpuBundle() throws Exception {
        RunResolution r = resolve(DISTRIBUTIONS.resolve("hpc-gpu/hpc-gpu.bndrun"));
        assertTrue(r.isOK(), () -> String.valueOf(r.exception));
        assertTrue(bsns(r).contains("org.kumiki.platform.nvidia"), bsns(r).toString());
        assertTrue(bsns(r).contains("org.kumiki.scheduler.slurm"), bsns(r).toString());
        assertTrue(bsns(r).contains("org.kumiki.quantum.remote"), bsns(r).toString());
    }

    @Test
    void forcingTheGpuBundleOntoACpuSiteFailsNamingTheMissingCapability(@TempDir Path dir) throws Exception {
        Path forced = dir.resolve("forced.bndrun");
        Files.writeString(forced, "-include: " + DISTRIBUTIONS.resolve("workstation/workstation.bndrun") + "\n"
                + "-runbundles:\n"
                + "-runrequires.forced: bnd.identity;id='org.kumiki.platform.nvidia'\n");
        RunResolution r = resolve(forced);
        assertFalse(r.isOK(), "the GPU bundle must not resolve on a CPU-only site");
        assertNotNull(r.exception);
        String message = r.exception instanceof ResolutionException
                ? ResolveProcess.format((ResolutionException) r.exception, false)
                : String.valueOf(r.exception.getMessage());
        System.out.println("forced GPU bundle on a CPU site:\n" + message);
        assertTrue(message.contains("org.kumiki.platform.nvidia"), message);
        assertTrue(message.contains("kumiki.hardware"), message);
        assertTrue(message.contains("gpu.vendor=nvidia"), message);
    }

    @Test
    void aSiteWithoutHardwareDeclarationCannotRunTheGpuBundleEither(@TempDir Path dir) throws Exception {
        Path bare = dir.resolve("bare.bndrun");
        Files.writeString(bare, "-include: " + DISTRIBUTIONS.resolve("base.bndrun") + "\n"
                + "kumiki.site.hardware: kumiki.hardware;arch=x86_64\n"
                + "-runrequires.site: bnd.identity;id='org.kumiki.platform.nvidia'\n");
        RunResolution r = resolve(bare);
        assertFalse(r.isOK());
        assertTrue(String.valueOf(r.exception).contains("kumiki.hardware"), String.valueOf(r.exception));
    }
}
