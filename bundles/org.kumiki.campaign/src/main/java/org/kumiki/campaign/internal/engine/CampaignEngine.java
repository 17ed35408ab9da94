package org.kumiki.campaign.internal.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.EvaluatorKind;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ObjectiveDTO;
import org.kumiki.campaign.api.dto.ProvenanceDTO;
import org.kumiki.campaign.api.dto.ScreenDTO;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.ProposalRequest;
import org.kumiki.campaign.api.spi.Proposer;
import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.kumiki.campaign.internal.propose.BayesianProposer;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs campaigns: proposes points, keeps up to a batch of evaluations in flight on the evaluators
 * named by the pipeline, and records every proposal (with its proposer and seed), handle, result
 * and failure in a journal, so that after a restart it re-attaches to the evaluations in flight
 * and starts nothing twice. One thread ("kumiki-campaign") makes every decision; callers and
 * evaluator callbacks hand work to it.
 */
public final class CampaignEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CampaignEngine.class);

    /** Told of state changes (the service posts them to Event Admin). */
    public interface Listener {
        void campaignChanged(CampaignStatusDTO status);

        void evaluationEnded(String campaignId, EvaluationDTO evaluation);

        /** A proposer fitted a surrogate for a campaign (called on the engine thread). */
        default void surrogateFitted(SurrogateDTO surrogate) {
        }
    }

    /** Built on first use: Jackson's ~370 classes are not loaded at start-up when no campaign exists. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }
    private final Journal journal;
    private final Function<String, Evaluator> evaluators;
    private final Function<String, Proposer> proposers;
    private final Listener listener;
    private final LongSupplier clock;
    private final ScheduledExecutorService executor;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private long nextSequence = 1;
    /** Where a class comes from (symbolic name, version); replaced in tests, which run outside OSGi. */
    Function<Class<?>, Map.Entry<String, String>> bundleOf = Bundles::of;
    private volatile boolean halted;

    /** One campaign's live state; touched only on the engine thread (reads under its lock). */
    private static final class Run {
        final CampaignRecord record;
        final TreeMap<Integer, EvaluationDTO> evaluations = new TreeMap<>();
        /** Evaluations whose result we are waiting for in this life of the engine, by handle. */
        final Set<String> attached = ConcurrentHashMap.newKeySet();
        boolean exhausted;

        Run(CampaignRecord record) {
            this.record = record;
        }
    }

    public CampaignEngine(JournalFactory journals, Path directory, Function<String, Evaluator> evaluators,
            Function<String, Proposer> proposers, Listener listener, LongSupplier clock) throws IOException {
        this.evaluators = evaluators;
        this.proposers = proposers;
        this.listener = listener;
        this.clock = clock;
        Map<String, CampaignRecord> campaigns = new LinkedHashMap<>();
        List<EvaluationDTO> evaluations = new ArrayList<>();
        this.journal = journals.open(directory, (key, value) -> {
            try {
                if (key.startsWith("c/")) {
                    CampaignRecord r = Json.MAPPER.readValue(value, CampaignRecord.class);
                    campaigns.put(r.id, r);
                } else if (key.startsWith("e/")) {
                    evaluations.add(Json.MAPPER.readValue(value, EvaluationDTO.class));
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("campaign journal record {} is unreadable and skipped: {}", key, e.getMessage());
            }
        });
        for (CampaignRecord r : campaigns.values()) {
            runs.put(r.id, new Run(r));
            nextSequence = Math.max(nextSequence, r.sequence + 1);
        }
        for (EvaluationDTO e : evaluations) {
            Run run = runs.get(campaignOf(e.id));
            if (run != null) {
                normalise(e);
                run.evaluations.put(e.index, e);
            }
        }
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kumiki-campaign");
            t.setDaemon(true);
            return t;
        });
        for (Run run : runs.values()) {
            if (!run.record.state.isTerminal()) {
                long running = run.evaluations.values().stream().filter(e -> e.state == EvaluationState.RUNNING).count();
                LOG.info("campaign {} resumes {}: {} evaluations recorded, {} in flight to re-attach", run.record.id,
                        run.record.state, run.evaluations.size(), running);
                schedule(run);
                long wall = run.record.definition.budget.wallTimeSeconds * 1000;
                if (wall > 0) {
                    long left = Math.max(0, run.record.createdAt + wall - clock.getAsLong());
                    executor.schedule(() -> pump(run), left, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** JSON gives small whole numbers back as Integer: the API promises Long for INTEGER parameters. */
    private static EvaluationDTO normalise(EvaluationDTO e) {
        e.point.replaceAll((k, v) -> v instanceof Integer ? Long.valueOf((Integer) v) : v);
        return e;
    }

    private static String campaignOf(String evaluationId) {
        return evaluationId.substring(0, evaluationId.lastIndexOf('-'));
    }

    // ---- requests ----------------------------------------------------------------------------

    /** Starts a validated definition; durable when this returns. */
    public CampaignStatusDTO start(CampaignDefinition d) {
        Run run;
        synchronized (this) {
            CampaignRecord r = new CampaignRecord();
            r.sequence = nextSequence++;
            r.id = d.name + "-" + r.sequence;
            r.definition = d;
            r.state = CampaignState.RUNNING;
            r.createdAt = clock.getAsLong();
            noteBundle(r, CampaignEngine.class);
            noteBundle(r, CampaignDefinition.class);
            run = new Run(r);
            runs.put(r.id, run);
            put(run);
        }
        try {
            journal.sync();
        } catch (IOException e) {
            throw new CampaignException("campaign " + run.record.id + " could not be made durable: " + e.getMessage());
        }
        LOG.info("campaign {} started: {} evaluations, batches of {}, proposer {}, seed {}", run.record.id, d.budget.evaluations,
                d.batchSize, d.proposer.kind, d.seed);
        if (d.budget.wallTimeSeconds > 0) {
            executor.schedule(() -> pump(run), d.budget.wallTimeSeconds, TimeUnit.SECONDS);
        }
        changed(run);
        schedule(run);
        return status(run);
    }

    public List<CampaignStatusDTO> list() {
        List<Run> all = new ArrayList<>(runs.values());
        all.sort(Comparator.comparingLong((Run r) -> r.record.sequence).reversed());
        List<CampaignStatusDTO> out = new ArrayList<>();
        for (Run r : all) {
            out.add(status(r));
        }
        return out;
    }

    public Optional<CampaignStatusDTO> status(String id) {
        Run r = runs.get(id);
        return r == null ? Optional.empty() : Optional.of(status(r));
    }

    public List<EvaluationDTO> evaluations(String id) {
        Run r = known(id);
        synchronized (this) {
            List<EvaluationDTO> out = new ArrayList<>();
            for (EvaluationDTO e : r.evaluations.values()) {
                out.add(copy(e));
            }
            return out;
        }
    }

    public CampaignStatusDTO pause(String id) {
        return status(transition(id, CampaignState.RUNNING, CampaignState.PAUSED));
    }

    public CampaignStatusDTO resume(String id) {
        Run r = transition(id, CampaignState.PAUSED, CampaignState.RUNNING);
        schedule(r);
        return status(r);
    }

    /** Moves a campaign from one state to another, durably, and tells the listener. */
    private Run transition(String id, CampaignState from, CampaignState to) {
        Run r = known(id);
        synchronized (this) {
            if (r.record.state != from) {
                throw new CampaignException("campaign " + id + " is " + r.record.state + ", not " + from);
            }
            r.record.state = to;
            put(r);
        }
        flush();
        changed(r);
        return r;
    }

    public CampaignStatusDTO abort(String id) {
        Run r = known(id);
        List<Runnable> cancels = new ArrayList<>();
        synchronized (this) {
            if (r.record.state.isTerminal()) {
                throw new CampaignException("campaign " + id + " has ended (" + r.record.state + ")");
            }
            for (EvaluationDTO e : r.evaluations.values()) {
                if (!e.state.isTerminal()) {
                    if (e.state == EvaluationState.RUNNING && e.handle != null) {
                        Evaluator ev = evaluators.apply(step(r, e).evaluator);
                        String h = e.handle;
                        if (ev != null) {
                            cancels.add(() -> ev.cancel(h));
                        }
                    }
                    e.state = EvaluationState.CANCELLED;
                    e.endedAt = clock.getAsLong();
                    put(e);
                }
            }
            end(r, CampaignState.ABORTED, "aborted");
        }
        for (Runnable c : cancels) {
            try {
                c.run();
            } catch (RuntimeException ex) {
                LOG.warn("campaign {}: cancelling an evaluation failed: {}", id, ex.getMessage());
            }
        }
        flush();
        changed(r);
        return status(r);
    }

    /** An evaluator or proposer came or went: evaluations waiting for one may go on. */
    public void servicesChanged() {
        for (Run r : runs.values()) {
            if (!r.record.state.isTerminal()) {
                schedule(r);
            }
        }
    }

    private Run known(String id) {
        Run r = id == null ? null : runs.get(id);
        if (r == null) {
            throw new CampaignException("unknown campaign '" + id + "'");
        }
        return r;
    }

    // ---- the loop (engine thread) ------------------------------------------------------------

    private void schedule(Run run) {
        if (!halted) {
            try {
                executor.execute(() -> pump(run));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    private void pump(Run run) {
        if (halted) {
            return;
        }
        try {
            pumpUnsafe(run);
        } catch (RuntimeException e) {
            LOG.error("campaign {} failed: {}", run.record.id, e.toString(), e);
            synchronized (this) {
                if (!run.record.state.isTerminal()) {
                    end(run, CampaignState.FAILED, "internal error: " + e);
                }
            }
            flush();
            changed(run);
        }
    }

    private void pumpUnsafe(Run run) {
        CampaignRecord r = run.record;
        CampaignDefinition d = r.definition;
        List<Runnable> starts = new ArrayList<>();
        Map<Evaluator, List<Map.Entry<Integer, EvaluationRequest>>> batches = new LinkedHashMap<>();
        boolean changed = false;
        synchronized (this) {
            if (r.state.isTerminal()) {
                return;
            }
            // re-attach to evaluations in flight (after a restart, or once their evaluator is back)
            for (EvaluationDTO e : run.evaluations.values()) {
                if (e.state == EvaluationState.RUNNING && e.handle != null && !run.attached.contains(e.handle)) {
                    Evaluator ev = evaluators.apply(step(run, e).evaluator);
                    if (ev != null) {
                        run.attached.add(e.handle);
                        starts.add(() -> attach(run, e.index, e.handle, ev));
                    }
                }
            }
            if (r.state == CampaignState.RUNNING) {
                long inFlight = run.evaluations.values().stream().filter(e -> !e.state.isTerminal()).count();
                boolean timeUp = d.budget.wallTimeSeconds > 0 && clock.getAsLong() - r.createdAt >= d.budget.wallTimeSeconds * 1000;
                int room = (int) Math.min(d.batchSize - inFlight, d.budget.evaluations - run.evaluations.size());
                room = Math.min(room, kindRoom(run, EvaluatorKind.EXPERIMENT, d.budget.experiments));
                room = Math.min(room, kindRoom(run, EvaluatorKind.SIMULATION, d.budget.simulations));
                if (room > 0 && !timeUp && !run.exhausted) {
                    changed |= propose(run, room);
                    if (r.state != CampaignState.RUNNING) {
                        starts.clear();
                    }
                }
                // start what is proposed (new, retried, or the next step)
                for (EvaluationDTO e : run.evaluations.values()) {
                    if (e.state == EvaluationState.PROPOSED && r.state == CampaignState.RUNNING) {
                        String name = step(run, e).evaluator;
                        Evaluator ev = evaluators.apply(name);
                        if (ev == null) {
                            String wait = "waiting for evaluator '" + name + "'";
                            if (!wait.equals(r.message)) {
                                r.message = wait;
                                LOG.warn("campaign {}: {}", r.id, wait);
                                put(run);
                                changed = true;
                            }
                            continue;
                        }
                        EvaluationRequest req = request(run, e);
                        EvaluatorKind kind = kindOf(ev);
                        if (kind != EvaluatorKind.OTHER && !e.kinds.contains(kind)) {
                            e.kinds.add(kind);
                        }
                        e.state = EvaluationState.RUNNING;
                        e.handle = null;
                        batches.computeIfAbsent(ev, k -> new ArrayList<>()).add(Map.entry(e.index, req));
                    }
                }
                // several on one evaluator start together (Evaluator.startAll: e.g. one Scheduler.submitAll)
                for (Map.Entry<Evaluator, List<Map.Entry<Integer, EvaluationRequest>>> b : batches.entrySet()) {
                    Evaluator ev = b.getKey();
                    List<Map.Entry<Integer, EvaluationRequest>> batch = b.getValue();
                    if (batch.size() == 1) {
                        starts.add(() -> startOne(run, batch.get(0).getKey(), batch.get(0).getValue(), ev));
                    } else {
                        starts.add(() -> startBatch(run, batch, ev));
                    }
                }
                inFlight = run.evaluations.values().stream().filter(e -> !e.state.isTerminal()).count();
                boolean budgetSpent = run.evaluations.size() >= d.budget.evaluations;
                boolean experimentsSpent = d.budget.experiments > 0 && reached(run, EvaluatorKind.EXPERIMENT) >= d.budget.experiments;
                boolean simulationsSpent = d.budget.simulations > 0 && reached(run, EvaluatorKind.SIMULATION) >= d.budget.simulations;
                if (r.state == CampaignState.RUNNING && inFlight == 0
                        && (budgetSpent || experimentsSpent || simulationsSpent || timeUp || run.exhausted)) {
                    end(run, CampaignState.COMPLETED, budgetSpent ? "budget spent"
                            : experimentsSpent ? "experiment budget spent (" + d.budget.experiments + " experiments)"
                            : simulationsSpent ? "simulation budget spent (" + d.budget.simulations + " simulations)"
                            : timeUp ? "wall time reached" : "the proposer has no more points");
                    changed = true;
                }
            }
        }
        if (changed) {
            flush();
            changed(run);
        }
        for (Runnable s : starts) {
            s.run();
        }
    }

    /** Evaluations that reached a step of this kind. */
    private static int reached(Run run, EvaluatorKind kind) {
        int n = 0;
        for (EvaluationDTO e : run.evaluations.values()) {
            if (e.kinds.contains(kind)) {
                n++;
            }
        }
        return n;
    }

    /**
     * How many more evaluations a kind's budget allows: those that reached it count, and so does
     * every evaluation in flight that has not yet (it may still), so the budget is never overrun;
     * one that is screened first frees its place. {@code Integer.MAX_VALUE} without a limit.
     */
    private static int kindRoom(Run run, EvaluatorKind kind, int budget) {
        if (budget <= 0) {
            return Integer.MAX_VALUE;
        }
        int spent = 0;
        for (EvaluationDTO e : run.evaluations.values()) {
            if (e.kinds.contains(kind) || !e.state.isTerminal()) {
                spent++;
            }
        }
        return budget - spent;
    }

    private static EvaluatorKind kindOf(Evaluator ev) {
        try {
            EvaluatorKind k = ev.kind();
            return k == null ? EvaluatorKind.OTHER : k;
        } catch (RuntimeException | AbstractMethodError e) {
            return EvaluatorKind.OTHER;
        }
    }

    /**
     * The screen of the step an evaluation is about to run, on the values of its earlier steps:
     * null when it passes (or there is none), else the one line why it does not.
     */
    static String screenFails(StepDTO s, Map<String, Double> values) {
        ScreenDTO sc = s.screen;
        if (sc == null || sc.value == null) {
            return null;
        }
        Double v = values.get(sc.value);
        String at = "step '" + s.name + "' screened: ";
        if (v == null || v.isNaN()) {
            return null; // not screened: the caller fails the evaluation (see screenMissing)
        }
        if (sc.min != null && v < sc.min) {
            return at + sc.value + " " + num(v) + " < min " + num(sc.min);
        }
        if (sc.max != null && v > sc.max) {
            return at + sc.value + " " + num(v) + " > max " + num(sc.max);
        }
        return null;
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** Records {@code room} new proposals; true when something was recorded. */
    private boolean propose(Run run, int room) {
        CampaignRecord r = run.record;
        CampaignDefinition d = r.definition;
        Proposer proposer = proposers.apply(d.proposer.kind);
        if (proposer == null) {
            String wait = "waiting for proposer '" + d.proposer.kind + "'";
            if (!wait.equals(r.message)) {
                r.message = wait;
                put(run);
                return true;
            }
            return false;
        }
        ProposalRequest req = new ProposalRequest();
        req.definition = d;
        List<Integer> observed = new ArrayList<>();
        List<Integer> pendingIndices = new ArrayList<>();
        // a screened point is no better than the worst measured one (null while none is measured)
        Double worst = run.evaluations.values().stream().filter(e -> e.state == EvaluationState.COMPLETED && e.score != null)
                .map(e -> e.score).min(Double::compare).orElse(null);
        for (EvaluationDTO e : run.evaluations.values()) {
            if (e.state == EvaluationState.COMPLETED) {
                req.observations.add(copy(e));
                observed.add(e.index);
            } else if (e.state == EvaluationState.SCREENED) {
                EvaluationDTO c = copy(e);
                c.score = worst;
                req.observations.add(c);
                observed.add(e.index);
            } else if (!e.state.isTerminal()) {
                req.pending.add(e.point);
                pendingIndices.add(e.index);
            }
        }
        if (noteBundle(r, proposer.getClass())) {
            put(run);
        }
        req.count = room;
        req.proposedSoFar = run.evaluations.size();
        req.seed = seedFor(d.seed, req.proposedSoFar);
        List<Map<String, Object>> points;
        try {
            points = proposer.propose(req);
            if (proposer instanceof BayesianProposer && ((BayesianProposer) proposer).fitted() != null) {
                SurrogateDTO s = ((BayesianProposer) proposer).fitted();
                s.campaignId = r.id;
                try {
                    listener.surrogateFitted(s);
                } catch (RuntimeException e) {
                    LOG.warn("campaign {}: a surrogate listener failed: {}", r.id, oneLine(e));
                }
            }
        } catch (RuntimeException e) {
            end(run, CampaignState.FAILED, "proposer '" + d.proposer.kind + "' failed: " + oneLine(e));
            LOG.error("campaign {}: {}", r.id, r.message);
            return true;
        }
        if (points.size() < room) {
            run.exhausted = true;
        }
        long now = clock.getAsLong();
        for (Map<String, Object> p : points.subList(0, Math.min(points.size(), room))) {
            EvaluationDTO e = new EvaluationDTO();
            e.index = run.evaluations.size();
            e.id = r.id + "-" + e.index;
            e.point = new LinkedHashMap<>(p);
            e.state = EvaluationState.PROPOSED;
            e.proposer = d.proposer.kind;
            e.proposerSeed = req.seed;
            e.proposerState.put("observations", observed);
            e.proposerState.put("pending", pendingIndices);
            e.proposerState.put("count", room);
            e.proposerState.put("proposedSoFar", req.proposedSoFar);
            e.step = 0;
            e.stepName = d.pipeline.get(0).name;
            e.attempt = 1;
            e.proposedAt = now;
            run.evaluations.put(e.index, e);
            put(e);
        }
        if (r.message != null && r.message.startsWith("waiting for")) {
            r.message = null;
            put(run);
        }
        return true;
    }

    static long seedFor(long seed, int index) {
        long z = seed * 0x9E3779B97F4A7C15L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private EvaluationRequest request(Run run, EvaluationDTO e) {
        StepDTO s = step(run, e);
        EvaluationRequest req = new EvaluationRequest();
        req.campaignId = run.record.id;
        req.evaluationId = e.id;
        req.stepName = s.name;
        req.attempt = e.attempt;
        req.point.putAll(e.point);
        req.options.putAll(s.options);
        req.inputs.putAll(e.objectives);
        req.dataRefs.addAll(e.dataRefs);
        return req;
    }

    private static StepDTO step(Run run, EvaluationDTO e) {
        return run.record.definition.pipeline.get(e.step);
    }

    /** Outside the lock: the evaluator may take its time to start. */
    private void startOne(Run run, int index, EvaluationRequest req, Evaluator ev) {
        String handle;
        try {
            handle = ev.start(req);
            if (handle == null || handle.isBlank()) {
                throw new IllegalStateException("the evaluator returned no handle");
            }
        } catch (Exception ex) {
            executeOrDrop(() -> failed(run, index, null, "could not start: " + oneLine(ex)));
            return;
        }
        started(run, index, handle, ev);
    }

    /**
     * Outside the lock: several evaluations on one evaluator, started with one
     * {@link Evaluator#startAll} (all or nothing); a failure fails each with the same line.
     */
    private void startBatch(Run run, List<Map.Entry<Integer, EvaluationRequest>> batch, Evaluator ev) {
        List<EvaluationRequest> requests = new ArrayList<>();
        for (Map.Entry<Integer, EvaluationRequest> b : batch) {
            requests.add(b.getValue());
        }
        List<String> handles;
        try {
            handles = ev.startAll(requests);
            if (handles == null || handles.size() != requests.size() || handles.stream().anyMatch(h -> h == null || h.isBlank())) {
                if (handles != null) {
                    handles.stream().filter(h -> h != null && !h.isBlank()).forEach(ev::cancel);
                }
                throw new IllegalStateException("the evaluator returned " + (handles == null ? 0 : handles.size()) + " handles for "
                        + requests.size() + " evaluations");
            }
        } catch (Exception ex) {
            String why = "could not start: " + oneLine(ex);
            for (Map.Entry<Integer, EvaluationRequest> b : batch) {
                int index = b.getKey();
                executeOrDrop(() -> failed(run, index, null, why));
            }
            return;
        }
        for (int i = 0; i < handles.size(); i++) {
            started(run, batch.get(i).getKey(), handles.get(i), ev);
        }
    }

    /** Records the handle of an evaluation that has started, then follows its result. */
    private void started(Run run, int index, String handle, Evaluator ev) {
        synchronized (this) {
            if (halted) {
                return;
            }
            EvaluationDTO e = run.evaluations.get(index);
            if (e.state != EvaluationState.RUNNING || e.handle != null) {
                ev.cancel(handle); // aborted meanwhile
                return;
            }
            e.handle = handle;
            ProvenanceDTO p = new ProvenanceDTO();
            p.step = e.step;
            p.stepName = e.stepName;
            p.attempt = e.attempt;
            p.evaluator = step(run, e).evaluator;
            p.handle = handle;
            p.startedAt = clock.getAsLong();
            Map.Entry<String, String> b = bundleOf.apply(LazyEvaluator.implementation(ev));
            if (b != null) {
                p.bundle = b.getKey();
                p.bundleVersion = b.getValue();
                if (!b.getValue().equals(run.record.bundles.put(b.getKey(), b.getValue()))) {
                    put(run);
                }
            }
            e.provenance.add(p);
            put(e);
            run.attached.add(handle);
        }
        flush();
        attach(run, index, handle, ev);
    }

    private void attach(Run run, int index, String handle, Evaluator ev) {
        try {
            ev.result(handle).whenComplete((result, ex) -> executeOrDrop(() -> {
                if (ex != null) {
                    failed(run, index, handle, oneLine(ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null ? ex.getCause() : ex));
                } else {
                    succeeded(run, index, handle, result);
                }
            }));
        } catch (RuntimeException ex) {
            executeOrDrop(() -> failed(run, index, handle, "could not re-attach: " + oneLine(ex)));
        }
    }

    private void executeOrDrop(Runnable r) {
        if (halted) {
            return;
        }
        try {
            executor.execute(() -> {
                if (!halted) {
                    r.run();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: the journal keeps the evaluation RUNNING with its handle, to re-attach next time
        }
    }

    private void succeeded(Run run, int index, String handle, EvaluationResult result) {
        EvaluationDTO ended = null;
        synchronized (this) {
            EvaluationDTO e = run.evaluations.get(index);
            if (e.state != EvaluationState.RUNNING || !handle.equals(e.handle)) {
                return;
            }
            run.attached.remove(handle);
            recordProvenance(e, handle, result);
            CampaignDefinition d = run.record.definition;
            if (result == null || result.values == null) {
                failedLocked(run, e, "the evaluator returned no result");
            } else {
                Map<String, Double> merged = new LinkedHashMap<>(e.objectives);
                result.values.forEach((k, v) -> {
                    if (k != null) {
                        merged.put(k, v);
                    }
                });
                if (e.step + 1 < d.pipeline.size()) {
                    e.objectives = merged;
                    if (result.dataRefs != null) {
                        e.dataRefs.addAll(result.dataRefs);
                    }
                    e.step++;
                    e.stepName = d.pipeline.get(e.step).name;
                    e.attempt = 1;
                    e.handle = null;
                    e.state = EvaluationState.PROPOSED;
                    StepDTO next = d.pipeline.get(e.step);
                    String screened = screenFails(next, merged);
                    Double screenedValue = next.screen == null ? null : merged.get(next.screen.value);
                    if (screened != null) {
                        e.screenedBy = screened;
                        e.state = EvaluationState.SCREENED;
                        e.endedAt = clock.getAsLong();
                        LOG.info("campaign {} evaluation {} {}", run.record.id, e.id, screened);
                    } else if (next.screen != null && next.screen.value != null && (screenedValue == null || screenedValue.isNaN())) {
                        // retrying this step cannot produce the value: the evaluation fails at once
                        e.error = "step '" + next.name + "': screen value '" + next.screen.value + "' is "
                                + (screenedValue == null ? "not among the earlier steps' values (" + String.join(", ", merged.keySet()) + ")" : "NaN");
                        e.state = EvaluationState.FAILED;
                        e.endedAt = clock.getAsLong();
                        LOG.warn("campaign {} evaluation {} {}", run.record.id, e.id, e.error);
                    }
                    put(e);
                } else {
                    String bad = null;
                    double score = 0;
                    for (ObjectiveDTO o : d.objectives) {
                        Double v = merged.get(o.name);
                        if (v == null) {
                            bad = "the result has no value for objective '" + o.name + "' (it has: " + String.join(", ", merged.keySet()) + ")";
                            break;
                        }
                        if (!Double.isFinite(v)) {
                            bad = "objective '" + o.name + "' is " + v;
                            break;
                        }
                        score += o.weight * switch (o.goal) {
                            case MAXIMISE -> v;
                            case MINIMISE -> -v;
                            case TARGET -> -Math.abs(v - o.target);
                        };
                    }
                    if (bad != null) {
                        failedLocked(run, e, bad);
                    } else {
                        e.objectives = merged;
                        if (result.dataRefs != null) {
                            e.dataRefs.addAll(result.dataRefs);
                        }
                        e.score = score;
                        e.error = null;
                        e.state = EvaluationState.COMPLETED;
                        e.endedAt = clock.getAsLong();
                        put(e);
                    }
                }
                if (e.state.isTerminal()) {
                    ended = copy(e);
                }
            }
        }
        flush();
        if (ended != null) {
            listener.evaluationEnded(run.record.id, ended);
        }
        pump(run);
    }

    private void failed(Run run, int index, String handle, String why) {
        EvaluationDTO ended = null;
        synchronized (this) {
            EvaluationDTO e = run.evaluations.get(index);
            if (e.state != EvaluationState.RUNNING || (handle != null && !handle.equals(e.handle))) {
                return;
            }
            if (handle != null) {
                run.attached.remove(handle);
                recordProvenance(e, handle, null);
            }
            failedLocked(run, e, why);
            if (e.state.isTerminal()) {
                ended = copy(e);
            }
        }
        flush();
        if (ended != null) {
            listener.evaluationEnded(run.record.id, ended);
        }
        pump(run);
    }

    private void failedLocked(Run run, EvaluationDTO e, String why) {
        int max = run.record.definition.retry.maxAttempts;
        e.error = "step '" + e.stepName + "' attempt " + e.attempt + "/" + max + ": " + why;
        LOG.warn("campaign {} evaluation {} {}", run.record.id, e.id, e.error);
        e.handle = null;
        if (e.attempt < max) {
            e.attempt++;
            e.state = EvaluationState.PROPOSED;
        } else {
            e.state = EvaluationState.FAILED;
            e.endedAt = clock.getAsLong();
        }
        put(e);
    }

    /** True when the bundle of {@code type} is new to the campaign (or of another version). */
    private boolean noteBundle(CampaignRecord r, Class<?> type) {
        Map.Entry<String, String> b = bundleOf.apply(type);
        return b != null && !b.getValue().equals(r.bundles.put(b.getKey(), b.getValue()));
    }

    /** The identifiers an evaluator reported go to the provenance record of the attempt with that handle. */
    private void recordProvenance(EvaluationDTO e, String handle, EvaluationResult result) {
        for (int i = e.provenance.size() - 1; i >= 0; i--) {
            ProvenanceDTO p = e.provenance.get(i);
            if (handle.equals(p.handle)) {
                p.endedAt = clock.getAsLong();
                if (result != null && result.provenance != null) {
                    result.provenance.forEach((k, v) -> {
                        if (k != null && v != null) {
                            p.ids.put(oneLine(k), oneLine(v));
                        }
                    });
                }
                return;
            }
        }
    }

    private static String oneLine(String s) {
        return oneLine(new RuntimeException(s));
    }

    private void end(Run run, CampaignState state, String message) {
        run.record.state = state;
        run.record.message = message;
        run.record.endedAt = clock.getAsLong();
        put(run);
        LOG.info("campaign {} {}: {}", run.record.id, state, message);
    }

    // ---- records -------------------------------------------------------------------------------

    private void put(Run run) {
        try {
            journal.put("c/" + run.record.id, Json.MAPPER.writeValueAsBytes(run.record));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode campaign " + run.record.id, e);
        }
    }

    private void put(EvaluationDTO e) {
        try {
            journal.put("e/" + e.id, Json.MAPPER.writeValueAsBytes(e));
        } catch (IOException ex) {
            throw new IllegalStateException("cannot encode evaluation " + e.id, ex);
        }
    }

    /** Hands the records to the operating system: they survive the process being killed. */
    private void flush() {
        if (halted) {
            return;
        }
        try {
            journal.flush();
        } catch (IOException e) {
            LOG.error("campaign journal flush failed: {}", e.getMessage());
        }
    }

    private CampaignStatusDTO status(Run run) {
        synchronized (this) {
            CampaignRecord r = run.record;
            CampaignStatusDTO s = new CampaignStatusDTO();
            s.id = r.id;
            s.name = r.definition.name;
            s.state = r.state;
            s.message = r.message;
            s.budget = r.definition.budget.evaluations;
            s.experimentBudget = r.definition.budget.experiments;
            s.simulationBudget = r.definition.budget.simulations;
            s.createdAt = r.createdAt;
            s.endedAt = r.endedAt;
            s.source = r.definition.source;
            s.sourceHash = r.definition.sourceHash;
            s.definition = Json.MAPPER.convertValue(r.definition, CampaignDefinition.class);
            s.bundles.putAll(r.bundles);
            s.proposed = run.evaluations.size();
            for (EvaluationDTO e : run.evaluations.values()) {
                if (e.state == EvaluationState.COMPLETED || e.state == EvaluationState.FAILED || e.state == EvaluationState.SCREENED) {
                    s.done++;
                }
                if (e.state == EvaluationState.SCREENED) {
                    s.screened++;
                }
                if (e.kinds.contains(EvaluatorKind.EXPERIMENT)) {
                    s.experiments++;
                }
                if (e.kinds.contains(EvaluatorKind.SIMULATION)) {
                    s.simulations++;
                }
                if (e.state == EvaluationState.FAILED) {
                    s.failed++;
                }
                if (!e.state.isTerminal()) {
                    s.inFlight++;
                }
                if (e.state == EvaluationState.COMPLETED && (s.best == null || e.score > s.best.score)) {
                    s.best = e;
                }
            }
            if (s.best != null) {
                s.best = copy(s.best);
            }
            return s;
        }
    }

    private void changed(Run run) {
        try {
            listener.campaignChanged(status(run));
        } catch (RuntimeException e) {
            LOG.warn("campaign listener failed: {}", e.toString());
        }
    }

    private EvaluationDTO copy(EvaluationDTO e) {
        return normalise(Json.MAPPER.convertValue(e, EvaluationDTO.class));
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < m.length() && b.length() < 300; i++) {
            char c = m.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return b.toString().trim();
    }

    /** Stops: evaluations in flight stay recorded with their handles, to be re-attached next time. */
    @Override
    public void close() throws IOException {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the campaign engine did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        halted = true;
        executor.shutdownNow();
        synchronized (this) {
            journal.close();
        }
    }

    /** For tests: dies as a killed process would: no more decisions, the journal left as it is. */
    void halt() throws IOException {
        halted = true;
        executor.shutdownNow();
        synchronized (this) {
            journal.close();
        }
    }
}
