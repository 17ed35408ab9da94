package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ProvenanceDTO;
import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Movable;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.LimitsDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The {@code lab} evaluator on the real run engine and simulated bench (robot1, spec1), and the
 * {@code archive} step on the real TransferService with the file endpoint.
 */
class LabArchiveIT {

    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path dir;

    static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    static String labStep(String extraSet) {
        return "  - name: measure\n"
                + "    evaluator: lab\n"
                + "    options:\n"
                + "      set: {robot1.ratio_a: ratio_a, robot1.ratio_b: ratio_b, robot1.temperature: temperature" + extraSet + "}\n"
                + "      trigger: [robot1, spec1]\n"
                + "      objective: {yield: spec1.yield}\n";
    }

    static final String SPACE = "parameters:\n"
            + "  - {name: ratio_a, type: continuous, min: 0, max: 1}\n"
            + "  - {name: ratio_b, type: continuous, min: 0, max: 1}\n"
            + "  - {name: temperature, type: continuous, min: 280, max: 420, unit: K}\n"
            + "constraints: ['ratio_a + ratio_b <= 1']\n"
            + "objectives: [{name: yield, goal: maximise}]\n";

    @Test
    void aBayesianCampaignOnTheSynthesisRobotFindsTheYieldAndArchivesEveryRun(@InjectService CampaignService campaigns,
            @InjectService RunEngine lab) throws Exception {
        Path archive = dir.resolve("archive");
        Path file = dir.resolve("synthesis.yaml");
        Files.writeString(file, "name: lab-synthesis\nseed: 11\n" + SPACE
                + "budget: {evaluations: 30}\n"
                + "batchSize: 2\n"
                + "proposer: {kind: bayesian, initialPoints: 8}\n"
                + "pipeline:\n" + labStep("")
                + "  - name: archive\n"
                + "    evaluator: archive\n"
                + "    options: {to: 'file://" + archive + "/{campaign}/{evaluation}/'}\n");
        CampaignStatusDTO started = campaigns.start(file);
        CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, started.id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(30, end.done);
        assertEquals(0, end.failed);
        List<EvaluationDTO> evs = campaigns.evaluations(started.id);
        double best = evs.stream().mapToDouble(e -> e.objectives.get("yield")).max().orElseThrow();
        System.out.println("lab campaign " + started.id + ": best yield " + best + " of 0.92 in 30 evaluations");
        assertTrue(best > 0.85, "best yield " + best + " (optimum 0.92)");
        for (EvaluationDTO e : evs) {
            String uid = e.dataRefs.get(0);
            RunSummaryDTO run = lab.runs().stream().filter(r -> uid.equals(r.uid)).findFirst().orElseThrow(() -> new AssertionError("run " + uid));
            assertEquals(RunStatus.SUCCESS, run.status);
            // the documents exported by the lab step, then their archived copy with its checksum
            Path exported = Path.of(URI.create(e.dataRefs.get(1)));
            Path archived = archive.resolve(started.id).resolve(e.id).resolve(exported.getFileName().toString());
            assertTrue(Files.isRegularFile(archived), archived.toString());
            assertEquals(Files.readString(exported), Files.readString(archived));
            assertTrue(e.dataRefs.contains(archived.toUri().toString()) || e.dataRefs.stream().anyMatch(r -> r.endsWith(e.id + "/" + exported.getFileName())),
                    e.dataRefs.toString());
            ProvenanceDTO p = e.provenance.stream().filter(x -> "archive".equals(x.stepName)).reduce((a, b) -> b).orElseThrow();
            assertTrue(p.ids.get("transferId").startsWith("xfer-"), p.ids.toString());
            assertEquals(sha256(archived), p.ids.get("sha256"));
            ProvenanceDTO m = e.provenance.stream().filter(x -> "measure".equals(x.stepName)).reduce((a, b) -> b).orElseThrow();
            assertEquals(uid, m.ids.get("runUid"));
        }
    }

    /** A movable whose first move never arrives until it is stopped: a run that is in flight for as long as the test wants. */
    static final class Gate implements Movable, Stoppable {
        final CountDownLatch moving = new CountDownLatch(1);
        private CompletableFuture<Void> first;

