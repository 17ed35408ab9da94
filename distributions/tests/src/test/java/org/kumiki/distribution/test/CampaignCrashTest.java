package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kumiki.distribution.test.DistributionSmokeTest.JAVA;
import static org.kumiki.distribution.test.DistributionSmokeTest.WORKSTATION;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.distribution.test.DistributionSmokeTest.Result;

/**
 * Issue 14's durability promise in the real workstation distribution: a seeded campaign whose
 * every evaluation is a {@code command} step (a scheduler task) then a {@code lab} step (a run on
 * the simulated bench, robot1 and spec1) is run once uninterrupted, then in a fresh installation
 * started at the interactive prompt and killed with SIGKILL while scheduler tasks and lab runs
 * are in flight (the moment drawn from {@code -Dkumiki.campaign.crash.seed}). The restarted
 * container continues the campaign by itself (the engine resumes every campaign that had not
 * ended). The campaign must end with the same evaluations, at the same Sobol points, as the
 * uninterrupted run: none repeated, none lost, each with exactly one successful lab run and one
 * scheduler task per attempt, and no process of a killed task left.
 */
class CampaignCrashTest {

    static final long SEED = Long.getLong("kumiki.campaign.crash.seed", 14L);
    static final int BUDGET = 9;
    static final String ID = "crash-1"; // the first campaign of a fresh installation
    static final String SLEEP = "2.0419"; // a sleep duration no other process on the machine uses

    static final Pattern DONE = Pattern.compile("evaluations\\s+(\\d+)/(\\d+) done, (\\d+) failed, (\\d+) running");
    static final Pattern IN_FLIGHT = Pattern.compile("(?m)^" + ID + "-(\\d+)\\s+(\\w+)\\s+(prescreen|measure)\\s+(\\d+)\\s+(\\S*)");
    static final Pattern CRATE_ID = Pattern.compile(
            "\"@id\" : \"#evaluation-" + ID + "-(\\d+)-(prescreen|measure)-(\\d+)-(handle|runUid)\",\\s*\"@type\" : \"PropertyValue\",\\s*"
                    + "\"name\" : \"[^\"]*\",\\s*\"value\" : \"([^\"]+)\"");
    static final Pattern CRATE_POINT = Pattern.compile(
            "\"@id\" : \"#evaluation-" + ID + "-(\\d+)-point-(\\w+)\",\\s*\"@type\" : \"PropertyValue\",\\s*"
                    + "\"name\" : \"[^\"]*\",\\s*\"value\" : ([-0-9.eE]+)");
    static final Pattern CRATE_ACTION = Pattern.compile("\"@id\" : \"#evaluation-" + ID + "-(\\d+)\",\\s*\"@type\" : \"CreateAction\"");
    static final Pattern LAB_RUN = Pattern.compile("(?m)^(run-[0-9a-f-]+)\\s+\\d+\\s+campaign_point\\s+(\\w+)");
    static final Pattern TASK = Pattern.compile("(?m)^(task-\\d+)\\s+" + ID + "-(\\d+)-prescreen\\s+(\\w+)");

    /** What a finished campaign left behind, read through the commands and its RO-Crate. */
    record Outcome(String status, Map<Integer, Map<String, String>> points, Map<Integer, List<String>> taskIds,
            Map<Integer, List<String>> runUids, Map<String, String> labRuns, Map<String, String> tasks) {}

