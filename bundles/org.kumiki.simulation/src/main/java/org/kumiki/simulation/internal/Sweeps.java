package org.kumiki.simulation.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.Goal;
import org.kumiki.campaign.api.dto.ObjectiveDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationRejectedException;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.SweepDTO;
import org.kumiki.simulation.api.dto.SweepPointDTO;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.kumiki.simulation.api.spi.SimulationEngine;
import org.kumiki.simulation.api.spi.SimulationFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Sweeps as grid campaigns. {@link #sweep} turns a {@link SweepSpec} into a campaign (one
 * categorical parameter per grid axis, the {@code grid} proposer, a budget of every point, one
 * pipeline step on this evaluator) and starts it on the {@link CampaignService}, which expands
 * the grid, journals every point and re-attaches to the tasks in flight after a restart.
 *
 * <p>As the {@value #EVALUATOR} {@link Evaluator}, this class keeps only what makes a point:
 * it validates it, builds its scheduler task (a function task of {@value SimulationServiceImpl#FUNCTION},
 * or the engine's own program), submits a batch with {@link Scheduler#submitAll}, and decodes an
 * ended task into a typed {@link SweepPointDTO} (kept as {@code point-N/point.json}). When the
 * campaign has ended, the dataset is written from those points.
 *
 * <p>The sweep itself ({@code sweep/<id>}: its spec) is a record in the simulation journal.
 */
final class Sweeps implements Evaluator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Sweeps.class);
    /** The evaluator's {@link Evaluator#NAME}. */
    static final String EVALUATOR = "simulation.sweep";
    static final String STEP = "point";
    static final String OPTION = "sweep";
    static final String LABEL_SWEEP = "kumiki.sweep";
    static final String LABEL_POINT = "kumiki.sweep.point";
    static final int MAX_POINTS = 10_000;
    /** The campaign engine's largest batch. */
    static final int MAX_BATCH = 1024;
    static final String KEY_PREFIX = "sweep/";

    /** The journal record of a sweep. */
    public static final class Record {
        public SweepSpec spec;
        public long created;
    }

    private static final class Sweep {
        final String id;
        final SweepSpec spec;
        final long created;
        final CompletableFuture<SweepDTO> done = new CompletableFuture<>();

        Sweep(String id, SweepSpec spec, long created) {
            this.id = id;
            this.spec = spec;
            this.created = created;
        }
    }

    private final Path dir;
    private final Journal journal;
    private final Function<SimulationSpec, SimulationEngine> engineFor;
    private final Supplier<Scheduler> scheduler;
    private final Supplier<CampaignService> campaigns;
    private final Map<String, Sweep> sweeps = new ConcurrentHashMap<>();
    private final ScheduledExecutorService poller;

    /**
     * @param dir {@code state/simulation/sweeps}
     * @param journal the simulation journal, or null (sweeps are then not kept across restarts)
     * @param live the journal's live records (those under {@value #KEY_PREFIX} are sweeps)
     * @param engineFor validates a point's spec and returns its engine (throws SimulationRejectedException)
     */
    Sweeps(Path dir, Journal journal, Map<String, byte[]> live, Function<SimulationSpec, SimulationEngine> engineFor,
        Supplier<Scheduler> scheduler, Supplier<CampaignService> campaigns) throws IOException {
        this.dir = dir;
        this.journal = journal;
        this.engineFor = engineFor;
        this.scheduler = scheduler;
        this.campaigns = campaigns;
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            if (e.getKey().startsWith(KEY_PREFIX)) {
                try {
                    Record r = Json.MAPPER.readValue(e.getValue(), Record.class);
                    String id = e.getKey().substring(KEY_PREFIX.length());
                    sweeps.put(id, new Sweep(id, r.spec, r.created));
                } catch (IOException | RuntimeException ex) {
                    LOG.warn("simulation journal record {} is unreadable and skipped: {}", e.getKey(), ex.getMessage());
                }
            }
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kumiki-simulation-sweeps");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, 0, 200, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        poller.shutdownNow();
    }

    // ------------------------------------------------------------------ starting a sweep

    SweepDTO sweep(SweepSpec sweep) {
        String format = validate(sweep);
        if (scheduler.get() == null) {
            throw new SimulationRejectedException("no scheduler is available: sweeps run as scheduler tasks");
        }
        CampaignService cs = campaigns.get();
        if (cs == null) {
            throw new SimulationRejectedException("no campaign service is available: sweeps run as grid campaigns (install org.kumiki.campaign)");
        }
        SweepSpec spec = Json.MAPPER.convertValue(sweep, SweepSpec.class);
        spec.format = format;
        // every point is checked before anything is submitted
        long total = total(spec);
        for (int p = 0; p < total; p++) {
            Map<String, Double> point = pointAt(spec, p);
            SimulationSpec s = pointSpec(spec, point, "check", p);
            SimulationEngine engine;
            try {
                engine = engineFor.apply(s);
            } catch (SimulationRejectedException e) {
                throw new SimulationRejectedException("point " + point + ": " + e.getMessage());
            }
            if (commands(spec) && p == 0) {
                checkCommands(engine, s, point);
            }
        }
        CampaignStatusDTO st;
        try {
            st = cs.start(definition(spec, total));
        } catch (CampaignException e) {
            throw new SimulationRejectedException("the campaign service refused the sweep: " + String.join("; ", e.problems()));
        }
        Sweep sw = remember(st.id, spec);
        LOG.info("sweep {} started: {} points as a grid campaign", sw.id, total);
        return status(sw, false);
    }

    /**
     * Whether the points run as command tasks of the engine's program: asked for, or needed
     * because the points run on more than one rank.
     */
    static boolean commands(SweepSpec spec) {
        return spec.commandTasks || (spec.base != null && spec.base.ranks > 1);
    }

    /** The format, after checking everything that needs no engine. */
    static String validate(SweepSpec sweep) {
        if (sweep == null || sweep.base == null) {
            throw new SimulationRejectedException("no sweep or no base spec");
        }
        if (sweep.grid == null || sweep.grid.isEmpty()) {
            throw new SimulationRejectedException("empty grid");
        }
        String format = sweep.format == null ? "csv" : sweep.format.toLowerCase(Locale.ROOT);
        if (!format.equals("csv") && !format.equals("json")) {
            throw new SimulationRejectedException("format must be csv or json: " + sweep.format);
        }
        if (sweep.cpusPerPoint < 1 || sweep.cpusPerPoint > 1024) {
            throw new SimulationRejectedException("cpusPerPoint must be between 1 and 1024");
        }
        long total = 1;
        for (Map.Entry<String, List<Double>> e : sweep.grid.entrySet()) {
            if (!SweepSpec.PARAMETERS.contains(e.getKey())) {
                throw new SimulationRejectedException("unknown sweep parameter '" + e.getKey() + "' (known: "
                    + String.join(", ", SweepSpec.PARAMETERS) + ")");
            }
            if (e.getValue() == null || e.getValue().isEmpty()) {
                throw new SimulationRejectedException("no values for " + e.getKey());
            }
            Set<Double> seen = new HashSet<>();
            for (Double v : e.getValue()) {
                if (v == null || !Double.isFinite(v)) {
                    throw new SimulationRejectedException("non-finite value for " + e.getKey());
                }
                if (!seen.add(v)) {
                    throw new SimulationRejectedException(e.getKey() + " lists " + v + " twice");
                }
            }
            if (e.getValue().size() > 256) {
                throw new SimulationRejectedException(e.getKey() + " has more than 256 values");
            }
            total *= e.getValue().size();
            if (total > MAX_POINTS) {
                throw new SimulationRejectedException("more than " + MAX_POINTS + " grid points");
            }
        }
        return format;
    }

    private void checkCommands(SimulationEngine engine, SimulationSpec s, Map<String, Double> point) {
        Path check = null;
        try {
            check = Files.createTempDirectory(dir, ".check-");
            if (engine.prepareCommand(s, check) == null) {
                throw new SimulationRejectedException("engine " + engine.name() + " runs in-process only: sweep it without commandTasks");
            }
        } catch (SimulationFailedException e) {
            throw new SimulationRejectedException("point " + point + ": " + e.getMessage());
        } catch (IOException e) {
            throw new SimulationRejectedException("cannot write under " + dir + ": " + e.getMessage());
        } finally {
            if (check != null) {
                deleteTree(check);
            }
        }
    }

    private static void deleteTree(Path p) {
        try (var s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** The grid campaign of a sweep: its points in the order the grid proposer enumerates them. */
    static CampaignDefinition definition(SweepSpec spec, long total) {
        CampaignDefinition d = new CampaignDefinition();
        d.name = campaignName(spec.name);
        d.description = "sweep" + (spec.name == null ? "" : " " + spec.name);
        for (Map.Entry<String, List<Double>> e : spec.grid.entrySet()) {
            ParameterDTO p = new ParameterDTO();
            p.name = e.getKey();
            p.type = ParameterType.CATEGORICAL;
            for (Double v : e.getValue()) {
                p.values.add(Double.toString(v));
            }
            d.parameters.add(p);
        }
        ObjectiveDTO o = new ObjectiveDTO();
        o.name = "finalTotalEnergy";
        o.goal = Goal.MINIMISE;
        d.objectives.add(o);
        d.budget.evaluations = (int) total;
        d.batchSize = (int) Math.min(total, MAX_BATCH);
        d.proposer.kind = "grid";
        d.retry.maxAttempts = 1;
        StepDTO s = new StepDTO();
        s.name = STEP;
        s.evaluator = EVALUATOR;
        @SuppressWarnings("unchecked")
        Map<String, Object> options = Json.MAPPER.convertValue(spec, Map.class);
        s.options.put(OPTION, options);
        d.pipeline.add(s);
        return d;
    }

    /** {@code sweep} or {@code sweep-<name>}: the campaign id adds {@code -N}, so sweep ids start with {@code sweep-}. */
    static String campaignName(String name) {
        if (name == null || name.isBlank()) {
            return "sweep";
        }
        StringBuilder b = new StringBuilder("sweep-");
        for (int i = 0; i < name.length() && b.length() < 52; i++) {
            char c = name.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ? c : '_');
        }
        return b.toString();
    }

    static long total(SweepSpec spec) {
        long total = 1;
        for (List<Double> v : spec.grid.values()) {
            total *= v.size();
        }
        return total;
    }

    /** Point {@code index} of the grid, the last parameter varying fastest. */
    static Map<String, Double> pointAt(SweepSpec spec, long index) {
        List<String> names = new ArrayList<>(spec.grid.keySet());
        Double[] values = new Double[names.size()];
        long rest = index;
        for (int i = names.size() - 1; i >= 0; i--) {
            List<Double> axis = spec.grid.get(names.get(i));
            values[i] = axis.get((int) (rest % axis.size()));
            rest /= axis.size();
        }
        Map<String, Double> point = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            point.put(names.get(i), values[i]);
        }
        return point;
    }

    private static SimulationSpec pointSpec(SweepSpec sweep, Map<String, Double> point, String sweepId, int index) {
        SimulationSpec spec = SimulationServiceImpl.withPoint(sweep.base, point);
        if (spec.threads == 0) {
            spec.threads = sweep.cpusPerPoint;
        }
        spec.name = (sweep.name == null ? sweepId : sweep.name) + "#" + index;
        return spec;
    }

    private Sweep remember(String id, SweepSpec spec) {
        Sweep known = sweeps.get(id);
        if (known != null) {
            return known;
        }
        Sweep sw = new Sweep(id, spec, System.currentTimeMillis());
        Sweep raced = sweeps.putIfAbsent(id, sw);
        if (raced != null) {
            return raced;
        }
        if (journal != null) {
            try {
                Record r = new Record();
                r.spec = spec;
                r.created = sw.created;
                journal.put(KEY_PREFIX + id, Json.MAPPER.writeValueAsBytes(r));
                journal.flush();
            } catch (IOException | RuntimeException e) {
                LOG.warn("cannot journal sweep {}: {}", id, e.toString());
            }
        }
        return sw;
    }

    private Path pointDir(String sweepId, int index) {
        return dir.resolve(sweepId).resolve("point-" + index);
    }

    // ------------------------------------------------------------------ the evaluator

    @Override
    public String start(EvaluationRequest request) throws Exception {
        return startAll(List.of(request)).get(0);
    }

    /** Submits the points' tasks together with {@link Scheduler#submitAll}: all or none. */
    @Override
    public List<String> startAll(List<EvaluationRequest> requests) throws Exception {
        Scheduler sched = scheduler.get();
        if (sched == null) {
            throw new IllegalStateException("no scheduler is available: sweep points run as scheduler tasks");
        }
        List<TaskSpec> tasks = new ArrayList<>();
        for (EvaluationRequest req : requests) {
            tasks.add(task(req));
        }
        try {
            List<String> ids = new ArrayList<>();
            for (TaskRecordDTO r : sched.submitAll(tasks)) {
                ids.add(r.id);
            }
            return ids;
        } catch (TaskRejectedException e) {
            throw new IllegalStateException("the scheduler refused the points: " + e.getMessage());
        }
    }

    /** Validates a requested point and builds its task. */
    TaskSpec task(EvaluationRequest req) throws IOException {
        Object opt = req.options.get(OPTION);
        if (!(opt instanceof Map)) {
            throw new IllegalArgumentException("step option '" + OPTION + "' (the sweep spec) is missing");
        }
        SweepSpec sweep = Json.MAPPER.convertValue(opt, SweepSpec.class);
        String sweepId = req.campaignId;
        remember(sweepId, sweep);
        int index = Integer.parseInt(req.evaluationId.substring(req.evaluationId.lastIndexOf('-') + 1));
        Map<String, Double> point = new LinkedHashMap<>();
        for (String k : sweep.grid.keySet()) {
            Object v = req.point.get(k);
            if (v == null) {
                throw new IllegalArgumentException("the point has no value for " + k);
            }
            point.put(k, v instanceof Number ? ((Number) v).doubleValue() : Double.parseDouble(v.toString()));
        }
        SimulationSpec spec = pointSpec(sweep, point, sweepId, index);
        SimulationEngine engine = engineFor.apply(spec);
        Path pdir = pointDir(sweepId, index);
        TaskSpec t;
        if (commands(sweep)) {
            Files.createDirectories(pdir);
            List<String> cmd;
            try {
                cmd = engine.prepareCommand(spec, pdir);
            } catch (SimulationFailedException e) {
                throw new IllegalArgumentException("point " + point + ": " + e.getMessage());
            }
            if (cmd == null) {
                throw new IllegalArgumentException("engine " + engine.name() + " runs in-process only: sweep it without commandTasks");
            }
            t = new TaskSpec();
            t.name = spec.name;
            t.command = new ArrayList<>(cmd);
            t.workingDirectory = pdir.toString();
            t.stdout = pdir.resolve("stdout.txt").toString();
            t.stderr = pdir.resolve("stderr.txt").toString();
        } else {
            ObjectNode args = Json.MAPPER.createObjectNode();
            args.set("spec", Json.MAPPER.valueToTree(spec));
            args.put("sweep", sweepId);
            args.put("point", index);
            t = TaskSpec.function(spec.name, SimulationServiceImpl.FUNCTION, args.toString());
        }
        t.resources.cpus = sweep.cpusPerPoint;
        if (spec.ranks > 1) {
            // a parallel point: the backend starts the program on its ranks (mpirun locally, srun on Slurm)
            t.resources.tasks = spec.ranks;
            t.launcher = Launcher.AUTO;
        }
        t.backend = sweep.backend != null ? sweep.backend : spec.backend;
        t.labels.put(LABEL_SWEEP, sweepId);
        t.labels.put(LABEL_POINT, Integer.toString(index));
        return t;
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        Scheduler sched = scheduler.get();
        if (sched == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no scheduler is available to follow task " + handle));
        }
        CompletionStage<TaskRecordDTO> ended;
        try {
            ended = sched.await(handle);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return ended.thenApply(rec -> {
            SweepPointDTO p = decode(rec);
            if (!RunState.COMPLETED.name().equals(p.state)) {
                throw new CompletionException(new IllegalStateException(rec.id + " " + p.state + (p.message.isEmpty() ? "" : ": " + p.message)));
            }
            EvaluationResult r = new EvaluationResult();
            r.values.put("finalTemperature", p.finalTemperature);
            r.values.put("finalPairEnergy", p.finalPairEnergy);
            r.values.put("finalTotalEnergy", p.finalTotalEnergy);
            r.values.put("finalPressure", p.finalPressure);
            r.values.put("meanTemperature", p.meanTemperature);
            r.values.put("meanPairEnergy", p.meanPairEnergy);
            r.values.put("meanTotalEnergy", p.meanTotalEnergy);
            r.values.put("meanPressure", p.meanPressure);
            r.values.put("atoms", (double) p.atoms);
            r.values.put("steps", (double) p.steps);
            r.values.put("atomStepsPerSecond", p.atomStepsPerSecond);
            if (!p.runId.isEmpty()) {
                r.dataRefs.add(p.runId);
            }
            r.dataRefs.add(rec.id);
            return r;
        });
    }

    /** An ended task as a typed point result, also kept as {@code point-N/point.json}. */
    SweepPointDTO decode(TaskRecordDTO rec) {
        String sweepId = rec.spec == null ? null : rec.spec.labels.get(LABEL_SWEEP);
        Sweep sw = sweepId == null ? null : sweeps.get(sweepId);
        if (sw == null) {
            throw new IllegalStateException("task " + rec.id + " belongs to no known sweep");
        }
        int index = Integer.parseInt(rec.spec.labels.get(LABEL_POINT));
        SweepPointDTO p = new SweepPointDTO();
        p.point = index;
        p.parameters = pointAt(sw.spec, index);
        p.taskId = rec.id;
        JsonNode res = null;
        String reason = rec.reason;
        Path pdir = pointDir(sw.id, index);
        if (commands(sw.spec)) {
            SimulationSpec spec = pointSpec(sw.spec, p.parameters, sw.id, index);
            if (rec.state == TaskState.COMPLETED || rec.state == TaskState.FAILED) {
                try {
                    SimulationEngine engine = engineFor.apply(spec);
                    SimulationResultDTO r = engine.collectCommand(spec, pdir);
                    if (rec.state == TaskState.COMPLETED) {
                        res = SimulationServiceImpl.summary(null, engine.name(), r);
                    }
                } catch (SimulationFailedException | SimulationRejectedException e) {
                    reason = e.getMessage();
                }
            }
        } else if (rec.state == TaskState.COMPLETED && rec.result != null) {
            try {
                res = Json.MAPPER.readTree(rec.result);
            } catch (IOException e) {
                reason = "unreadable result: " + e.getMessage();
            }
        }
        if (res != null) {
            p.state = RunState.COMPLETED.name();
            JsonNode fin = res.path("final");
            JsonNode mean = res.path("mean");
            p.finalTemperature = fin.path("temperature").asDouble(Double.NaN);
            p.finalPairEnergy = fin.path("pairEnergy").asDouble(Double.NaN);
            p.finalTotalEnergy = fin.path("totalEnergy").asDouble(Double.NaN);
            p.finalPressure = fin.path("pressure").asDouble(Double.NaN);
            p.meanTemperature = mean.path("temperature").asDouble(Double.NaN);
            p.meanPairEnergy = mean.path("pairEnergy").asDouble(Double.NaN);
            p.meanTotalEnergy = mean.path("totalEnergy").asDouble(Double.NaN);
            p.meanPressure = mean.path("pressure").asDouble(Double.NaN);
            p.atoms = res.path("atoms").asLong();
            p.steps = res.path("steps").asLong();
            p.atomStepsPerSecond = res.path("atomStepsPerSecond").asDouble();
            p.runId = res.path("runId").asText("");
        } else {
            p.state = rec.state == TaskState.COMPLETED ? TaskState.FAILED.name() : rec.state.name();
            p.message = reason == null ? "" : reason;
        }
        try {
            Files.createDirectories(pdir);
            Path tmp = pdir.resolve("point.json.tmp");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(p));
            Files.move(tmp, pdir.resolve("point.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot keep the result of sweep {} point {}: {}", sw.id, index, e.toString());
        }
        return p;
    }

    @Override
    public void cancel(String handle) {
        Scheduler sched = scheduler.get();
        if (sched != null && handle != null) {
            try {
                sched.cancel(handle);
            } catch (RuntimeException e) {
                // unknown or ended: ignored, as the SPI says
            }
        }
    }

    // ------------------------------------------------------------------ status and the dataset

    private SweepPointDTO stored(String sweepId, int index) {
        Path f = pointDir(sweepId, index).resolve("point.json");
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(f.toFile(), SweepPointDTO.class);
        } catch (IOException e) {
            LOG.warn("unreadable {}: {}", f, e.getMessage());
            return null;
        }
    }

    /** Every proposed point, ended or not, in grid order. */
    private List<SweepPointDTO> points(Sweep sw, CampaignService cs) {
        List<SweepPointDTO> out = new ArrayList<>();
        for (EvaluationDTO e : cs.evaluations(sw.id)) {
            SweepPointDTO p = stored(sw.id, e.index);
            boolean ended = e.state.isTerminal();
            if (p == null || !ended) {
                SweepPointDTO q = new SweepPointDTO();
                q.point = e.index;
                q.parameters = pointAt(sw.spec, e.index);
                q.state = ended ? e.state.name() : e.state == EvaluationState.RUNNING ? RunState.RUNNING.name() : RunState.QUEUED.name();
                q.taskId = e.handle != null ? e.handle : p != null ? p.taskId : "";
                q.message = e.error == null ? "" : e.error;
                p = q;
            }
            out.add(p);
        }
        return out;
    }

    private static boolean ended(SweepPointDTO p) {
        return !RunState.RUNNING.name().equals(p.state) && !RunState.QUEUED.name().equals(p.state);
    }

    /** Writes the dataset of every sweep whose campaign has ended. */
    private void poll() {
        CampaignService cs = campaigns.get();
        if (cs == null) {
            return;
        }
        for (Sweep sw : sweeps.values()) {
            collect(sw, cs);
        }
    }

    /**
     * Finishes a sweep whose campaign has ended (once: the poller and a status query may both
     * see it); true when the sweep has ended.
     */
    private boolean collect(Sweep sw, CampaignService cs) {
        synchronized (sw) {
            if (sw.done.isDone()) {
                return true;
            }
            try {
                Optional<CampaignStatusDTO> st = cs.status(sw.id);
                if (st.isPresent() && st.get().state.isTerminal()) {
                    finish(sw, cs, st.get());
                }
            } catch (RuntimeException | IOException e) {
                LOG.error("sweep {} could not be collected: {}", sw.id, e.toString());
                SweepDTO d = base(sw);
                d.state = RunState.FAILED;
                d.message = "cannot write the dataset: " + e.getMessage();
                sw.done.complete(d);
            }
            return sw.done.isDone();
        }
    }

    private void finish(Sweep sw, CampaignService cs, CampaignStatusDTO st) throws IOException {
        List<SweepPointDTO> points = points(sw, cs);
        Path out = dir.resolve(sw.id).resolve(SweepDataset.fileName(sw.spec.format));
        if (!Files.isRegularFile(out)) {
            out = SweepDataset.write(dir.resolve(sw.id), sw.id, sw.spec.format, new ArrayList<>(sw.spec.grid.keySet()), points);
        }
        SweepDTO d = base(sw);
        fill(d, points, true);
        d.dataset = out.toString();
        int bad = d.points - d.completed;
        d.state = bad == 0 ? RunState.COMPLETED : RunState.FAILED;
        d.message = bad == 0 ? null : bad + " of " + d.points + " points did not complete"
            + (st.message == null || "budget spent".equals(st.message) || st.message.startsWith("the proposer") ? "" : " (" + st.message + ")");
        LOG.info("sweep {} {}: {}", sw.id, d.state, out);
        sw.done.complete(d);
    }

    private static SweepDTO base(Sweep sw) {
        SweepDTO d = new SweepDTO();
        d.id = sw.id;
        d.name = sw.spec.name;
        d.points = (int) total(sw.spec);
        return d;
    }

    private static void fill(SweepDTO d, List<SweepPointDTO> points, boolean withResults) {
        d.completed = 0;
        d.failed = 0;
        d.taskIds.clear();
        d.results.clear();
        for (SweepPointDTO p : points) {
            if (!p.taskId.isEmpty()) {
                d.taskIds.add(p.taskId);
            }
            if (ended(p)) {
                if (RunState.COMPLETED.name().equals(p.state)) {
                    d.completed++;
                } else {
                    d.failed++;
                }
                if (withResults) {
                    d.results.add(p);
                }
            }
        }
    }

    private SweepDTO status(Sweep sw, boolean withResults) {
        SweepDTO finished = sw.done.getNow(null);
        if (finished != null) {
            SweepDTO d = Json.MAPPER.convertValue(finished, SweepDTO.class);
            if (!withResults) {
                d.results.clear();
            }
            return d;
        }
        CampaignService cs = campaigns.get();
        if (cs != null && collect(sw, cs)) {
            // the campaign ended before the poller looked (e.g. just after a restart): not RUNNING
            return status(sw, withResults);
        }
        SweepDTO d = base(sw);
        d.state = RunState.RUNNING;
        if (cs == null) {
            d.message = "no campaign service is available: the sweep waits for it";
            return d;
        }
        try {
            fill(d, points(sw, cs), withResults);
            cs.status(sw.id).ifPresent(st -> d.message = st.message);
        } catch (CampaignException e) {
            d.message = e.getMessage();
        }
        return d;
    }

    Optional<SweepDTO> sweepStatus(String sweepId) {
        Sweep sw = sweepId == null ? null : sweeps.get(sweepId);
        return sw == null ? Optional.empty() : Optional.of(status(sw, true));
    }

    List<SweepDTO> sweeps() {
        List<Sweep> all = new ArrayList<>(sweeps.values());
        all.sort(Comparator.comparingLong((Sweep s) -> -s.created).thenComparing(s -> s.id, Comparator.reverseOrder()));
        List<SweepDTO> out = new ArrayList<>();
        for (Sweep sw : all) {
            out.add(status(sw, false));
        }
        return out;
    }

    CompletionStage<SweepDTO> awaitSweep(String sweepId) {
        Sweep sw = sweepId == null ? null : sweeps.get(sweepId);
        if (sw == null) {
            throw new SimulationRejectedException("unknown sweep '" + sweepId + "'");
        }
        return sw.done.thenApply(d -> Json.MAPPER.convertValue(d, SweepDTO.class));
    }

    /** The journal keys this class owns (kept when the journal is compacted). */
    static boolean owns(String key) {
        return key.startsWith(KEY_PREFIX);
    }
}
