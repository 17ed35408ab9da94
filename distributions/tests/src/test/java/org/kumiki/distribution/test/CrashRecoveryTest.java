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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection across the domains: the workstation container is killed with SIGKILL at a
 * seeded random moment while a task (whose child calls {@code setsid}), a transfer, a simulation
 * and a lab scan are in flight, then restarted over the same installation. Each round checks that
 * every record made before the kill is still there, that nothing half-copied carries the final
 * name, and that no process of a killed task survives the restart. {@code -Dkumiki.crash.seed}
 * and {@code -Dkumiki.crash.rounds} change the schedule; the figures are printed at the end.
 */
class CrashRecoveryTest {

    static final long SEED = Long.getLong("kumiki.crash.seed", 18L);
    static final int ROUNDS = Integer.getInteger("kumiki.crash.rounds", 4);
    static final Pattern TASK = Pattern.compile("Submitted (task-\\d+)");
    static final Pattern XFER = Pattern.compile("(xfer-[A-Za-z0-9-]+)");
    static final Pattern SIM = Pattern.compile("Submitted (\\S+) on engine");

    @Test
    void killMinus9AtRandomMomentsLosesNoRecordAndLeavesNoProcess(@TempDir Path dir) throws Exception {
        Random rnd = new Random(SEED);
        byte[] data = new byte[48 << 20];
        rnd.nextBytes(data);
        Path src = Files.write(dir.resolve("src.bin"), data);
        Path home = Files.createDirectories(dir.resolve("home"));

        List<String> completedTasks = new ArrayList<>();
        List<String> transfers = new ArrayList<>();
        List<String> sims = new ArrayList<>();
        Map<Integer, Long> killedAt = new LinkedHashMap<>();
        int processesLeft = 0;
        int recordsChecked = 0;
        int survivorsAfterKill = 0;

        for (int round = 1; round <= ROUNDS; round++) {
            String marker = "30" + round + "7"; // sleep durations no other process on the machine uses
            Path dst = dir.resolve("archive/round" + round + ".bin");
            Files.createDirectories(dst.getParent());

            // --- phase 1: start work in every domain, then SIGKILL at a random moment
            Process p = new ProcessBuilder(DistributionSmokeTest.JAVA, "-jar", DistributionSmokeTest.WORKSTATION.toString())
                    .directory(home.toFile()).redirectErrorStream(true).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DistributionSmokeTest.pump(p.getInputStream(), out);
            String text;
            try (OutputStream in = p.getOutputStream()) {
                DistributionSmokeTest.awaitText(out, "g! ", 90);
                send(in, out, "sched:submit -n quick" + round + " -- true", "Submitted task-");
                send(in, out, "sched:submit -n long" + round + " -t 10m -- sh -c 'setsid sleep " + marker + "1 & sleep " + marker + "2'", "Submitted task-");
                send(in, out, "data:transfer --no-wait " + src.toUri() + " " + dst.toUri(), "xfer-");
                send(in, out, "sim:run cells=6 steps=400000 thermoEvery=500", "on engine");
                send(in, out, "lab:plan scan dets=det1 motor=m1 start=-30 stop=30 num=40", "g! ");
                text = out.toString(StandardCharsets.UTF_8);
                Matcher t = TASK.matcher(text);
                assertTrue(t.find(), text);
                String quick = t.group(1);
                send(in, out, "sched:wait -t 60 " + quick, quick);
                completedTasks.add(quick);
                Matcher x = XFER.matcher(text);
                assertTrue(x.find(), text);
                transfers.add(x.group(1));
                Matcher s = SIM.matcher(text);
                assertTrue(s.find(), text);
                sims.add(s.group(1));
                long delay = 200 + rnd.nextInt(2500);
                killedAt.put(round, delay);
                Thread.sleep(delay);
                p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            } catch (IOException closedByKill) {
                // the pipe broke because the container died: that is the point
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "container did not die");
            // the killed container's task processes outlive it (a setsid'd one too): the restart must find them
            survivorsAfterKill += processesWith("sleep", marker + "1", marker + "2").size();

            // --- phase 2: restart over the same installation and check every record
            StringBuilder check = new StringBuilder();
            for (String id : completedTasks) check.append("sched:show ").append(id).append('\n');
            for (String id : transfers) check.append("data:show ").append(id).append('\n');
            check.append("sim:status\nlab:runs\nkumiki:status\n");
            DistributionSmokeTest.Result r = DistributionSmokeTest.script(DistributionSmokeTest.WORKSTATION, home, check.toString());
            assertEquals(0, r.exit(), "round " + round + ": " + r.err() + r.out());
            for (String id : completedTasks) {
                assertTrue(r.out().matches("(?s).*\\bid\\s+" + id + "\\b.*"), "task record " + id + " lost: " + r.out());
                recordsChecked++;
            }
            assertEquals(completedTasks.size(), count(r.out(), "state\\s+COMPLETED"), "every quick task stays COMPLETED: " + r.out());
            for (String id : transfers) {
                assertTrue(r.out().contains(id), "transfer record " + id + " lost: " + r.out());
                recordsChecked++;
            }
            for (String id : sims) {
                assertTrue(r.out().contains(id), "simulation run " + id + " lost: " + r.out());
                recordsChecked++;
            }
            // every lab run so far is listed once, scan ids not reused
            List<String> scanIds = new ArrayList<>();
            Matcher lab = Pattern.compile("(?m)^\\S+\\s+(\\d+)\\s+scan\\b").matcher(r.out());
            while (lab.find()) scanIds.add(lab.group(1));
            assertEquals(scanIds.stream().distinct().count(), scanIds.size(), "a scan id was reused: " + r.out());
            recordsChecked += scanIds.size();

            // nothing half-copied under the final name
            if (Files.exists(dst)) {
                assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(dst)), "round " + round + ": " + dst + " differs from the source");
            }

