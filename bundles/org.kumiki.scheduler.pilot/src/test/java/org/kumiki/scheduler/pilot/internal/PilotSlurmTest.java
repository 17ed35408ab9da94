package org.kumiki.scheduler.pilot.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.pilot.protocol.Frames;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pilots on the real Slurm that {@code scripts/services/slurm.sh start} brings up, with the real
 * worker distribution jar. Skipped without them, unless {@code KUMIKI_REQUIRE_SLURM=1}.
 */
class PilotSlurmTest {

    @TempDir
    Path tmp;

    String jar;
    final List<Harness> harnesses = new ArrayList<>();

    @BeforeEach
    void up() {
        jar = Harness.requirements();
    }

    @AfterEach
    void down() {
        for (Harness h : harnesses) {
            for (PilotManager.PilotInfo p : h.pilots.pilots()) {
                if (!"ENDED".equals(p.state)) h.pilots.stopPilot(p.id);
            }
            h.close();
        }
    }

    Harness harness() throws Exception {
        Harness h = new Harness(tmp.resolve("state"), jar, 500, 30_000);
        harnesses.add(h);
        return h;
    }

    static PilotManager.StartOptions options(int slots) {
        PilotManager.StartOptions o = new PilotManager.StartOptions();
        o.backend = "slurm";
        o.nodes = 1;
        o.walltimeSeconds = 600;
        o.workersPerNode = 1;
        o.slots = slots;
        return o;
    }

    String running(Harness h, int slots) throws Exception {
        String id = h.pilots.startPilot(options(slots)).id;
        Harness.waitFor("pilot " + id + " to connect", 180, () -> h.pilot(id).workersConnected == 1);
        return id;
    }

