package org.kumiki.campaign.lab.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.OptionProblem;
import org.kumiki.lab.api.RunStatus;

class LabEvaluatorTest {

    @TempDir
    Path dir;

    static Map<String, Object> options() {
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("robot1.ratio_a", "ratio_a");
        set.put("robot1.ratio_b", "ratio_b");
        set.put("robot1.temperature", "temperature");
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("set", set);
        o.put("trigger", List.of("robot1", "spec1"));
        o.put("objective", Map.of("yield", "spec1.yield"));
        return o;
    }

    static EvaluationRequest request(int index, double a, double b, double t) {
        EvaluationRequest r = new EvaluationRequest();
        r.campaignId = "synthesis-1";
        r.evaluationId = "synthesis-1-" + index;
        r.stepName = "measure";
        r.attempt = 1;
        r.point.put("ratio_a", a);
        r.point.put("ratio_b", b);
        r.point.put("temperature", t);
        r.options.putAll(options());
        return r;
    }

    static CampaignDefinition definition() {
        CampaignDefinition d = new CampaignDefinition();
        for (String n : List.of("ratio_a", "ratio_b", "temperature")) {
            ParameterDTO p = new ParameterDTO();
            p.name = n;
            p.type = ParameterType.CONTINUOUS;
            d.parameters.add(p);
        }
        return d;
    }

    static EvaluationResult await(LabEvaluator ev, String handle) throws Exception {
        return ev.result(handle).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void aPointIsOneRunAndTheObjectiveComesFromItsEventDocument() throws Exception {
        FakeRunEngine lab = new FakeRunEngine();
        LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
        try {
            String h = ev.start(request(0, 0.45, 0.30, 345));
            EvaluationResult r = await(ev, h);
            assertEquals(0.92, r.values.get("yield"), 1e-12);
            assertEquals("run-1", r.provenance.get("runUid"));
            assertEquals("run-1", r.dataRefs.get(0));
            Path file = Path.of(URI.create(r.dataRefs.get(1)));
            assertTrue(Files.isRegularFile(file), file.toString());
            assertTrue(file.startsWith(dir.resolve("synthesis-1")), file.toString());
            String docs = Files.readString(file);
            assertTrue(docs.contains("\"spec1_yield\"") && docs.contains("\"campaign_evaluation\" : \"synthesis-1-0\""), docs);
        } finally {
            ev.close();
        }
    }

    @Test
    void aBatchRunsOneRunAtATimeInOrder() throws Exception {
        FakeRunEngine lab = new FakeRunEngine();
        LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
        try {
            List<String> handles = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                handles.add(ev.start(request(i, 0.1 * (i + 1), 0.2, 330)));
            }
            for (int i = 0; i < 4; i++) {
                EvaluationResult r = await(ev, handles.get(i));
                assertEquals(FakeRunEngine.yield(0.1 * (i + 1), 0.2, 330), r.values.get("yield"), 1e-12);
            }
            assertEquals(4, lab.submitted.get());
            assertEquals(1, lab.maxActive.get(), "the engine runs one plan at a time");
            assertEquals(List.of("run-1", "run-2", "run-3", "run-4"), lab.order);
        } finally {
            ev.close();
        }
    }