    @Test
    void killMinus9MidCampaignEndsWithTheSameEvaluationsNoneRepeatedNoneLost(@TempDir Path dir) throws Exception {
        Random rnd = new Random(SEED);
        Path file = campaignFile(dir);

        // --- 1: the same campaign uninterrupted, in script mode
        Path clean = Files.createDirectories(dir.resolve("clean"));
        long t0 = System.nanoTime();
        Result r = DistributionSmokeTest.script(WORKSTATION, clean, "campaign:run -w " + file + "\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains(ID + "  COMPLETED"), r.out());
        Outcome expected = outcome(clean);
        long cleanMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        check(expected, "uninterrupted");
        assertEquals(BUDGET, expected.labRuns().size(), "uninterrupted: one lab run per evaluation: " + expected.labRuns());
        assertEquals(BUDGET, expected.tasks().size(), "uninterrupted: one task per evaluation: " + expected.tasks());

        // --- 2: a fresh installation, the campaign started at the prompt, SIGKILL with work in flight
        Path home = Files.createDirectories(dir.resolve("crashed"));
        int killAfterDone = 1 + rnd.nextInt(4); // evaluations done before the kill: 1..4 of 9
        long extraDelay = rnd.nextInt(250);
        Process p = new ProcessBuilder(JAVA, "-jar", WORKSTATION.toString()).directory(home.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DistributionSmokeTest.pump(p.getInputStream(), out);
        String lastStatus = "";
        int doneAtKill = -1;
        List<String> inFlightAtKill = new ArrayList<>();
        int survivorsAfterKill;
        try (OutputStream in = p.getOutputStream()) {
            DistributionSmokeTest.awaitText(out, "g! ", 90);
            String started = ask(in, out, "campaign:run " + file);
            assertTrue(started.contains("Started " + ID), started);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                assertTrue(System.nanoTime() < deadline, "no moment with tasks and a lab run in flight after " + killAfterDone
                        + " evaluations:\n" + lastStatus);
                lastStatus = ask(in, out, "campaign:status " + ID);
                Matcher d = DONE.matcher(lastStatus);
                assertTrue(d.find(), lastStatus);
                int done = Integer.parseInt(d.group(1));
                assertTrue(done < BUDGET - 2, "the campaign got too far before a kill moment came:\n" + lastStatus);
                List<String> flight = new ArrayList<>();
                boolean task = false;
                boolean lab = false;
                for (Matcher m = IN_FLIGHT.matcher(lastStatus); m.find();) {
                    flight.add(m.group(1) + ":" + m.group(3) + ":" + m.group(5));
                    task |= "RUNNING".equals(m.group(2)) && m.group(3).equals("prescreen") && m.group(5).startsWith("task-");
                    lab |= "RUNNING".equals(m.group(2)) && m.group(3).equals("measure") && m.group(5).startsWith("lab-");
                }
                if (done >= killAfterDone && task && lab) {
                    doneAtKill = done;
                    inFlightAtKill = flight;
                    break;
                }
                Thread.sleep(100);
            }
            Thread.sleep(extraDelay);
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no journal flush, no cleanup
        } catch (IOException closedByKill) {
            // the pipe broke because the container died
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "container did not die");
        survivorsAfterKill = CrashRecoveryTest.processesWith("sleep", SLEEP).size();

        // --- 3: restart over the same installation; the engine resumes the campaign by itself
        long t1 = System.nanoTime();
        Process q = new ProcessBuilder(JAVA, "-jar", WORKSTATION.toString()).directory(home.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream out2 = new ByteArrayOutputStream();
        DistributionSmokeTest.pump(q.getInputStream(), out2);
        String status = "";
        try (OutputStream in = q.getOutputStream()) {
            DistributionSmokeTest.awaitText(out2, "g! ", 90);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!status.contains(ID + "  COMPLETED")) {
                assertTrue(System.nanoTime() < deadline, "the campaign did not end after the restart:\n" + status);
                assertTrue(!status.matches("(?s).*" + ID + "  (FAILED|ABORTED).*"), status);
                Thread.sleep(200);
                status = ask(in, out2, "campaign:status " + ID);
            }
            in.write("stop 0\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        }
        assertTrue(q.waitFor(60, TimeUnit.SECONDS), "restarted container did not stop");
        long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);

        // --- 4: what the crashed campaign left, read the same way as the uninterrupted one
        Outcome got = outcome(home);
        check(got, "after the kill");
        assertEquals(expected.points(), got.points(), "the same seed proposes the same points, none lost, none added");

        // each evaluation: exactly one successful lab run, its own, and every other lab run is the one the kill cut short
        Set<String> successful = new HashSet<>();
        got.labRuns().forEach((uid, s) -> {
            if ("success".equals(s)) successful.add(uid);
        });
        Set<String> recorded = new HashSet<>();
        got.runUids().forEach((i, uids) -> recorded.add(uids.get(uids.size() - 1)));
        assertEquals(successful, recorded, "the successful lab runs are exactly the evaluations' runs: " + got.labRuns() + " vs " + got.runUids());
        long cut = got.labRuns().values().stream().filter(s -> !"success".equals(s)).count();
        assertTrue(got.labRuns().values().stream().allMatch(s -> s.equals("success") || s.equals("incomplete")),
                "only the run cut by the kill may be unsuccessful: " + got.labRuns());
        assertTrue(cut <= 1, "at most one lab run was open at the kill (the engine runs one at a time): " + got.labRuns());

        // every attempt's task is the campaign's; a task LOST with the container is run again once as a
        // new task that replaces it (no attempt spent), so the only tasks outside the record replace a
        // LOST one; and each evaluation has exactly one task that COMPLETED: none ran twice to the end
        Set<String> attempts = new HashSet<>();
        got.taskIds().values().forEach(attempts::addAll);
        assertTrue(got.tasks().keySet().containsAll(attempts), "every recorded task exists: " + got.tasks() + " vs " + got.taskIds());
        int lost = 0;
        for (Map.Entry<String, String> t : got.tasks().entrySet()) {
            if (!"COMPLETED".equals(t.getValue())) lost++;
        }
        long replacements = got.tasks().keySet().stream().filter(t -> !attempts.contains(t)).count();
        assertTrue(replacements <= lost, replacements + " tasks outside the record but only " + lost + " lost: " + got.tasks() + " vs " + got.taskIds());
        assertEquals(BUDGET, got.tasks().values().stream().filter("COMPLETED"::equals).count(),
                "one completed task per evaluation: " + got.tasks());
        assertTrue(got.tasks().values().stream().allMatch(st -> st.equals("COMPLETED") || st.equals("LOST")), "tasks: " + got.tasks());

        List<String> left = CrashRecoveryTest.processesWith("sleep", SLEEP);
        left.addAll(CrashRecoveryTest.processesWith("sh", dir.resolve("prescreen.sh").toString()));
        assertTrue(left.isEmpty(), "processes of the killed tasks left behind: " + left);

        System.out.printf("campaign-crash: seed=%d kill after %d/%d done (+%d ms) with in flight %s; task processes alive after the kill=%d;"
                + " after restart: %d evaluations (uninterrupted %d), %d lab runs (%d successful, %d cut by the kill), %d tasks (%d not completed),"
                + " repeated=0 lost=0; uninterrupted %d ms, restart to end %d ms%n",
                SEED, doneAtKill, BUDGET, extraDelay, inFlightAtKill, survivorsAfterKill, got.points().size(), expected.points().size(),
                got.labRuns().size(), successful.size(), cut, got.tasks().size(), lost, cleanMs, restartMs);
    }

    /** Every evaluation completed once, with one task id and one run uid per attempt recorded. */
    static void check(Outcome o, String what) {
        Matcher d = DONE.matcher(o.status());
        assertTrue(d.find(), o.status());
        assertEquals(BUDGET + "/" + BUDGET + " done, 0 failed, 0 running", d.group(0).replaceFirst("evaluations\\s+", ""),
                what + ": " + o.status());
        assertEquals(BUDGET, o.points().size(), what + ": evaluations in the RO-Crate " + o.points().keySet());
        for (int i = 0; i < BUDGET; i++) {
            assertEquals(3, o.points().get(i).size(), what + ": point of evaluation " + i + ": " + o.points());
            assertTrue(o.taskIds().containsKey(i), what + ": evaluation " + i + " has no task id: " + o.taskIds());
            assertTrue(o.runUids().containsKey(i), what + ": evaluation " + i + " has no run uid: " + o.runUids());
        }
        Set<String> uids = new HashSet<>();
        o.runUids().values().forEach(l -> uids.add(l.get(l.size() - 1)));
        assertEquals(BUDGET, uids.size(), what + ": one run uid per evaluation, never shared: " + o.runUids());
        Set<String> tasks = new HashSet<>();
        o.taskIds().values().forEach(tasks::addAll);
        assertEquals(o.taskIds().values().stream().mapToInt(List::size).sum(), tasks.size(), what + ": a task id recorded twice: " + o.taskIds());
    }

    /** Status, RO-Crate, lab runs and the campaign's tasks of an installation, in script mode. */
    static Outcome outcome(Path home) throws Exception {
        Path report = home.resolve("report/report.html");
        Result r = DistributionSmokeTest.script(WORKSTATION, home, "campaign:status " + ID + "\ncampaign:report " + ID + " " + report
                + "\nlab:runs -n 0\nsched:list -x -l campaign=" + ID + "\n");
        assertEquals(0, r.exit(), r.err() + r.out());
        String crate = Files.readString(report.resolveSibling("ro-crate-metadata.json"));
        Map<Integer, Map<String, String>> points = new TreeMap<>();
        for (Matcher m = CRATE_POINT.matcher(crate); m.find();) {
            points.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>()).put(m.group(2), m.group(3));
        }
        List<Integer> actions = new ArrayList<>();
        for (Matcher m = CRATE_ACTION.matcher(crate); m.find();) {
            actions.add(Integer.parseInt(m.group(1)));
        }
        assertEquals(actions.stream().distinct().count(), actions.size(), "an evaluation recorded twice in the RO-Crate: " + actions);
        assertEquals(BUDGET, actions.size(), "evaluations in the RO-Crate: " + actions);
        Map<Integer, List<String>> taskIds = new TreeMap<>();
        Map<Integer, List<String>> runUids = new TreeMap<>();
        for (Matcher m = CRATE_ID.matcher(crate); m.find();) {
            // the command step's handle is its task id: recorded for every attempt, also one whose task was LOST
            // (the taskId identifier comes only with a result)
            if (m.group(4).equals("handle") && m.group(2).equals("prescreen")) {
                taskIds.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(m.group(5));
            } else if (m.group(4).equals("runUid")) {
                runUids.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(m.group(5));
            }
        }
        Map<String, String> labRuns = new TreeMap<>();
        for (Matcher m = LAB_RUN.matcher(r.out()); m.find();) {
            assertTrue(labRuns.put(m.group(1), m.group(2)) == null, "lab run listed twice: " + m.group(1));
        }
        Map<String, String> tasks = new TreeMap<>();
        for (Matcher m = TASK.matcher(r.out()); m.find();) {
            assertTrue(tasks.put(m.group(1), m.group(3)) == null, "task listed twice: " + m.group(1));
        }
        return new Outcome(r.out(), points, taskIds, runUids, labRuns, tasks);
    }

    /** The campaign: a scheduler task (sleeps, prints a JSON value computed from the point), then a lab run. */
    static Path campaignFile(Path dir) throws IOException {
        Path script = Files.writeString(dir.resolve("prescreen.sh"), "sleep " + SLEEP + "\n"
                + "awk -v a=\"$1\" -v b=\"$2\" -v t=\"$3\" 'BEGIN { printf \"{\\\"energy\\\": %.6f}\\n\", (a-0.3)^2 + (b-0.5)^2 + (t-350)^2/10000 }'\n");
        return Files.writeString(dir.resolve("crash.yaml"), "name: crash\n"
                + "seed: " + SEED + "\n"
                + "parameters:\n"
                + "  - {name: ratio_a, type: continuous, min: 0, max: 1}\n"
                + "  - {name: ratio_b, type: continuous, min: 0, max: 1}\n"
                + "  - {name: temperature, type: continuous, min: 280, max: 420, unit: K}\n"
                + "constraints: ['ratio_a + ratio_b <= 1']\n"
                + "objectives: [{name: yield, goal: maximise}]\n"
                + "budget: {evaluations: " + BUDGET + "}\n"
                + "batchSize: 3\n"
                + "proposer: {kind: sobol}\n"
                + "pipeline:\n"
                + "  - name: prescreen\n"
                + "    evaluator: command\n"
                + "    options: {command: [sh, '" + script + "', '{ratio_a}', '{ratio_b}', '{temperature}'], walltime: 120}\n"
                + "  - name: measure\n"
                + "    evaluator: lab\n"
                + "    options:\n"
                + "      set: {robot1.ratio_a: ratio_a, robot1.ratio_b: ratio_b, robot1.temperature: temperature}\n"
                + "      trigger: [robot1, spec1]\n"
                + "      objective: {yield: spec1.yield}\n"
                + "      settle: 1\n");
    }

    /** Sends one line to the prompt and returns what it printed before the next prompt. */
    static String ask(OutputStream in, ByteArrayOutputStream out, String line) throws IOException, InterruptedException {
        int before;
        synchronized (out) {
            before = out.size();
        }
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            String fresh;
            synchronized (out) {
                String now = out.toString(StandardCharsets.UTF_8);
                fresh = now.substring(Math.min(before, now.length()));
            }
            int prompt = fresh.lastIndexOf("g! ");
            if (prompt >= 0 && fresh.substring(prompt + 3).isBlank() && prompt > 0) {
                return fresh.substring(0, prompt);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no prompt after '" + line + "':\n" + out.toString(StandardCharsets.UTF_8));
    }
}
