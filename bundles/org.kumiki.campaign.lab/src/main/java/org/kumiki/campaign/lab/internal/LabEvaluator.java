package org.kumiki.campaign.lab.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.OptionProblem;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Msg;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.platform.api.Installation;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The {@code lab} evaluator: each evaluation is one run of the {@link RunEngine} that sets
 * instruments to the point's parameters, waits until they arrived, triggers and reads the
 * devices in one event, and reads the objectives from that event document (see
 * {@link LabOptions} for the step options).
 *
 * <p>The engine runs one plan at a time, so evaluations are queued and run one after another
 * on one thread (a batch of 4 is 4 runs in a row). The handle ({@code lab-<evaluation>-<step>-<attempt>})
 * is recorded with the request in {@code <folder>/handles/} before {@link #start} returns, and
 * each run's uid is added when the run opens, so after a restart: a run that completed is read
 * back from its persisted documents (no new run), a run the engine marked {@code incomplete} or
 * {@code abort} is done again (a new run), one still running is waited for. In this life, a run
 * that ends {@code abort} or {@code fail} fails the evaluation (the campaign's retry policy then
 * starts a new attempt, a new run). Each run's documents are written to
 * {@code <folder>/<campaign>/<handle>-<run uid>.json}, whose {@code file:} URI is a data reference
 * (with the run uid) that an archive step can move.
 */
@Component(service = Evaluator.class, property = Evaluator.NAME + "=" + LabEvaluator.NAME, configurationPid = LabEvaluator.PID)
@Designate(ocd = LabEvaluator.Config.class)
public class LabEvaluator implements Evaluator {
    public static final String NAME = "lab";
    public static final String PID = "org.kumiki.campaign.lab";
    private static final Logger LOG = LoggerFactory.getLogger(LabEvaluator.class);
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");
    private static final Pattern HANDLE = Pattern.compile("lab-[A-Za-z0-9_.-]{1,240}");

    @ObjectClassDefinition(name = "Kumiki campaign lab evaluator", description = "Runs campaign points as lab RunEngine plans")
    public @interface Config {
        @AttributeDefinition(name = "State folder", description = "Handles and exported run documents; empty means state/campaign/lab under the installation home")
        String state_dir() default "";
    }

    /** What is written per handle: the request and the uids of its runs, oldest first. */
    public static class HandleRecord {
        public String handle;
        public EvaluationRequest request;
        public List<String> runs = new ArrayList<>();
    }

    private final class Job {
        final HandleRecord record;
        final LabOptions options;
        final CompletableFuture<EvaluationResult> result = new CompletableFuture<>();
        volatile boolean cancelled;
        volatile String runUid;

        Job(HandleRecord record, LabOptions options) {
            this.record = record;
            this.options = options;
        }
    }

    private final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    private final RunEngine engine;
    private final Path folder;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    /** Outcomes of the evaluations that ended in this life (the latest 4096), so a later result() gives the same. */
    private final Map<String, CompletableFuture<EvaluationResult>> ended = java.util.Collections.synchronizedMap(
            new LinkedHashMap<String, CompletableFuture<EvaluationResult>>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<EvaluationResult>> eldest) {
                    return size() > 4096;
                }
            });
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean closed;

    @Activate
    public LabEvaluator(@Reference RunEngine engine, @Reference Installation installation, Config config) {
        this(engine, config.state_dir().isBlank() ? installation.stateDirectory("campaign").resolve("lab") : Path.of(config.state_dir()));
    }

    public LabEvaluator(RunEngine engine, Path folder) {
        this.engine = engine;
        this.folder = folder;
        this.worker = new Thread(this::work, "kumiki-campaign-lab");
        worker.setDaemon(true);
        worker.start();
    }

    @Deactivate
    public void close() {
        closed = true;
        worker.interrupt();
        // Pending results stay incomplete: the campaign engine re-attaches by handle next time.
    }

    // ---- options -----------------------------------------------------------------------------

    @Override
    public List<OptionProblem> validate(CampaignDefinition definition, StepDTO step) {
        LabOptions o = LabOptions.parse(step.options);
        List<OptionProblem> problems = new ArrayList<>(o.problems);
        Set<String> parameters = new TreeSet<>();
        if (definition != null && definition.parameters != null) {
            for (ParameterDTO p : definition.parameters) {
                if (p != null && p.name != null) {
                    parameters.add(p.name);
                }
            }
        }
        Map<String, DeviceDTO> devices = new LinkedHashMap<>();
        for (DeviceDTO d : engine.devices()) {
            devices.put(d.name, d);
        }
        String known = devices.isEmpty() ? "none registered" : String.join(", ", new TreeSet<>(devices.keySet()));
        Map<String, Set<String>> fields = new ConcurrentHashMap<>();
        for (Map.Entry<String, String[]> use : o.parameterUses().entrySet()) {
            String name = use.getValue()[0];
            if (!parameters.contains(name)) {
                problems.add(OptionProblem.of("set '" + use.getKey() + "': '" + name + "' is not a parameter of the campaign (parameters: "
                        + String.join(", ", parameters) + ")", "set", use.getKey()));
            }
        }
        for (Map.Entry<String, Object> s : o.set.entrySet()) {
            String device = s.getKey();
            String key = s.getValue() instanceof Map<?, ?> m ? device + "." + m.keySet().iterator().next() : device;
            DeviceDTO d = devices.get(device);
            if (d == null) {
                problems.add(OptionProblem.of("set: unknown device '" + device + "' (known: " + known + ")", "set", key));
                continue;
            }
            if (d.capabilities == null || !d.capabilities.contains("movable")) {
                problems.add(OptionProblem.of("set: device '" + device + "' cannot be set (it is " + d.capabilities + ")", "set", key));
                continue;
            }
            if (s.getValue() instanceof Map<?, ?> recipe) {
                Set<String> has = fields(device, fields);
                for (Object f : recipe.keySet()) {
                    if (has != null && !has.contains(String.valueOf(f))) {
                        problems.add(OptionProblem.of("set: device '" + device + "' has no field '" + f + "' (fields: " + String.join(", ", has) + ")",
                                "set", device + "." + f));
                    }
                }
            }
        }
        for (int i = 0; o.triggerGiven && i < o.trigger.size(); i++) {
            String device = o.trigger.get(i);
            DeviceDTO d = devices.get(device);
            if (d == null) {
                problems.add(OptionProblem.of("trigger: unknown device '" + device + "' (known: " + known + ")", "trigger", Integer.toString(i)));
            } else if (d.capabilities == null || !d.capabilities.contains("readable")) {
                problems.add(OptionProblem.of("trigger: device '" + device + "' cannot be read", "trigger", Integer.toString(i)));
            }
        }
        for (Map.Entry<String, String> obj : o.objective.entrySet()) {
            String reading = obj.getValue();
            String device = LabOptions.deviceOf(reading);
            if (!devices.containsKey(device)) {
                problems.add(OptionProblem.of("objective '" + obj.getKey() + "': unknown device '" + device + "' (known: " + known + ")", "objective", obj.getKey()));
                continue;
            }
            if (!o.trigger.contains(device)) {
                problems.add(OptionProblem.of("objective '" + obj.getKey() + "': device '" + device + "' is not in 'trigger', so it is not read", "objective", obj.getKey()));
                continue;
            }
            Set<String> keys = dataKeys(device);
            if (keys != null && LabOptions.dataKeys(reading).stream().noneMatch(keys::contains)) {
                Set<String> has = fields(device, fields);
                problems.add(OptionProblem.of("objective '" + obj.getKey() + "': device '" + device + "' has no reading '" + reading + "' (readings: "
                        + String.join(", ", has == null ? keys : has) + ")", "objective", obj.getKey()));
            }
        }
        return problems;
    }

    /** The data keys a device reads now, or null when it cannot be read (then nothing is checked). */
    private Set<String> dataKeys(String device) {
        try {
            return new TreeSet<>(engine.read(device).keySet());
        } catch (DeviceException | RuntimeException e) {
            return null;
        }
    }

    /** The fields of a device: its data keys without the {@code device_} prefix. */
    private Set<String> fields(String device, Map<String, Set<String>> cache) {
        Set<String> keys = dataKeys(device);
        if (keys == null) {
            return null;
        }
        return cache.computeIfAbsent(device, d -> {
            Set<String> f = new TreeSet<>();
            for (String k : keys) {
                f.add(k.startsWith(device + "_") ? k.substring(device.length() + 1) : k);
            }
            return f;
        });
    }

    // ---- evaluations -------------------------------------------------------------------------

    /** A run on instruments: it counts against the budget's {@code experiments}. */
    @Override
    public org.kumiki.campaign.api.EvaluatorKind kind() {
        return org.kumiki.campaign.api.EvaluatorKind.EXPERIMENT;
    }

    @Override
    public String start(EvaluationRequest request) throws Exception {
        LabOptions o = LabOptions.parse(request.options);
        if (!o.problems.isEmpty()) {
            throw new IllegalArgumentException("lab step '" + request.stepName + "': " + o.problems.get(0));
        }
        o.setpoints(request.point); // every parameter named is in the point
        String handle = "lab-" + safe(request.evaluationId) + "-" + safe(request.stepName) + "-" + request.attempt;
        Job running = jobs.get(handle);
        if (running != null) {
            return handle;
        }
        ended.remove(handle);
        HandleRecord r = new HandleRecord();
        r.handle = handle;
        r.request = request;
        save(r);
        enqueue(new Job(r, o));
        return handle;
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        Job j = handle == null ? null : jobs.get(handle);
        if (j != null) {
            return j.result;
        }
        CompletableFuture<EvaluationResult> done = handle == null ? null : ended.get(handle);
        if (done != null) {
            return done;
        }
        HandleRecord r;
        try {
            r = load(handle);
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("lab evaluation " + handle + ": cannot read its record: " + e.getMessage()));
        }
        if (r == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unknown lab evaluation handle '" + handle + "'"));
        }
        LabOptions o = LabOptions.parse(r.request.options);
        Job job = new Job(r, o);
        Job raced = jobs.putIfAbsent(handle, job);
        if (raced != null) {
            return raced.result;
        }
        String uid = r.runs.isEmpty() ? null : r.runs.get(r.runs.size() - 1);
        RunSummaryDTO run = uid == null ? null : summary(uid);
        if (run == null) {
            LOG.info("lab evaluation {}: {}; running it", handle, uid == null ? "no run had opened" : "run " + uid + " is not in the store");
            queue.add(job);
        } else if (run.status == RunStatus.SUCCESS) {
            finish(job, uid);
        } else if (run.status == RunStatus.RUNNING) {
            queue.add(job); // the worker waits for it to stop, then reads it back or redoes it
        } else if (run.status == RunStatus.INCOMPLETE || run.status == RunStatus.ABORT) {
            LOG.info("lab evaluation {}: run {} is {}; running it again", handle, uid, run.status.exitStatus());
            queue.add(job);
        } else {
            fail(job, "run " + uid + " ended " + run.status.exitStatus() + (run.reason == null ? "" : ": " + run.reason));
        }
        return job.result;
    }

    @Override
    public void cancel(String handle) {
        Job j = handle == null ? null : jobs.get(handle);
        if (j == null) {
            return;
        }
        j.cancelled = true;
        queue.remove(j);
        String uid = j.runUid;
        if (uid != null && engine.currentRun().map(uid::equals).orElse(false)) {
            engine.abort("campaign evaluation cancelled");
        }
        fail(j, "cancelled");
    }

    private void enqueue(Job job) {
        jobs.put(job.record.handle, job);
        queue.add(job);
    }

    private RunSummaryDTO summary(String uid) {
        for (RunSummaryDTO s : engine.runs()) {
            if (uid.equals(s.uid)) {
                return s;
            }
        }
        return null;
    }

    private void work() {
        while (!closed) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (job.cancelled || job.result.isDone()) {
                continue;
            }
            try {
                run(job);
            } catch (InterruptedException e) {
                return; // closing: the record and the run stay for the next life
            } catch (Exception e) {
                fail(job, oneLine(e));
            }
        }
    }

    private void run(Job job) throws Exception {
        HandleRecord r = job.record;
        String last = r.runs.isEmpty() ? null : r.runs.get(r.runs.size() - 1);
        if (last != null && job.runUid == null) {
            // re-attached: a stopped run of an earlier life, read back unless it must be redone
            RunSummaryDTO s = summary(last);
            long wait = System.nanoTime() + (long) (job.options.timeout * 1e9);
            while (s != null && s.status == RunStatus.RUNNING) {
                // a run of an earlier life still runs: nothing else can run until it stops
                if (System.nanoTime() > wait) {
                    throw new TimeoutException("run " + last + " of an earlier life still runs after the step's timeout (" + job.options.timeout + " s)");
                }
                if (!engine.awaitState(1000, EngineState.IDLE)) {
                    continue;
                }
                s = summary(last);
                if (s != null && s.status == RunStatus.RUNNING) {
                    Thread.sleep(50); // idle, but the run's summary is not written yet
                }
            }
            if (s != null && s.status == RunStatus.SUCCESS) {
                finish(job, last);
                return;
            }
            if (s != null && s.status != RunStatus.INCOMPLETE && s.status != RunStatus.ABORT) {
                fail(job, "run " + last + " ended " + s.status.exitStatus() + (s.reason == null ? "" : ": " + s.reason));
                return;
            }
        }
        long deadline = System.nanoTime() + (long) (job.options.timeout * 1e9);
        CompletionStage<RunSummaryDTO> done;
        while (true) {
            if (engine.emergencyStopActive()) {
                throw new IllegalStateException("the lab's emergency stop is active");
            }
            if (engine.state() != EngineState.IDLE && !engine.awaitState(1000, EngineState.IDLE)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("the run engine was busy (" + engine.state() + ") for the step's whole timeout");
                }
                continue;
            }
            if (job.cancelled) {
                return;
            }
            try {
                done = engine.submit(new PointPlan(job));
                break;
            } catch (RunRejectedException e) {
                if (engine.state() == EngineState.IDLE) {
                    throw e; // refused for what the plan asks, not because another run came first
                }
            }
        }
        RunSummaryDTO s;
        try {
            long left = Math.max(1, deadline - System.nanoTime());
            s = done.toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            engine.abort("campaign evaluation " + r.handle + " took longer than its timeout of " + job.options.timeout + " s");
            throw new TimeoutException("run " + job.runUid + " took longer than the step's timeout (" + job.options.timeout + " s) and was aborted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("run " + (job.runUid == null ? "(not opened)" : job.runUid) + " failed: " + oneLine(e.getCause()));
        }
        String uid = s.uid != null ? s.uid : job.runUid;
        if (s.status != RunStatus.SUCCESS) {
            throw new IllegalStateException("run " + uid + " ended " + s.status.exitStatus() + (s.reason == null ? "" : ": " + s.reason));
        }
        finish(job, uid);
    }

    /** Reads the objectives from a finished run's documents and exports them. */
    private void finish(Job job, String uid) {
        try {
            List<DocumentDTO> docs = engine.documents(uid);
            Map<String, Object> data = null;
            for (DocumentDTO d : docs) {
                if (LabConstants.EVENT.equals(d.name) && d.doc != null && d.doc.get("data") instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> md = (Map<String, Object>) m;
                    data = md;
                }
            }
            if (data == null) {
                throw new IllegalStateException("run " + uid + " has no event document");
            }
            EvaluationResult result = new EvaluationResult();
            for (Map.Entry<String, String> o : job.options.objective.entrySet()) {
                Object v = null;
                for (String k : LabOptions.dataKeys(o.getValue())) {
                    if (data.containsKey(k)) {
                        v = data.get(k);
                        break;
                    }
                }
                if (!(v instanceof Number n)) {
                    throw new IllegalStateException("run " + uid + ": objective '" + o.getKey() + "' reading '" + o.getValue()
                            + (v == null ? "' is not in the event (it has: " + String.join(", ", data.keySet()) + ")" : "' is not a number: " + v));
                }
                result.values.put(o.getKey(), n.doubleValue());
            }
            Path file = export(job.record, uid, docs);
            result.dataRefs.add(uid);
            result.dataRefs.add(file.toUri().toString());
            result.provenance.put(EvaluationResult.RUN_UID, uid);
            ended(job);
            job.result.complete(result);
        } catch (Exception e) {
            fail(job, oneLine(e));
        }
    }

    private Path export(HandleRecord r, String uid, List<DocumentDTO> docs) throws IOException {
        Path dir = folder.resolve(safe(r.request.campaignId));
        Files.createDirectories(dir);
        Path file = dir.resolve(r.handle + "-" + safe(uid) + ".json");
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), docs);
        move(tmp, file);
        return file;
    }

    private void fail(Job job, String why) {
        ended(job);
        job.result.completeExceptionally(new IllegalStateException(why));
    }

    private void ended(Job job) {
        ended.put(job.record.handle, job.result);
        jobs.remove(job.record.handle, job);
    }

    // ---- the plan ----------------------------------------------------------------------------

    /** OPEN_RUN, CHECKPOINT, SET each device (parallel), WAIT, [SLEEP settle], TRIGGER_AND_READ, CLOSE_RUN. */
    private final class PointPlan implements Plan {
        private final Job job;
        private final Map<String, Object> setpoints;
        private final List<Msg> messages = new ArrayList<>();
        private int next;

        PointPlan(Job job) {
            this.job = job;
            EvaluationRequest q = job.record.request;
            this.setpoints = job.options.setpoints(q.point);
            Map<String, Object> md = new LinkedHashMap<>(job.options.metadata);
            md.put("campaign_id", q.campaignId);
            md.put("campaign_evaluation", q.evaluationId);
            md.put("campaign_step", q.stepName);
            md.put("campaign_attempt", q.attempt);
            md.put("campaign_handle", job.record.handle);
            md.put("campaign_point", new LinkedHashMap<>(q.point));
            messages.add(Msg.openRun(md));
            messages.add(Msg.checkpoint());
            setpoints.forEach((device, v) -> messages.add(Msg.set(device, v, "campaign")));
            messages.add(Msg.waitFor("campaign"));
            if (job.options.settle > 0) {
                messages.add(Msg.sleep(job.options.settle));
            }
            messages.add(Msg.checkpoint());
            messages.add(Msg.triggerAndRead(job.options.trigger, "primary"));
            messages.add(Msg.closeRun());
        }

        @Override
        public Msg next(Object response) throws Exception {
            if (next == 1 && response instanceof String uid) {
                job.runUid = uid;
                job.record.runs.add(uid);
                save(job.record); // before anything moves: a restart knows which run to look at
            }
            return next < messages.size() ? messages.get(next++) : null;
        }

        @Override
        public Map<String, List<Object>> plannedSetpoints() {
            Map<String, List<Object>> m = new LinkedHashMap<>();
            setpoints.forEach((d, v) -> m.put(d, List.of(v)));
            return m;
        }

        @Override
        public Set<String> devices() {
            Set<String> d = new java.util.LinkedHashSet<>(setpoints.keySet());
            d.addAll(job.options.trigger);
            return d;
        }

        @Override
        public String name() {
            return "campaign_point";
        }
    }

    // ---- records -----------------------------------------------------------------------------

    private Path recordFile(String handle) {
        return folder.resolve("handles").resolve(handle + ".json");
    }

    private synchronized void save(HandleRecord r) {
        try {
            Path f = recordFile(r.handle);
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            byte[] bytes = json.writeValueAsBytes(r);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                ch.force(true);
            }
            move(tmp, f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record lab evaluation " + r.handle + ": " + e.getMessage(), e);
        }
    }

    private HandleRecord load(String handle) throws IOException {
        if (handle == null || !HANDLE.matcher(handle).matches()) {
            return null;
        }
        Path f = recordFile(handle);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        return json.readValue(f.toFile(), HandleRecord.class);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String safe(String s) {
        String t = UNSAFE.matcher(s == null ? "" : s).replaceAll("_");
        return t.length() > 80 ? t.substring(0, 80) : t;
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replaceAll("[\\r\\n]+", " ");
    }
}