        @Override
        public String name() {
            return "gate";
        }

        @Override
        public synchronized CompletionStage<Void> set(Object value) {
            if (first == null) {
                first = new CompletableFuture<>();
                moving.countDown();
                return first;
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized void stop() {
            if (first != null) {
                first.completeExceptionally(new DeviceException("gate: stopped"));
            }
        }

        @Override
        public LimitsDTO limits() {
            return null;
        }

        @Override
        public Map<String, ReadingDTO> read() {
            return Map.of("gate", ReadingDTO.of(0.0, System.currentTimeMillis() / 1000.0));
        }

        @Override
        public Map<String, DataKeyDTO> describe() {
            return Map.of("gate", DataKeyDTO.number("TEST:gate", null, "gate"));
        }
    }

    @Test
    void aLabRunAbortedMidwayIsRedoneAsANewRun(@InjectService CampaignService campaigns, @InjectService RunEngine lab) throws Exception {
        Gate gate = new Gate();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(LabConstants.DEVICE_NAME, "gate");
        props.put(LabConstants.DEVICE_CAPABILITIES, new String[] {"readable", "movable", "stoppable"});
        ServiceRegistration<?> reg = context.registerService(new String[] {Device.class.getName(), Readable.class.getName(),
                Movable.class.getName(), Stoppable.class.getName()}, gate, props);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lab.devices().stream().noneMatch(d -> "gate".equals(d.name))) {
                assertTrue(System.nanoTime() < deadline, "the run engine sees the gate");
                Thread.sleep(10);
            }
            Path file = dir.resolve("abort.yaml");
            Files.writeString(file, "name: lab-abort\n" + SPACE
                    + "budget: {evaluations: 1}\n"
                    + "proposer: {kind: sobol}\n"
                    + "retry: {maxAttempts: 2}\n"
                    + "pipeline:\n" + labStep(", gate: ratio_a"));
            String id = campaigns.start(file).id;
            assertTrue(gate.moving.await(60, TimeUnit.SECONDS), "the first run moves the gate");
            String aborted = lab.currentRun().orElseThrow();
            lab.abort("killed mid-way by the test");
            CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, id);
            assertEquals(CampaignState.COMPLETED, end.state, end.message);
            EvaluationDTO e = campaigns.evaluations(id).get(0);
            assertEquals(EvaluationState.COMPLETED, e.state);
            assertEquals(2, e.attempt, "the aborted run's attempt failed, the second one ran again");
            String redone = e.dataRefs.get(0);
            assertNotEquals(aborted, redone);
            Map<String, String> status = new LinkedHashMap<>();
            lab.runs().forEach(r -> status.put(r.uid, r.status.exitStatus()));
            assertEquals("abort", status.get(aborted));
            assertEquals("success", status.get(redone));
        } finally {
            reg.unregister();
        }
    }

    static org.osgi.framework.Bundle bundle(BundleContext context, String symbolicName) {
        for (org.osgi.framework.Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    @Test
    void afterARestartARunAbortedWhileNobodyWatchedIsRedoneUnderTheSameHandle(@InjectService RunEngine lab) throws Exception {
        Gate gate = new Gate();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(LabConstants.DEVICE_NAME, "gate");
        props.put(LabConstants.DEVICE_CAPABILITIES, new String[] {"readable", "movable", "stoppable"});
        ServiceRegistration<?> reg = context.registerService(new String[] {Device.class.getName(), Readable.class.getName(),
                Movable.class.getName(), Stoppable.class.getName()}, gate, props);
        org.osgi.framework.Bundle engineBundle = bundle(context, "org.kumiki.campaign");
        org.osgi.framework.Bundle labBundle = bundle(context, "org.kumiki.campaign.lab");
        org.osgi.util.tracker.ServiceTracker<CampaignService, CampaignService> tracker =
                new org.osgi.util.tracker.ServiceTracker<>(context, CampaignService.class, null);
        tracker.open();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lab.devices().stream().noneMatch(d -> "gate".equals(d.name))) {
                assertTrue(System.nanoTime() < deadline, "the run engine sees the gate");
                Thread.sleep(10);
            }
            Path file = dir.resolve("restart.yaml");
            Files.writeString(file, "name: lab-restart\n" + SPACE
                    + "budget: {evaluations: 1}\n"
                    + "proposer: {kind: sobol}\n"
                    + "retry: {maxAttempts: 1}\n"
                    + "pipeline:\n" + labStep(", gate: ratio_a"));
            String id = tracker.waitForService(60_000).start(file).id;
            assertTrue(gate.moving.await(60, TimeUnit.SECONDS), "the first run moves the gate");
            String first = lab.currentRun().orElseThrow();
            // the campaign engine and the lab evaluator go away with the run in flight ...
            engineBundle.stop();
            labBundle.stop();
            // ... the run ends aborted while nobody watches, and both come back
            lab.abort("aborted while the campaign was down");
            labBundle.start();
            engineBundle.start();
            CampaignService campaigns = tracker.waitForService(60_000);
            CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, id);
            assertEquals(CampaignState.COMPLETED, end.state, end.message);
            EvaluationDTO e = campaigns.evaluations(id).get(0);
            assertEquals(EvaluationState.COMPLETED, e.state, e.error);
            assertEquals(1, e.attempt, "redone under the same handle, not by a retry");
            String redone = e.dataRefs.get(0);
            assertNotEquals(first, redone);
            Map<String, String> status = new LinkedHashMap<>();
            lab.runs().forEach(r -> status.put(r.uid, r.status.exitStatus()));
            assertEquals("abort", status.get(first));
            assertEquals("success", status.get(redone));
        } finally {
            tracker.close();
            if (engineBundle.getState() != org.osgi.framework.Bundle.ACTIVE) {
                engineBundle.start();
            }
            if (labBundle.getState() != org.osgi.framework.Bundle.ACTIVE) {
                labBundle.start();
            }
            reg.unregister();
        }
    }

    @Test
    void anUnknownDeviceOrFieldIsOneLineWithItsPositionAtStart(@InjectService CampaignService campaigns) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: lab-bad\n" + SPACE
                + "budget: {evaluations: 2}\n"
                + "pipeline:\n"
                + "  - name: measure\n"
                + "    evaluator: lab\n"
                + "    options:\n"
                + "      set:\n"
                + "        robot9.ratio_a: ratio_a\n"
                + "        robot1.ratio_x: ratio_b\n"
                + "      objective: {yield: spec1.yield}\n");
        CampaignException e = assertThrows(CampaignException.class, () -> campaigns.start(file));
        List<String> problems = e.problems();
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).matches(java.util.regex.Pattern.quote(file.toString())
                + ":14:25: step 'measure': set: unknown device 'robot9' \\(known: .*robot1.*spec1.*\\)"), problems.get(0));
        assertEquals(file + ":15:25: step 'measure': set: device 'robot1' has no field 'ratio_x' (fields: ratio_a, ratio_b, temperature)", problems.get(1));
        assertTrue(campaigns.list().stream().noneMatch(s -> "lab-bad".equals(s.name)));
    }

    @Test
    void aRefusedArchiveDestinationIsARecordedFailureOfOneLine(@InjectService CampaignService campaigns) throws Exception {
        Path blocker = dir.resolve("blocker");
        Files.writeString(blocker, "a file where the archive folder should be");
        Path file = dir.resolve("refused.yaml");
        Files.writeString(file, "name: lab-refused\n" + SPACE
                + "budget: {evaluations: 2}\n"
                + "proposer: {kind: sobol}\n"
                + "pipeline:\n" + labStep("")
                + "  - name: archive\n"
                + "    evaluator: archive\n"
                + "    options: {to: 'file://" + blocker + "/{evaluation}/'}\n");
        String id = campaigns.start(file).id;
        CampaignStatusDTO end = CampaignIT.awaitEnd(campaigns, id);
        assertEquals(CampaignState.COMPLETED, end.state, end.message);
        assertEquals(2, end.failed);
        for (EvaluationDTO e : campaigns.evaluations(id)) {
            assertEquals(EvaluationState.FAILED, e.state);
            assertEquals("archive", e.stepName);
            assertTrue(e.error.matches("(?s)[^\\n]*archive transfer xfer-\\S+ failed: [^\\n]+"), e.error);
        }
        assertTrue(Files.isRegularFile(blocker));
    }
}
