package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.inference.test.TestModels;

/**
 * The {@code hpc-gpu} site (declared aarch64) on aarch64 for real: its exported jar runs on Debian's arm64
 * OpenJDK through {@code qemu-aarch64-static} (user-mode emulation, no binfmt; scripts/services/arm.sh
 * installs both). One container run drives the site's own commands from a Gogo script and checks what
 * an Arm node must do: report the real architecture, answer an ONNX model with ONNX Runtime's aarch64
 * native library, complete an MD run and a quantum circuit, and grow at runtime: {@code kumiki:install} of
 * a feature from the repository folder, resolved against the site's aarch64 hardware.
 */
class ArmEmulationTest {

    static final Path QEMU = Path.of(env("KUMIKI_QEMU_AARCH64", "/usr/bin/qemu-aarch64-static"));
    static final Path ARM_JAVA = Path.of(env("KUMIKI_ARM_JAVA", "/usr/lib/jvm/java-17-openjdk-arm64/bin/java"));

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Fails with KUMIKI_REQUIRE_ARM=1 (scripts/test-all.sh), otherwise skips, when there is no emulation here. */
    static void requireEmulation() {
        boolean ready = Files.isExecutable(QEMU) && Files.isExecutable(ARM_JAVA);
        if (!ready) {
            assertFalse("1".equals(System.getenv("KUMIKI_REQUIRE_ARM")),
                    "KUMIKI_REQUIRE_ARM=1 but " + QEMU + " or " + ARM_JAVA + " is missing (scripts/services/arm.sh start)");
            Assumptions.assumeTrue(false, "no aarch64 emulation here; scripts/services/arm.sh start installs it");
        }
    }

    record Run(int exit, String out, String err) {}

    /**
     * Runs a site jar on the arm64 JVM under qemu with a Gogo script. C1 only: under emulation the C2
     * compiler costs more CPU than it wins back in a run this short (about half the CPU time here).
     * ONNX Runtime's java.util.logging at FINE names the native library it extracts.
     */
    static Run runOnArm(Path jar, Path dir, String script, int seconds) throws Exception {
        assertTrue(Files.isRegularFile(jar), jar + " not built: run the build to 'package' first");
        Path file = Files.writeString(dir.resolve("arm.gogo"), script);
        Path jul = Files.writeString(dir.resolve("jul.properties"), "handlers=java.util.logging.ConsoleHandler\n"
                + "java.util.logging.ConsoleHandler.level=FINE\n.level=WARNING\nai.onnxruntime.level=FINE\n");
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // not 8080: another container may hold it
        }
        ProcessBuilder pb = new ProcessBuilder(QEMU.toString(), ARM_JAVA.toString(), "-XX:TieredStopAtLevel=1",
                "-Dorg.osgi.service.http.port=" + port,
                "-Djava.util.logging.config.file=" + jul, "-Dkumiki.script=" + file, "-Dgosh.args=--nointeractive",
                "-jar", jar.toString()).directory(dir.toFile());
        pb.environment().put("PATH", "/usr/bin:/bin"); // no nvidia-smi unless the machine has one there
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the site did not finish within " + seconds + " s under emulation; stdout:\n" + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void hpcGpuSiteRunsOnAarch64AndGrowsAtRuntime(@TempDir Path dir) throws Exception {
        requireEmulation();
        TestModels.install(dir.resolve("state/inference/models"), "mlp", "1", TestModels.mlp(), null);
        float[] x = {1, 2, 3, 4, -1, 0.5f, 2, -3};
        Path bell = Files.writeString(dir.resolve("bell.qasm"),
                "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n");
        Run r = runOnArm(DistributionSmokeTest.HPC_GPU, dir, "kumiki:hardware\n"
                + "infer:load mlp\n"
                + "infer:run mlp '{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"data\": "
                + Arrays.toString(x) + "}]}'\n"
                + "sim:run -w cells=3 steps=100 thermoEvery=50\n"
                + "q:run --shots 1000 --seed 5 " + bell + "\n"
                + "kumiki:repo-add " + RuntimeAssemblyTest.REPO + "\n"
                + "kumiki:install -n inference-gpu\n"
                + "kumiki:install lab-opcua\n"
                + "lb -s opcua\n"
                + "kumiki:install inference-cuda\n", 480);
        // the last line fails by design (below): it ends the script with status 1 after everything else ran
        assertEquals(1, r.exit(), r.err() + r.out());
        assertTrue(r.err().contains("arm.gogo:10: kumiki:install inference-cuda:"), r.err());

        // the platform reports the architecture the JVM runs on, and it matches what the site declares
        assertTrue(r.out().matches("(?s).*\\narch\\s+aarch64 \\(Linux\\)\\n.*"), r.out());
        assertTrue(r.out().contains("declared    arch=aarch64 gpu.count=4 gpu.vendor=nvidia site=hpc-gpu slurm=true"), r.out());
        assertFalse(r.out().contains("arch: declared"), "no architecture mismatch on an Arm node: " + r.out());

        // the model answers, with the values an independent Java computation gives
        Matcher y = Pattern.compile("(?m)^y\\s+FP32\\s+\\[2, 3\\]\\s+\\[([^\\]]*)\\]").matcher(r.out());
        assertTrue(y.find(), r.out());
        float[] expected = TestModels.mlp(x);
        String[] got = y.group(1).split(",");
        assertEquals(expected.length, got.length, y.group());
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], Float.parseFloat(got[i].trim()), 1e-5, "output " + i + " of " + y.group());
        }
        // ... computed by ONNX Runtime's aarch64 libraries, extracted from the bundle for this JVM's os.arch
        for (String lib : List.of("libonnxruntime.so", "libonnxruntime4j_jni.so")) {
            assertTrue(r.err().contains("from resource path /ai/onnxruntime/native/linux-aarch64/" + lib), lib + " for aarch64:\n" + r.err());
        }
        assertFalse(r.err().contains("/ai/onnxruntime/native/linux-x64/"), r.err());

        // an MD run and a Bell circuit complete
        assertTrue(r.out().matches("(?s).*COMPLETED engine=md step=100/100 atoms=108.*"), r.out());
        Matcher bits = Pattern.compile("(?m)^(00|01|10|11)\\s+(\\d+)\\s").matcher(r.out());
        int shots = 0;
        while (bits.find()) {
            assertTrue(bits.group(1).equals("00") || bits.group(1).equals("11"), "a Bell pair never measures " + bits.group(1) + ":\n" + r.out());
            shots += Integer.parseInt(bits.group(2));
        }
        assertEquals(1000, shots, r.out());

        // a feature installed at runtime from the repository folder, resolved against this site's aarch64
        assertTrue(r.out().contains("install   org.kumiki.lab.opcua "), r.out());
        assertTrue(r.out().matches("(?s).*plan \\(install lab-opcua\\).*applied as deployment \\d+.*"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.contains("|Active") && l.contains("org.kumiki.lab.opcua")), r.out());
        // GPU inference on Arm is the aarch64 variant (inference.remote, already here), never the CUDA runtime
        assertTrue(r.out().contains("plan (install inference-gpu): nothing to do"), r.out());
        assertFalse(r.out().contains("org.kumiki.inference.onnxruntime.cuda"), r.out());
        // and the CUDA feature is refused naming what this Arm node lacks
        assertTrue(r.err().contains("inference-cuda needs kumiki.hardware (&(arch=x86_64)(gpu.vendor=nvidia)); this site has arch=aarch64, gpu.vendor=nvidia"),
                r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
