package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the exported distribution jars the way an operator does and checks what they print.
 */
class DistributionSmokeTest {

    static final Path DISTRIBUTIONS = Path.of(System.getProperty("kumiki.distributions", "..")).toAbsolutePath().normalize();
    static final Path WORKSTATION = DISTRIBUTIONS.resolve("workstation/target/workstation.jar");
    static final Path HPC_GPU = DISTRIBUTIONS.resolve("hpc-gpu/target/hpc-gpu.jar");
    static final Path WORKER = DISTRIBUTIONS.resolve("worker/target/worker.jar");
    static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    record Result(int exit, String out, String err) {}

    static Result script(Path jar, Path dir, String script) throws Exception {
        Path file = dir.resolve("script.gogo");
        Files.writeString(file, script);
        return runScript(jar, dir, file.toString());
    }

    static Result runScript(Path jar, Path dir, String scriptPath) throws Exception {
        assertTrue(Files.isRegularFile(jar), jar + " not built: run the build to 'package' first");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-Dkumiki.script=" + scriptPath, "-Dgosh.args=--nointeractive", "-jar", jar.toString());
        pb.directory(dir.toFile());
        pb.environment().put("PATH", "/usr/bin:/bin"); // no nvidia-smi unless the machine has one there
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("distribution did not exit; stdout:\n" + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void workstationRunsAScriptAndExitsWithItsStatus(@TempDir Path dir) throws Exception {
        Result r = script(WORKSTATION, dir, "# status and hardware\nkumiki:status\n\nkumiki:hardware\n");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*platform\\s+\\d+\\s+org\\.kumiki\\.platform\\s+1\\.0\\.0\\S*\\s+ACTIVE.*"), r.out());
        assertTrue(r.out().contains("org.kumiki.platform.api.HardwareProfile"), r.out());
        assertTrue(r.out().contains("kumiki:status kumiki:hardware kumiki:gpus"), r.out());
        assertFalse(r.out().contains("org.kumiki.platform.nvidia"), r.out());
        assertTrue(r.out().contains("declared    arch=x86_64 gpu.count=0 gpu.vendor=none site=workstation slurm=false"), r.out());
        assertTrue(r.out().contains("cpu cores   " + Runtime.getRuntime().availableProcessors()), r.out());
        assertTrue(Files.isDirectory(dir.resolve("deploy")), "deploy/ created");
        assertTrue(Files.exists(dir.resolve("log/kumiki.log")), "log/kumiki.log written");
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void workstationRunsEveryDomainOnItsEmbeddedDefaults(@TempDir Path dir) throws Exception {
        byte[] data = new byte[3 << 20];
        new java.util.Random(7).nextBytes(data);
        Path src = Files.write(dir.resolve("src.bin"), data);
        Path dst = dir.resolve("copy/dst.bin");
        Path bell = Files.writeString(dir.resolve("bell.qasm"),
                "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n");
        Result r = script(WORKSTATION, dir, "data:transfer " + src.toUri() + " " + dst.toUri() + "\n"
                + "sim:run -w cells=3 steps=100 thermoEvery=50\n"
                + "lab:plan -w count dets=det1 num=5\n"
                + "infer:models\n"
                + "sim:engines\n"
                + "q:run --shots 1000 --seed 5 " + bell + "\n"
                + "q:backends\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(dst)), "verified copy equals the source");
        assertTrue(r.out().matches("(?s).*xfer-\\S+ SUCCEEDED: 1 copied.*"), r.out());
        assertTrue(r.out().matches("(?s).*COMPLETED engine=md step=100/100 atoms=108.*"), r.out());
        assertTrue(r.out().matches("(?s).*count\\s+success\\s+5\\s.*"), r.out());
        assertTrue(r.out().contains("no models in the repository"), r.out());
        assertTrue(r.out().matches("(?s).*md\\s+lj\\s+yes.*"), r.out());
        assertTrue(r.out().contains("statevector"), r.out());
        assertFalse(r.out().matches("(?s).*\\b(01|10)\\b\\s+\\d+.*"), "a Bell pair never measures 01 or 10: " + r.out());
        assertTrue(Files.isDirectory(dir.resolve("state/lab")), "lab documents under the installation's state folder");
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void workstationSchedulesTasksFromGogo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("hello.txt");
        Result r = script(WORKSTATION, dir, "sched:submit -n hello -c 1 -t 5m -l campaign=smoke -- sh -c 'echo hello > " + out + "'\n"
                + "sched:submit -n second -d afterok:task-1 true\n"
                + "sched:wait -t 30 task-1 task-2\n"
                + "sched:show task-2\n"
                + "sched:list -l campaign=smoke\n"
                + "sched:backends\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertEquals("hello\n", Files.readString(out));
        assertTrue(r.out().matches("(?s).*task-1\\s+hello\\s+COMPLETED.*"), r.out());
        assertTrue(r.out().matches("(?s).*task-2\\s+second\\s+COMPLETED.*"), r.out());
        assertTrue(r.out().contains("local"), r.out());
        assertTrue(Files.isRegularFile(dir.resolve("state/scheduler/journal/journal.log")), "journal under the installation's state folder");

        // the records survive a restart of the whole distribution
        Result again = script(WORKSTATION, dir, "sched:show task-1\n");
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.out().contains("COMPLETED"), again.out());

        Result bad = script(WORKSTATION, dir, "sched:submit -c -1 true\n");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("-1"), bad.err());
        Result gpu = script(WORKSTATION, dir, "sched:submit -g 1 true\n");
        assertEquals(1, gpu.exit());
        assertTrue(gpu.err().contains("needs 1 GPUs but backend 'local' has 0"), gpu.err());
    }

    @Test
    void hpcGpuSiteRunsCommandsAndFunctionsOnTheRealSlurm(@TempDir Path dir) throws Exception {
        boolean slurm = new ProcessBuilder("sh", "-c", "sinfo -h >/dev/null 2>&1").start().waitFor() == 0;
        if (!slurm) {
            assertFalse("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM")), "KUMIKI_REQUIRE_SLURM=1 but no Slurm answers (scripts/services/slurm.sh start)");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no Slurm here; scripts/test-all.sh starts one");
        }
        Path script = dir.resolve("slurm.gogo");
        Files.writeString(script, "sched:submit -b slurm -n hw -f kumiki.hardware\n"
                + "sched:submit -b slurm -n three -c 1 -t 2 -- sh -c 'exit 3'\n"
                + "sched:submit -b slurm -n after -d afterany:task-2 true\n"
                + "sched:wait -t 180 task-1 task-2 task-3\n"
                + "sched:show task-1\n"
                + "sched:show task-2\n");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-Dkumiki.script=" + script, "-Dgosh.args=--nointeractive",
                "-Dkumiki.worker.jar=" + WORKER, "-jar", HPC_GPU.toString()).directory(dir.toFile());
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(240, TimeUnit.SECONDS), "hpc-gpu did not finish");
        String out = Files.readString(dir.resolve("out.txt"));
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(0, p.exitValue(), err + out);
        assertTrue(out.matches("(?s).*task-1\\s+hw\\s+COMPLETED\\s+slurm.*"), out);
        assertTrue(out.matches("(?s).*task-2\\s+three\\s+FAILED\\s+slurm.*"), out);
        assertTrue(out.matches("(?s).*task-3\\s+after\\s+COMPLETED\\s+slurm.*"), out);
        assertTrue(out.contains("\"cpuCores\""), "the function's result came back from the compute node: " + out);
    }

    @Test
    void slurmJobsAreReattachedByJobIdAfterKillMinus9(@TempDir Path dir) throws Exception {
        boolean slurm = new ProcessBuilder("sh", "-c", "sinfo -h >/dev/null 2>&1").start().waitFor() == 0;
        if (!slurm) {
            assertFalse("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM")), "KUMIKI_REQUIRE_SLURM=1 but no Slurm answers");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no Slurm here; scripts/test-all.sh starts one");
        }
        Path first = dir.resolve("first.gogo");
        Files.writeString(first, "sched:submit -b slurm -n survivor -- sh -c 'sleep 6; exit 4'\nsched:wait -t 120 task-1\n");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-Dkumiki.script=" + first, "-Dgosh.args=--nointeractive", "-jar", HPC_GPU.toString())
                .directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        pump(p.getInputStream(), out);
        awaitText(out, "task-1", 60); // submitted: the job is in Slurm now
        Thread.sleep(500);
        p.destroyForcibly(); // kill -9 while the job runs
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));

        Path second = dir.resolve("second.gogo");
        Files.writeString(second, "sched:wait -t 120 task-1\nsched:show task-1\n");
        Result r = runScript(HPC_GPU, dir, second.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        // re-attached by its Slurm job id: the job's real outcome, not LOST
        assertTrue(r.out().matches("(?s).*task-1\\s+survivor\\s+FAILED\\s+slurm\\s+\\d+\\s+4\\b.*"), r.out());
        assertFalse(r.out().contains("LOST"), r.out());
    }

    @Test
    void workerRunsOneFunctionAndExits(@TempDir Path dir) throws Exception {
        Path result = dir.resolve("result.json");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-Dkumiki.worker.function=kumiki.hardware", "-Dkumiki.worker.result.file=" + result,
                "-jar", WORKER.toString()).directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(Files.readString(result).contains("\"cpuCores\":" + Runtime.getRuntime().availableProcessors()), Files.readString(result));

        Process missing = new ProcessBuilder(JAVA, "-Dkumiki.worker.function=no.such", "-Dkumiki.worker.wait.ms=300", "-jar", WORKER.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        assertTrue(missing.waitFor(60, TimeUnit.SECONDS));
        String text = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, missing.exitValue(), text);
        assertTrue(text.contains("no function 'no.such' in this worker"), text);
        assertFalse(Files.exists(dir.resolve("deploy")), "a worker watches no folder");
    }

    @Test
    void aFailingLineStopsTheScriptWithStatusOneAndNamesTheLine(@TempDir Path dir) throws Exception {
        Result r = script(WORKSTATION, dir, "kumiki:hardware\nkumiki:nosuch --flag\nkumiki:status\n");
        assertEquals(1, r.exit(), r.out());
        assertTrue(r.err().contains("script.gogo:2: kumiki:nosuch --flag:"), r.err());
        assertTrue(r.out().contains("cpu cores"), "line 1 ran");
        assertFalse(r.out().contains("Kumiki bundles"), "line 3 must not run");

        Result bad = script(WORKSTATION, dir, "kumiki:status --domain '../../etc'\n");
        assertEquals(1, bad.exit());
        assertTrue(bad.err().contains("invalid domain"), bad.err());
    }

    @Test
    void aMissingScriptExitsWithStatusTwo(@TempDir Path dir) throws Exception {
        Result r = runScript(WORKSTATION, dir, dir.resolve("nope.gogo").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("cannot read"), r.err());
    }

    @Test
    void hpcGpuSiteRunsItsGpuBundleAndReportsWhatThisNodeLacks(@TempDir Path dir) throws Exception {
        Result r = script(HPC_GPU, dir, "kumiki:status\nkumiki:hardware\n");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().matches("(?s).*org\\.kumiki\\.platform\\.nvidia\\s+1\\.0\\.0\\S*\\s+ACTIVE.*"), r.out());
        assertTrue(r.out().contains("org.kumiki.platform.api.GpuMonitor"), r.out());
        assertTrue(r.out().contains("declared    arch=aarch64 gpu.count=4 gpu.vendor=nvidia site=hpc-gpu slurm=true"), r.out());
        if (!"aarch64".equals(System.getProperty("os.arch"))) {
            assertTrue(r.out().contains("arch: declared aarch64, detected x86_64"), r.out());
        }
        // without nvidia-smi on PATH the monitor says so, and the script fails
        if (!Files.exists(Path.of("/usr/bin/nvidia-smi"))) {
            assertTrue(r.out().contains("gpu.vendor: declared nvidia, detected no nvidia GPU"), r.out());
            Result gpus = script(HPC_GPU, dir, "kumiki:gpus\n");
            assertEquals(1, gpus.exit());
            assertTrue(gpus.err().contains("cannot run nvidia-smi"), gpus.err());
        }
    }

    @Test
    void interactiveShellShowsThePromptAndStopsAtEndOfInput(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", WORKSTATION.toString()).directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = pump(p.getInputStream(), out);
        awaitText(out, "g! ", 60);
        try (OutputStream in = p.getOutputStream()) {
            in.write("kumiki:hardware\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            awaitText(out, "mismatches", 30);
        } // end of input: the shell stops the framework
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "framework did not stop at end of input");
        reader.join(2000);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("site        workstation"), text);
    }

    @Test
    void pipedStdinIsReadAndPrintedAsUtf8UnderLangC(@TempDir Path dir) throws Exception {
        Path input = dir.resolve("input.txt");
        Files.writeString(input, "msg = 'héllo wörld ✓'\nkumiki:status -d naïve\nstop 0\n", StandardCharsets.UTF_8);
        Path output = dir.resolve("out.txt");
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-jar", WORKSTATION.toString()).directory(dir.toFile())
                .redirectInput(input.toFile()).redirectOutput(output.toFile()).redirectErrorStream(true);
        pb.environment().put("LANG", "C"); // US-ASCII default charset on Java 17
        pb.environment().remove("LC_ALL");
        pb.environment().remove("LC_CTYPE");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not stop at 'stop 0'");
        String text = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        assertTrue(text.contains("g! "), text);
        assertTrue(text.contains("héllo wörld ✓\n"), "the value comes back intact: " + text);
        // the argument reached the command intact, and its one-line error came back intact
        assertTrue(text.contains("gogo: IllegalArgumentException: invalid domain 'naïve'"), text);
    }

    @Test
    void headlessServiceKeepsRunningWithoutAConsoleAndStopsOnSigterm(@TempDir Path dir) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(JAVA, "-Dgosh.args=--nointeractive", "-jar", WORKSTATION.toString())
                .directory(dir.toFile()).redirectErrorStream(true);
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = pump(p.getInputStream(), out);
        p.getOutputStream().close(); // no console at all
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(dir.resolve("log/kumiki.log")) && System.nanoTime() < deadline) Thread.sleep(50);
        Thread.sleep(1500);
        assertTrue(p.isAlive(), "headless container exited: " + out.toString(StandardCharsets.UTF_8));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("g! "), "no prompt without a console");
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "did not stop on SIGTERM");
        reader.join(2000);
    }

    static Thread pump(InputStream in, ByteArrayOutputStream out) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0;) {
                    synchronized (out) {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    static void awaitText(ByteArrayOutputStream out, String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            synchronized (out) {
                if (out.toString(StandardCharsets.UTF_8).contains(text)) return;
            }
            Thread.sleep(20);
        }
        List<String> tail = new ArrayList<>(List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
        throw new AssertionError("did not see '" + text + "' within " + seconds + " s; output:\n" + String.join("\n", tail));
    }
}