    @Test
    void aRunAbortedInThisLifeFailsTheAttemptWithOneLine() throws Exception {
        FakeRunEngine lab = new FakeRunEngine();
        lab.abortNext = true;
        LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
        try {
            String h = ev.start(request(0, 0.4, 0.3, 340));
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(ev, h));
            assertEquals("run run-1 ended abort: aborted by the test", e.getCause().getMessage());
            // asked again (in this life), the same outcome and no new run
            e = assertThrows(ExecutionException.class, () -> await(ev, h));
            assertEquals("run run-1 ended abort: aborted by the test", e.getCause().getMessage());
            assertEquals(1, lab.submitted.get());
        } finally {
            ev.close();
        }
    }

    /** Writes the record an earlier life left: the request and the uid of the run it opened. */
    private String earlierLife(String uid) throws Exception {
        FakeRunEngine before = new FakeRunEngine();
        LabEvaluator ev = new LabEvaluator(before.engine(), dir);
        String h;
        try {
            h = ev.start(request(0, 0.45, 0.30, 345));
            await(ev, h);
        } finally {
            ev.close();
        }
        // the record names the run of that life: make it the given uid
        Path rec = dir.resolve("handles").resolve(h + ".json");
        Files.writeString(rec, Files.readString(rec).replace("\"run-1\"", "\"" + uid + "\""));
        return h;
    }

    @Test
    void afterARestartACompletedRunIsReadBackWithoutANewRun() throws Exception {
        String h = earlierLife("run-old");
        FakeRunEngine lab = new FakeRunEngine();
        lab.store("run-old", "success", 0.5);
        LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
        try {
            EvaluationResult r = await(ev, h);
            assertEquals(0.5, r.values.get("yield"));
            assertEquals("run-old", r.provenance.get("runUid"));
            assertEquals(0, lab.submitted.get(), "no new run");
        } finally {
            ev.close();
        }
    }

    @Test
    void afterARestartAnIncompleteOrAbortedRunIsRedone() throws Exception {
        for (String status : List.of("incomplete", "abort")) {
            String h = earlierLife("run-old");
            FakeRunEngine lab = new FakeRunEngine();
            lab.store("run-old", status, null);
            LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
            try {
                EvaluationResult r = await(ev, h);
                assertEquals(0.92, r.values.get("yield"), 1e-12, status);
                assertEquals(1, lab.submitted.get(), status + ": one new run");
                assertEquals("run-1", r.provenance.get("runUid"));
                String rec = Files.readString(dir.resolve("handles").resolve(h + ".json"));
                assertTrue(rec.contains("[\"run-old\",\"run-1\"]"), rec);
            } finally {
                ev.close();
            }
        }
    }

    @Test
    void afterARestartARunStillRunningIsWaitedForAndReadBack() throws Exception {
        String h = earlierLife("run-old");
        FakeRunEngine lab = new FakeRunEngine();
        lab.store("run-old", "running", 0.7);
        LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
        try {
            java.util.concurrent.CompletableFuture<EvaluationResult> r = ev.result(h).toCompletableFuture();
            Thread.sleep(200);
            assertTrue(!r.isDone(), "waits while the run runs");
            lab.runs.get("run-old").status = RunStatus.SUCCESS;
            assertEquals(0.7, r.get(30, TimeUnit.SECONDS).values.get("yield"));
            assertEquals(0, lab.submitted.get(), "no new run");
        } finally {
            ev.close();
        }
    }

    @Test
    void anUnknownHandleFailsWithOneLine() {
        FakeRunEngine lab = new FakeRunEngine();
        LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
        try {
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(ev, "lab-nope-1"));
            assertEquals("unknown lab evaluation handle 'lab-nope-1'", e.getCause().getMessage());
            e = assertThrows(ExecutionException.class, () -> await(ev, "../../etc/passwd"));
            assertEquals("unknown lab evaluation handle '../../etc/passwd'", e.getCause().getMessage());
        } finally {
            ev.close();
        }
    }

    static String problems(List<OptionProblem> ps) {
        return ps.stream().map(OptionProblem::toString).collect(Collectors.joining("\n"));
    }

    @Test
    void optionsNamingUnknownDevicesFieldsOrParametersAreOneLineEach() {
        FakeRunEngine lab = new FakeRunEngine();
        LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
        try {
            StepDTO ok = new StepDTO();
            ok.name = "measure";
            ok.evaluator = "lab";
            ok.options.putAll(options());
            assertEquals("", problems(ev.validate(definition(), ok)));

            StepDTO bad = new StepDTO();
            bad.name = "measure";
            bad.options.put("set", Map.of("robot9.ratio_a", "ratio_a"));
            bad.options.put("objective", Map.of("yield", "spec1.yield"));
            bad.options.put("trigger", List.of("spec1"));
            assertEquals("set.robot9.ratio_a: set: unknown device 'robot9' (known: robot1, spec1)", problems(ev.validate(definition(), bad)));

            bad.options.put("set", Map.of("robot1.ratio_x", "ratio_a"));
            assertEquals("set.robot1.ratio_x: set: device 'robot1' has no field 'ratio_x' (fields: ratio_a, ratio_b, temperature)",
                    problems(ev.validate(definition(), bad)));

            bad.options.put("set", Map.of("robot1.ratio_a", "ratio_z"));
            assertEquals("set.robot1.ratio_a: set 'robot1.ratio_a': 'ratio_z' is not a parameter of the campaign (parameters: ratio_a, ratio_b, temperature)",
                    problems(ev.validate(definition(), bad)));

            bad.options.put("set", Map.of("spec1", "ratio_a"));
            assertEquals("set.spec1: set: device 'spec1' cannot be set (it is [readable, triggerable])", problems(ev.validate(definition(), bad)));

            bad.options.put("set", Map.of("robot1.ratio_a", "ratio_a"));
            bad.options.put("objective", Map.of("yield", "spec1.colour"));
            assertEquals("objective.yield: objective 'yield': device 'spec1' has no reading 'spec1.colour' (readings: peak_nm, yield)",
                    problems(ev.validate(definition(), bad)));

            bad.options.put("objective", Map.of("yield", "spec1.yield"));
            bad.options.put("trigger", List.of("robot1"));
            assertEquals("objective.yield: objective 'yield': device 'spec1' is not in 'trigger', so it is not read", problems(ev.validate(definition(), bad)));

            bad.options.clear();
            bad.options.put("sett", 1);
            bad.options.put("timeout", -1);
            assertEquals("sett: unknown option 'sett' (known: metadata, objective, set, settle, timeout, trigger)\n"
                    + "'set' must be an object of device or device.field to a parameter name or a number\n"
                    + "'objective' must be an object of objective name to a reading (device.field)\n"
                    + "timeout: 'timeout' must be a number of seconds in [0, 604800]", problems(ev.validate(definition(), bad)));
        } finally {
            ev.close();
        }
    }

    @Test
    void startRefusesBadOptionsWithOneLine() {
        FakeRunEngine lab = new FakeRunEngine();
        LabEvaluator ev = new LabEvaluator(lab.engine(), dir);
        try {
            EvaluationRequest r = request(0, 0.1, 0.1, 300);
            r.options.remove("objective");
            Exception e = assertThrows(IllegalArgumentException.class, () -> ev.start(r));
            assertEquals("lab step 'measure': 'objective' must be an object of objective name to a reading (device.field)", e.getMessage());
            EvaluationRequest r2 = request(0, 0.1, 0.1, 300);
            r2.point.remove("temperature");
            e = assertThrows(IllegalArgumentException.class, () -> ev.start(r2));
            assertEquals("the point has no parameter 'temperature'", e.getMessage());
            assertEquals(0, lab.submitted.get());
        } finally {
            ev.close();
        }
    }
}
