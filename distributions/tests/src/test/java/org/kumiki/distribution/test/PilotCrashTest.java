package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real container killed with SIGKILL while a live pilot on the real Slurm runs 1,000 function
 * tasks: the hpc-gpu site starts a pilot (one Slurm job running the worker jar), submits the tasks
 * with no retries, and is killed when about a fifth of them have run. The pilot's job and worker
 * go on; the container restarted over the same installation re-attaches to the pilot from its
 * state folder, and every task completes in its first attempt with its side effect written
 * exactly once: nothing lost, nothing run twice.
 */
class PilotCrashTest {

    static final int TASKS = 1000;
    static final Pattern SUBMITTED = Pattern.compile("Submitted (?:array-\\d+: )?(task-(\\d+))\\.\\.(task-(\\d+)) \\((\\d+) tasks\\)");
    static final Pattern PILOT = Pattern.compile("Pilot (pilot-\\S+) submitted as (task-\\d+) on slurm");

    @Test
    void killMinus9WhileAPilotRunsATousandTasksLosesNoneAndRunsNoneTwice(@TempDir Path dir) throws Exception {
        boolean slurm = new ProcessBuilder("sh", "-c", "sinfo -h >/dev/null 2>&1").start().waitFor() == 0;
        if (!slurm) {
            assertFalse("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM")), "KUMIKI_REQUIRE_SLURM=1 but no Slurm answers (scripts/services/slurm.sh start)");
            Assumptions.assumeTrue(false, "no Slurm here; scripts/test-all.sh starts one");
        }
        Path home = Files.createDirectories(dir.resolve("home"));
        Path effects = dir.resolve("effects.txt");
        String pilot = null;
        String job = null;
        try {
            // --- phase 1: a pilot on Slurm, 1,000 tasks, SIGKILL once about 200 have run
            Process p = start(home);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DistributionSmokeTest.pump(p.getInputStream(), out);
            String first = null;
            String last = null;
            long atKill;
            try (OutputStream in = p.getOutputStream()) {
                DistributionSmokeTest.awaitText(out, "g! ", 90);
                String started = CrashRecoveryTest.send(in, out, "sched:pilot start --backend slurm --nodes 1 --walltime 10m --slots 4", "Pilot ");
                Matcher pm = PILOT.matcher(started);
                assertTrue(pm.find(), started);
                pilot = pm.group(1);
                String id = pilot;
                job = awaitPilot(in, out, pilot, "1/1", 180);
                String submitted = CrashRecoveryTest.send(in, out, "sched:submit -n crash -b pilot --array 0-" + (TASKS - 1)
                        + " -f kumiki.noop -a '{\"ms\":40,\"appendTo\":\"" + effects + "\"}'", "Submitted ");
                Matcher sm = SUBMITTED.matcher(submitted);
                assertTrue(sm.find(), submitted);
                assertEquals(TASKS, Integer.parseInt(sm.group(5)), submitted);
                first = sm.group(1);
                last = sm.group(3);
                waitUntil("200 side effects before the kill", 180, () -> lines(effects) >= 200);
                atKill = lines(effects);
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "container did not die");
                assertTrue(atKill < TASKS, "every task ran before the kill: the test proved nothing (" + id + ")");
            } catch (IOException closedByKill) {
                throw new AssertionError("the container died before the kill: " + out.toString(StandardCharsets.UTF_8), closedByKill);
            }
            long whileDown = lines(effects);

            // --- phase 2: restart over the same installation; the pilot is re-attached and the rest run
            Process q = start(home);
            ByteArrayOutputStream out2 = new ByteArrayOutputStream();
            DistributionSmokeTest.pump(q.getInputStream(), out2);
            try (OutputStream in = q.getOutputStream()) {
                DistributionSmokeTest.awaitText(out2, "g! ", 90);
                awaitPilot(in, out2, pilot, "1/1", 120);
                int lo = Integer.parseInt(first.substring(5));
                int hi = Integer.parseInt(last.substring(5));
                waitUntil("no pilot task pending or running", 300, () -> {
                    String open = CrashRecoveryTest.send(in, out2, "sched:list -x -b pilot -s PENDING,BLOCKED,RUNNING", "g! ");
                    return !open.matches("(?s).*\\btask-\\d+\\b.*");
                });
                String listing = CrashRecoveryTest.send(in, out2, "sched:list -x -b pilot", "g! ");
                Map<String, String> states = new HashMap<>();
                Matcher row = Pattern.compile("(?m)^(task-\\d+)\\s.*?\\b(COMPLETED|FAILED|LOST|CANCELLED|TIMED_OUT|PENDING|BLOCKED|RUNNING)\\b").matcher(listing);
                while (row.find()) {
                    int n = Integer.parseInt(row.group(1).substring(5));
                    if (n >= lo && n <= hi) states.put(row.group(1), row.group(2));
                }
                assertEquals(TASKS, states.size(), "every task is listed after the restart:\n" + listing);
                Map<String, Long> byState = new HashMap<>();
                states.values().forEach(s -> byState.merge(s, 1L, Long::sum));
                assertEquals(Map.of("COMPLETED", (long) TASKS), byState, "nothing lost after the kill: " + listing);

                Map<String, Integer> ran = new HashMap<>();
                for (String l : Files.readAllLines(effects, StandardCharsets.UTF_8)) if (!l.isBlank()) ran.merge(l.strip(), 1, Integer::sum);
                for (String t : states.keySet()) {
                    assertEquals(1, ran.getOrDefault(t, 0), t + " ran " + ran.getOrDefault(t, 0) + " times");
                }
                assertEquals(TASKS, ran.size(), "side effects of tasks that were not submitted: " + ran.keySet());

                // each task ran in its first attempt: no retry hid a loss
                String show = CrashRecoveryTest.send(in, out2, "sched:show " + first + " " + last, "g! ");
                assertFalse(show.matches("(?s).*attempt\\s+[2-9].*"), show);
                String pilots = CrashRecoveryTest.send(in, out2, "sched:pilots", "g! ");
                assertTrue(pilots.matches("(?s).*" + Pattern.quote(pilot) + "\\s.*\\bRUNNING\\b.*"), pilots);
                String stopped = CrashRecoveryTest.send(in, out2, "sched:pilot stop " + pilot, "g! ");
                assertTrue(stopped.contains(pilot + " "), stopped);
                job = null;
                System.out.printf("pilot-crash: %d tasks; %d had run at the SIGKILL, %d by the restart; all %d completed once, none retried%n",
                        TASKS, atKill, whileDown, TASKS);
            } finally {
                q.destroy();
                q.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            if (job != null) new ProcessBuilder("scancel", job).start().waitFor(30, TimeUnit.SECONDS); // never leave an allocation behind
        }
    }

    static Process start(Path home) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(DistributionSmokeTest.JAVA, "-Dkumiki.worker.jar=" + DistributionSmokeTest.WORKER,
                "-jar", DistributionSmokeTest.HPC_GPU.toString()).directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", "/usr/bin:/bin");
        return pb.start();
    }

    /** Polls {@code sched:pilots} until the pilot shows {@code workers}; returns its Slurm job id. */
    static String awaitPilot(OutputStream in, ByteArrayOutputStream out, String pilot, String workers, int seconds) throws Exception {
        Pattern row = Pattern.compile("(?m)^" + Pattern.quote(pilot) + "\\s+task-\\d+\\s+slurm\\s+(\\d+)\\s+1\\s+" + Pattern.quote(workers) + "\\s+RUNNING\\b");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String table = "";
        while (System.nanoTime() < deadline) {
            table = CrashRecoveryTest.send(in, out, "sched:pilots", "g! ");
            Matcher m = row.matcher(table);
            if (m.find()) return m.group(1);
            Thread.sleep(250); // polling the pilot's state
        }
        throw new AssertionError("pilot " + pilot + " did not show " + workers + " workers RUNNING within " + seconds + " s:\n" + table);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static void waitUntil(String what, int seconds, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (check.ok()) return;
            Thread.sleep(100); // polling
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