            // no process of a killed task survives the restart
            List<String> left = processesWith("sleep", marker + "1", marker + "2");
            processesLeft += left.size();
            assertTrue(left.isEmpty(), "round " + round + ": processes left behind " + left);
        }
        System.out.printf("crash-recovery: seed=%d rounds=%d kills at %s ms after the last command; records checked=%d lost=0;"
                + " task processes alive after the kills=%d, left after the restarts=%d%n",
                SEED, ROUNDS, killedAt.values(), recordsChecked, survivorsAfterKill, processesLeft);
        assertTrue(survivorsAfterKill > 0, "the kills never left a task process behind: the test proved nothing about survivors");
    }

    /** Sends one line to the console and waits for {@code expect} and the next prompt; returns what the line printed. */
    static String send(OutputStream in, ByteArrayOutputStream out, String line, String expect) throws IOException, InterruptedException {
        int before;
        synchronized (out) {
            before = out.size();
        }
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String now;
            synchronized (out) {
                now = out.toString(StandardCharsets.UTF_8);
            }
            String fresh = now.substring(Math.min(before, now.length()));
            if (fresh.contains(expect) && fresh.contains("g! ")) return fresh;
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + expect + "' after '" + line + "':\n" + out.toString(StandardCharsets.UTF_8));
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** Processes whose command line is {@code cmd} followed by one of {@code args}. */
    static List<String> processesWith(String cmd, String... args) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path pid : (Iterable<Path>) procs.filter(d -> d.getFileName().toString().matches("\\d+"))::iterator) {
                byte[] raw;
                try {
                    raw = Files.readAllBytes(pid.resolve("cmdline"));
                } catch (IOException gone) {
                    continue;
                }
                String[] argv = new String(raw, StandardCharsets.UTF_8).split("\0");
                if (argv.length >= 2 && argv[0].endsWith(cmd)) {
                    for (String a : args) {
                        if (argv[1].equals(a)) found.add(pid.getFileName() + ": " + String.join(" ", argv));
                    }
                }
            }
        }
        return found;
    }
}
