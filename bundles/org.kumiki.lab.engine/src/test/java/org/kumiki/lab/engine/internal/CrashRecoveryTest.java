package org.kumiki.lab.engine.internal;

import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.eventmodel.SchemaCheck;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;

/** kill -9 of the JVM in the middle of a run, then a restart on the same state. */
class CrashRecoveryTest {

    @Test
    void documentsUpToTheLastCheckpointSurviveAndTheRunIsMarkedIncomplete(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("lab");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), state.toString())
                .redirectErrorStream(true).start();
        // a child that hangs without output must not hang the build: kill it after 3 minutes
        CompletableFuture.delayedExecutor(180, TimeUnit.SECONDS).execute(child::destroyForcibly);
        long durable = -1;
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null;) {
                if (out.length() < 10_000) out.append(line).append('\n');
                if (line.startsWith("DURABLE ")) {
                    durable = Long.parseLong(line.substring(8).trim());
                    if (durable >= 1000) break;
                }
            }
            assertTrue(durable >= 1000, "child did not reach 1000 documents:\n" + out);
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        try (Harness h = new Harness(state)) {
            List<RunSummaryDTO> runs = h.engine.runs();
            assertEquals(1, runs.size());
            RunSummaryDTO r = runs.get(0);
            assertEquals(RunStatus.INCOMPLETE, r.status, r.reason);
            List<DocumentDTO> docs = h.engine.documents(r.uid);
            assertTrue(docs.size() >= durable, docs.size() + " documents on disk, " + durable + " were durable");
            assertEquals("start", docs.get(0).name);
            assertEquals("descriptor", docs.get(1).name);
            assertTrue(docs.stream().noneMatch(d -> d.name.equals("stop")));
            long seq = 0;
            for (DocumentDTO d : docs) {
                assertTrue(SchemaCheck.check(d.name, d.doc).isEmpty(), d.name + " " + SchemaCheck.check(d.name, d.doc));
                if (d.name.equals("event")) assertEquals(++seq, ((Number) d.doc.get("seq_num")).longValue(), "no gap");
            }
            assertEquals(docs.size() - 2, seq);
            // the engine works on: a new run gets the next scan id
            RunSummaryDTO next = RunEngineTest.run(h, h.plans.count(List.of("det1"), 2, 0, null));
            assertEquals(RunStatus.SUCCESS, next.status);
            assertEquals(r.scanId + 1, next.scanId);
        }
        // a second restart keeps the mark
        try (Harness h = new Harness(state)) {
            assertTrue(h.engine.runs().stream().anyMatch(x -> x.status == RunStatus.INCOMPLETE));
        }
    }
}
