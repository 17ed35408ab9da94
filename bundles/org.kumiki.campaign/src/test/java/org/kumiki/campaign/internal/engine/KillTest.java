package org.kumiki.campaign.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.internal.propose.BuiltInProposers;
import org.kumiki.platform.internal.JournalFactoryComponent;

import com.fasterxml.jackson.databind.ObjectMapper;

/** kill -9 of a JVM running a campaign with evaluations in flight, then a new JVM over the same journal. */
class KillTest {
    @TempDir
    Path dir;

    private final ObjectMapper json = new ObjectMapper();

    private Process child(String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CampaignChild.class.getName(), mode, dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child-" + mode + ".log").toFile()).start();
    }

    private List<Path> requests() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("work"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("req-")).sorted().collect(Collectors.toList());
        }
    }

    /** The "lab": answers a request with the sphere function of its point. */
    private void answer(Path request) throws IOException {
        String handle = request.getFileName().toString().replaceAll("^req-|\\.json$", "");
        Path res = dir.resolve("work").resolve("res-" + handle + ".json");
        if (Files.exists(res)) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> p = json.readValue(request.toFile(), Map.class);
        double x = ((Number) p.get("x")).doubleValue();
        double y = ((Number) p.get("y")).doubleValue();
        Path tmp = dir.resolve("work").resolve("tmp-res-" + handle);
        Files.writeString(tmp, json.writeValueAsString(Map.of("f", x * x + y * y)));
        Files.move(tmp, res);
    }

    private static void await(String what, Process p, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!condition.call()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            assertTrue(p.isAlive() || condition.call(), "the child died waiting for " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void killNineWithEvaluationsInFlightThenRestartEndsWithTheBudgetAndNothingRepeated() throws Exception {
        Files.createDirectories(dir.resolve("work"));
        Process first = child("start");
        try {
            // answer five, then kill -9 while the next batch of three waits for answers
            for (int answered = 0; answered < 5; ) {
                int target = answered + 1;
                await("request " + target, first, () -> requests().size() >= target);
                answer(requests().get(answered));
                answered++;
            }
            await("a batch of three in flight", first, () -> requests().size() == 8);
            await("their handles recorded", first, () -> Files.exists(dir.resolve("recorded"))
                    && "3".equals(Files.readString(dir.resolve("recorded"))));
            // the journal flush follows each record at once; leave it that instant
            Thread.sleep(300);
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no close
            first.waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(!Files.exists(dir.resolve("ended")));
        int beforeRestart = requests().size();
        // the lab finishes one evaluation while nothing runs the campaign
        answer(requests().get(5));

        Process second = child("resume");
        try {
            await("the campaign to end", second, () -> {
                for (Path r : requests()) {
                    answer(r);
                }
                return Files.exists(dir.resolve("ended"));
            });
            assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        } finally {
            second.destroyForcibly();
        }
        assertEquals("COMPLETED", Files.readString(dir.resolve("ended")));
        assertEquals(8, beforeRestart);
        List<Path> all = requests();
        assertEquals(12, all.size(), "one request per evaluation, none started twice: " + all);
        assertTrue(all.stream().allMatch(p -> p.getFileName().toString().contains("_a1_")), all.toString());

        try (CampaignEngine reader = new CampaignEngine(JournalFactoryComponent.withInterval(5), dir.resolve("journal"), k -> null,
                BuiltInProposers::get, new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(org.kumiki.campaign.api.dto.CampaignStatusDTO status) {
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO evaluation) {
                    }
                }, System::currentTimeMillis)) {
            assertEquals(CampaignState.COMPLETED, reader.status("t-1").orElseThrow().state);
            List<EvaluationDTO> evs = reader.evaluations("t-1");
            assertEquals(12, evs.size());
            for (EvaluationDTO e : evs) {
                assertEquals(EvaluationState.COMPLETED, e.state, e.id);
                double x = ((Number) e.point.get("x")).doubleValue();
                double y = ((Number) e.point.get("y")).doubleValue();
                assertEquals(x * x + y * y, e.objectives.get("f"), 1e-12);
            }
        }
        assertTrue(new File(dir.toFile(), "child-resume.log").exists());
    }
}