    List<String> submit(Harness h, int n, long ms, Path sideEffects, int retries) {
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TaskSpec s = TaskSpec.function("noop-" + i, "kumiki.noop", "{\"ms\":" + ms + ",\"appendTo\":\"" + sideEffects + "\"}");
            s.backend = PilotManager.BACKEND;
            s.retries = retries;
            specs.add(s);
        }
        List<String> ids = new ArrayList<>();
        for (TaskRecordDTO r : h.scheduler.submitAll(specs)) ids.add(r.id);
        return ids;
    }

    static Map<String, Integer> lines(Path file) throws IOException {
        Map<String, Integer> m = new HashMap<>();
        if (!Files.exists(file)) return m;
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) if (!l.isBlank()) m.merge(l.strip(), 1, Integer::sum);
        return m;
    }

    static long count(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    List<TaskRecordDTO> awaitAll(Harness h, List<String> ids) throws Exception {
        List<TaskRecordDTO> out = new ArrayList<>();
        for (String id : ids) out.add(h.scheduler.await(id).toCompletableFuture().get(300, TimeUnit.SECONDS));
        return out;
    }

    /**
     * Two workers per node: the pilot is one Slurm job of 2 tasks whose srun --ntasks-per-node=2
     * starts both workers; two nodes on this one-node Slurm are refused by the partition check.
     */
    @Test
    void twoWorkersPerNodeAreSlurmTasksAndTwoNodesAreRefusedInOneLine() throws Exception {
        Harness h = harness();
        PilotManager.StartOptions o = options(4);
        o.workersPerNode = 2;
        String id = h.pilots.startPilot(o).id;
        Harness.waitFor("both workers of " + id + " to connect", 180, () -> h.pilot(id).workersConnected == 2);
        TaskRecordDTO task = h.scheduler.get(h.pilot(id).taskId).orElseThrow();
        assertEquals("srun", task.spec.command.get(0));
        assertEquals(2, task.spec.resources.tasks);
        assertEquals(1, task.spec.resources.nodes);
        List<String> homes;
        try (var s = Files.list(tmp.resolve("state/pilot").resolve(id).resolve("workers"))) {
            homes = s.map(f -> f.getFileName().toString().replaceAll(".*-", "")).sorted().toList();
        }
        assertEquals(List.of("1", "2"), homes, "one worker per Slurm task, named by SLURM_LOCALID");
        Path effects = tmp.resolve("effects.txt");
        for (TaskRecordDTO r : awaitAll(h, submit(h, 40, 20, effects, 0))) assertEquals(TaskState.COMPLETED, r.state, r.id + ": " + r.reason);
        assertEquals(40, count(effects));

        PilotManager.StartOptions two = options(4);
        two.nodes = 2;
        String why = assertThrows(IllegalArgumentException.class, () -> h.pilots.startPilot(two)).getMessage();
        assertTrue(why.matches("the slurm backend rejected the pilot: asks for 2 nodes; partition '[^']+' has 1"), why);
    }

    @Test
    void thousandTasksSurviveScancelOfOnePilot() throws Exception {
        Harness h = harness();
        String a = running(h, 8);
        String b = running(h, 8);
        Path effects = tmp.resolve("effects.txt");
        List<String> ids = submit(h, 1000, 50, effects, 3);
        Harness.waitFor("100 tasks done", 300, () -> count(effects) >= 100);
        String job = h.pilot(a).backendJobId;
        assertNotNull(job, "the pilot's Slurm job id");
        Process p = new ProcessBuilder("scancel", job).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), "scancel " + job);

        List<TaskRecordDTO> records = awaitAll(h, ids);
        Map<String, Integer> ran = lines(effects);
        int retried = 0;
        for (TaskRecordDTO r : records) {
            assertEquals(TaskState.COMPLETED, r.state, r.id + ": " + r.reason);
            int n = ran.getOrDefault(r.id, 0);
            assertTrue(n >= 1, r.id + " completed without running");
            if (r.attempt == 1) assertEquals(1, n, r.id + " ran " + n + " times in one attempt");
            else {
                retried++;
                assertTrue(n <= r.attempt, r.id + " ran " + n + " times in " + r.attempt + " attempts");
            }
        }
        assertTrue(retried >= 1, "the scancel of " + a + " left no LOST task to retry");
        assertEquals("ENDED", h.pilot(a).state);
        assertEquals("RUNNING", h.pilot(b).state);
        assertTrue(h.pilot(b).done > h.pilot(a).done, "the surviving pilot ran the rest");
    }

    @Test
    void restartReattachesToLivePilotAndNothingRunsTwice() throws Exception {
        Harness first = harness();
        String id = running(first, 4);
        Path effects = tmp.resolve("effects.txt");
        List<String> ids = submit(first, 100, 100, effects, 0);
        Harness.waitFor("20 tasks done", 300, () -> count(effects) >= 20);
        first.close(); // the container stops; the pilot's job and worker go on
        harnesses.remove(first);
        Thread.sleep(700); // the worker finishes what it holds while nobody listens
        Harness second = harness();
        assertEquals("RECONNECTING", second.pilot(id).state, "the restarted container knows the live pilot");
        Harness.waitFor("reconnect", 120, () -> second.pilot(id).workersConnected == 1);
        List<TaskRecordDTO> records = awaitAll(second, ids);
        Map<String, Integer> ran = lines(effects);
        for (TaskRecordDTO r : records) {
            assertEquals(TaskState.COMPLETED, r.state, r.id + ": " + r.reason);
            assertEquals(1, r.attempt, r.id + " was retried: " + r.reason);
            assertEquals(1, ran.getOrDefault(r.id, 0), r.id + " ran " + ran.get(r.id) + " times");
        }
        assertEquals("RUNNING", second.pilot(id).state);
        String table = new PilotCommands(second.pilots).pilots();
        assertTrue(table.contains(id) && table.contains("RUNNING") && table.contains("1/1"), table);

        // a client without the secret is refused with one line; a hostile frame closes the connection
        int port = Integer.parseInt(Files.readString(tmp.resolve("state/pilot/port")).trim());
        try (Socket s = new Socket("127.0.0.1", port)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            ObjectNode challenge = Frames.read(in);
            Frames.write(out, Frames.MAPPER.createObjectNode().put("t", "hello").put("pilot", id).put("worker", "intruder")
                    .put("mac", Frames.hmac("not the secret at all".getBytes(StandardCharsets.UTF_8), challenge.path("nonce").asText())));
            ObjectNode answer = Frames.read(in);
            assertEquals("reject", answer.path("t").asText());
            assertEquals("wrong secret", answer.path("reason").asText());
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            Frames.read(in);
            new DataOutputStream(s.getOutputStream()).writeInt(Integer.MAX_VALUE);
            assertEquals(-1, in.read(), "the container closes a connection that announces an oversized frame");
        }
        assertEquals(1, second.pilot(id).workersConnected, "the real worker is still the only one");
        second.pilots.stopPilot(id);
        assertEquals("ENDED", second.pilot(id).state);
    }
}
