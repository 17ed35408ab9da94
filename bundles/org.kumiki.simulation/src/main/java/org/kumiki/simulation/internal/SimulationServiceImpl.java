package org.kumiki.simulation.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.kumiki.campaign.api.CampaignService;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.TaskFunction;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationRejectedException;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.SimulationTopics;
import org.kumiki.simulation.api.dto.EngineDTO;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.SweepDTO;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.api.spi.RunContext;
import org.kumiki.simulation.api.spi.SimulationEngine;
import org.kumiki.simulation.api.spi.SimulationFailedException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The simulation service: tracks engines (whiteboard), runs specs on a small pool with
 * progress and cancellation, keeps each run's record and results under
 * {@code state/simulation/runs/<id>/}, and runs sweeps as grid campaigns ({@link Sweeps}) whose
 * points are scheduler tasks ({@value #FUNCTION}, or the engine's program) made by its
 * {@value Sweeps#EVALUATOR} evaluator ({@link SweepEvaluator}), collected into one dataset.
 *
 * <p>A run is journaled (platform {@link Journal} in {@code state/simulation/journal}) when
 * it is submitted, when it starts and at each thermo output, and its record moves to
 * {@code run.json} when it ends. A run the container did not see end (killed mid-way) is
 * listed after the restart as {@link RunState#INTERRUPTED} with its thermo rows so far, except a
 * parallel run: its scheduler task outlives the container (the scheduler re-attaches it), so the
 * run stays QUEUED or RUNNING and follows its task again once the scheduler and the engine are bound.
 */
@Component(service = {SimulationService.class, TaskFunction.class}, configurationPid = SimulationServiceImpl.PID,
    immediate = true, property = TaskFunction.NAME + "=" + SimulationServiceImpl.FUNCTION)
@Designate(ocd = SimulationServiceImpl.Config.class)
public class SimulationServiceImpl implements SimulationService, TaskFunction {
    public static final String PID = "org.kumiki.simulation";
    /** The scheduler function that runs one spec (sweep points). */
    public static final String FUNCTION = "kumiki.simulation.run";
    static final int MAX_POINTS = Sweeps.MAX_POINTS;
    /** The most MPI ranks a spec may ask for. */
    static final int MAX_RANKS = 4096;
    /** Label of a parallel run's scheduler task: the run id. */
    static final String LABEL_RUN = "kumiki.simulation.run";
    private static final Logger LOG = LoggerFactory.getLogger(SimulationServiceImpl.class);

    @ObjectClassDefinition(name = "Kumiki simulation service")
    public @interface Config {
        @AttributeDefinition(description = "State folder; empty means state/simulation under the installation home")
        String state_dir() default "";

        @AttributeDefinition(description = "Runs submitted with sim:run / submit() that may run at once", min = "1")
        int max_concurrent_runs() default 1;
    }

    /** Rows of thermo per journal record: a thermo output rewrites one record of at most this many rows. */
    static final int THERMO_CHUNK = 100;

    private final Path stateDir;
    /** Null only for the tests' journal-less constructor. */
    private final Journal journal;
    private final ExecutorService pool;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Sweeps sweeps;
    private final Map<String, SimulationEngine> engines = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final String idBase = Long.toString(System.currentTimeMillis(), 36);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin events;

    volatile Scheduler scheduler;
    /** Parallel runs found in the journal at start-up whose scheduler task is still to be followed. */
    private final Map<String, Run> reattach = new ConcurrentHashMap<>();
    /** Set at deactivation: a task ending afterwards is not recorded by this (stopped) instance. */
    private volatile boolean closed;

    /** The scheduler (optional): parallel runs and sweep points are its tasks. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    void setScheduler(Scheduler s) {
        scheduler = s;
        reattach();
    }

    void unsetScheduler(Scheduler s) {
        if (scheduler == s) {
            scheduler = null;
        }
    }

    /** Sweeps run as grid campaigns on it; without it they are refused. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
        policyOption = ReferencePolicyOption.GREEDY)
    volatile CampaignService campaigns;

    /** What is kept on disk per run. */
    public static final class Stored {
        public RunDTO run;
        public SimulationSpec spec;
        public SimulationResultDTO result;
    }

    @Activate
    public SimulationServiceImpl(@Reference Installation installation, @Reference JournalFactory journals, Config config) throws IOException {
        this(journals, config.state_dir().isBlank() ? installation.stateDirectory("simulation") : Path.of(config.state_dir()),
            config.max_concurrent_runs());
    }

    /** Without a journal: runs that do not end are not kept (for tests of other parts). */
    public SimulationServiceImpl(Path stateDir, int maxConcurrent) throws IOException {
        this(null, stateDir, maxConcurrent);
    }

    /** Package-private: SCR must find one public constructor with three arguments, the one above. */
    SimulationServiceImpl(JournalFactory journals, Path stateDir, int maxConcurrent) throws IOException {
        this.stateDir = stateDir.toAbsolutePath();
        Files.createDirectories(this.stateDir.resolve("runs"));
        Files.createDirectories(this.stateDir.resolve("sweeps"));
        Map<String, byte[]> live = new java.util.LinkedHashMap<>();
        this.journal = journals == null ? null : journals.open(this.stateDir.resolve("journal"), live::put);
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(Math.max(1, maxConcurrent), r -> {
            Thread t = new Thread(r, "kumiki-simulation-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        load();
        this.sweeps = new Sweeps(this.stateDir.resolve("sweeps"), journal, live, this::engineFor, () -> scheduler, () -> campaigns);
        if (journal != null) {
            recoverInterrupted(live);
        }
    }

    @Deactivate
    void deactivate() {
        closed = true;
        for (Run r : runs.values()) {
            r.cancelRequested = true;
        }
        pool.shutdownNow();
        sweeps.close();
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                LOG.warn("closing the simulation journal: {}", e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ the journal

    static String runKey(String id) {
        return "run/" + id;
    }

    static String thermoKey(String id, int chunk) {
        return "thermo/" + id + "/" + chunk;
    }

    /** The run's record (state, spec), at submit and at start. */
    private void journalRun(Run run) {
        if (journal == null) {
            return;
        }
        try {
            Stored s = new Stored();
            s.run = run.dto();
            s.spec = run.spec;
            journal.put(runKey(run.id), Json.MAPPER.writeValueAsBytes(s));
            journal.flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot journal run {}: {}", run.id, e.toString());
        }
    }

    /** The chunk of thermo rows that holds the newest row (lock on run held). */
    private void journalThermo(Run run) {
        if (journal == null) {
            return;
        }
        int last = run.thermo.size() - 1;
        int chunk = last / THERMO_CHUNK;
        run.journaledChunks = Math.max(run.journaledChunks, chunk + 1);
        try {
            journal.put(thermoKey(run.id, chunk),
                Json.MAPPER.writeValueAsBytes(run.thermo.subList(chunk * THERMO_CHUNK, last + 1)));
            // handed to the OS before the row is visible (the run's lock is held): a row anyone
            // saw survives kill -9 (a write per thermo output, not an fsync)
            journal.flush();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot journal thermo of run {}: {}", run.id, e.toString());
        }
    }

    /** Once run.json holds the run: its journal records go. */
    private void forget(String id, int thermoChunks) {
        if (journal == null) {
            return;
        }
        try {
            journal.remove(runKey(id));
            for (int c = 0; c < thermoChunks; c++) {
                journal.remove(thermoKey(id, c));
            }
        } catch (RuntimeException e) {
            LOG.warn("cannot drop the journal records of run {}: {}", id, e.toString());
        }
    }

    /**
     * Runs the journal knows but that have no final run.json: the container stopped (or was
     * killed) while they were queued or running. They become INTERRUPTED, with their thermo.
     */
    private void recoverInterrupted(Map<String, byte[]> live) throws IOException {
        long liveBytes = 0;
        Map<String, List<ThermoDTO>> thermo = new HashMap<>();
        Map<String, Stored> recs = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : live.entrySet()) {
            liveBytes += e.getValue().length + e.getKey().length();
            try {
                if (e.getKey().startsWith("run/")) {
                    recs.put(e.getKey().substring(4), Json.MAPPER.readValue(e.getValue(), Stored.class));
                } else if (e.getKey().startsWith("thermo/")) {
                    String rest = e.getKey().substring(7);
                    int slash = rest.lastIndexOf('/');
                    int chunk = Integer.parseInt(rest.substring(slash + 1));
                    List<ThermoDTO> rows = thermo.computeIfAbsent(rest.substring(0, slash), k -> new ArrayList<>());
                    ThermoDTO[] got = Json.MAPPER.readValue(e.getValue(), ThermoDTO[].class);
                    while (rows.size() < chunk * THERMO_CHUNK) {
                        rows.add(null); // a chunk lost to damage: filled below
                    }
                    for (int i = 0; i < got.length; i++) {
                        int at = chunk * THERMO_CHUNK + i;
                        if (at < rows.size()) {
                            rows.set(at, got[i]);
                        } else {
                            rows.add(got[i]);
                        }
                    }
                }
            } catch (IOException | RuntimeException ex) {
                LOG.warn("simulation journal record {} is unreadable and skipped: {}", e.getKey(), ex.getMessage());
            }
        }
        for (Map.Entry<String, Stored> e : recs.entrySet()) {
            String id = e.getKey();
            List<ThermoDTO> rows = thermo.getOrDefault(id, List.of());
            Run known = runs.get(id);
            if (known != null && known.state.isTerminal()) {
                forget(id, chunks(rows.size())); // run.json was written; the crash came before the journal was cleaned
                continue;
            }
            Stored s = e.getValue();
            if (s.run == null || s.spec == null) {
                continue;
            }
            Run r = new Run(id, s.spec, s.run.engine, stateDir.resolve("runs").resolve(id), s.run.submitted);
            r.started = s.run.started;
            r.atoms = s.run.atoms;
            if (s.run.taskId != null) {
                // a parallel run is a scheduler task, which outlives the container (the scheduler
                // re-attaches it): the run follows its task again once the scheduler and the engine are here
                r.taskId = s.run.taskId;
                r.state = s.run.state == RunState.RUNNING ? RunState.RUNNING : RunState.QUEUED;
                r.step = s.run.step;
                r.message = "re-attaching to scheduler task " + r.taskId + " after a restart";
                runs.put(id, r);
                reattach.put(id, r);
                LOG.info("simulation run {} follows scheduler task {} again", id, r.taskId);
                continue;
            }
            for (ThermoDTO t : rows) {
                if (t != null) {
                    r.thermo.add(t);
                }
            }
            r.step = r.thermo.isEmpty() ? s.run.step : r.thermo.get(r.thermo.size() - 1).step;
            r.state = RunState.INTERRUPTED;
            r.ended = System.currentTimeMillis();
            r.message = s.run.state == RunState.RUNNING
                ? "interrupted at step " + r.step + " of " + s.spec.steps + ": the container stopped while it ran ("
                    + r.thermo.size() + " thermo rows kept)"
                : "interrupted: the container stopped before the run started";
            r.done.complete(r.dto());
            runs.put(id, r);
            if (store(r)) {
                forget(id, chunks(rows.size()));
            }
            LOG.warn("simulation run {} {}", id, r.message);
        }
        for (String id : thermo.keySet()) {
            if (!recs.containsKey(id)) {
                forget(id, chunks(thermo.get(id).size())); // orphaned rows (its run record was damaged)
            }
        }
        journal.flush();
        if (journal.sizeBytes() > 1 << 20 && journal.sizeBytes() > 3 * liveBytes) {
            Map<String, byte[]> keep = new java.util.LinkedHashMap<>(live);
            keep.keySet().removeIf(k -> {
                String id = k.startsWith("run/") ? k.substring(4) : k.startsWith("thermo/") ? k.substring(7, k.lastIndexOf('/')) : null;
                // the records of a run still followed (re-attached) are kept
                return !Sweeps.owns(k) && (id == null || runs.containsKey(id) && !reattach.containsKey(id));
            });
            journal.compact(keep);
        }
    }

    @Reference(service = SimulationEngine.class, cardinality = ReferenceCardinality.MULTIPLE,
        policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addEngine(SimulationEngine engine) {
        engines.put(engine.name(), engine);
        reattach();
    }

    /**
     * Follows the scheduler task of each parallel run recovered from the journal whose engine is
     * bound, once the scheduler is: the run ends with its task, as if the container had not stopped.
     */
    private void reattach() {
        Scheduler sched = scheduler;
        if (sched == null || reattach.isEmpty()) {
            return;
        }
        for (Run run : reattach.values()) {
            SimulationEngine engine = engines.get(run.engine);
            if (engine == null || reattach.remove(run.id) == null) {
                continue;
            }
            synchronized (run) {
                run.message = null;
            }
            sched.await(run.taskId).whenComplete((done, err) -> ended(run, engine, done, err));
        }
    }

    public void removeEngine(SimulationEngine engine) {
        engines.remove(engine.name(), engine);
    }

    // ------------------------------------------------------------------ engines and runs

    @Override
    public List<EngineDTO> engines() {
        List<EngineDTO> out = new ArrayList<>();
        for (SimulationEngine e : new TreeMap<>(engines).values()) {
            EngineDTO d = new EngineDTO();
            d.name = e.name();
            d.models.addAll(new java.util.TreeSet<>(e.models()));
            d.description = e.description();
            d.available = e.available();
            out.add(d);
        }
        return out;
    }

    /** Validates the spec and picks its engine. */
    SimulationEngine engineFor(SimulationSpec spec) {
        if (spec == null) {
            throw new SimulationRejectedException("no spec");
        }
        if (spec.model == null || spec.model.isBlank()) {
            throw new SimulationRejectedException("no model");
        }
        if (spec.name != null && spec.name.length() > 200) {
            throw new SimulationRejectedException("name longer than 200 characters");
        }
        if (spec.labels != null && spec.labels.size() > 100) {
            throw new SimulationRejectedException("more than 100 labels");
        }
        if (spec.ranks < 1 || spec.ranks > MAX_RANKS) {
            throw new SimulationRejectedException("ranks must be between 1 and " + MAX_RANKS + ", got " + spec.ranks);
        }
        if (spec.backend != null && (spec.backend.isBlank() || spec.backend.length() > 64)) {
            throw new SimulationRejectedException("backend must be a backend name (local, slurm, ...), got '" + spec.backend + "'");
        }
        SimulationEngine engine;
        if (spec.engine != null) {
            engine = engines.get(spec.engine);
            if (engine == null) {
                throw new SimulationRejectedException("unknown engine '" + spec.engine + "' (registered: "
                    + String.join(", ", new java.util.TreeSet<>(engines.keySet())) + ")");
            }
            if (!engine.models().contains(spec.model)) {
                throw new SimulationRejectedException("engine " + spec.engine + " does not run model " + spec.model);
            }
        } else {
            SimulationEngine md = engines.get("md");
            if (md != null && md.models().contains(spec.model) && md.available()) {
                engine = md;
            } else {
                engine = new TreeMap<>(engines).values().stream()
                    .filter(e -> e.models().contains(spec.model) && e.available()).findFirst()
                    .orElseThrow(() -> new SimulationRejectedException("no available engine runs model '" + spec.model + "'"));
            }
        }
        if (!engine.available()) {
            throw new SimulationRejectedException("engine " + engine.name() + " is not available: " + engine.description());
        }
        try {
            engine.validate(spec);
        } catch (IllegalArgumentException e) {
            throw new SimulationRejectedException(e.getMessage());
        }
        return engine;
    }

    @Override
    public RunDTO submit(SimulationSpec spec) {
        SimulationEngine engine = engineFor(spec);
        Scheduler sched = scheduler;
        if (spec.ranks > 1) {
            // a parallel run: the engine's program as a scheduler task on N ranks; without a
            // scheduler (and no backend asked for) the engine starts its ranks itself
            if (sched != null) {
                return submitParallel(copy(spec), engine, sched);
            }
            if (spec.backend != null) {
                throw new SimulationRejectedException("no scheduler is available to run on backend " + spec.backend);
            }
            requireProgram(engine, spec, null);
        }
        Run run = newRun(copy(spec), engine.name());
        post(run);
        pool.execute(() -> execute(run, engine));
        return run.dto();
    }

    private String nextId() {
        return "run-" + idBase + "-" + seq.incrementAndGet();
    }

    private Run newRun(SimulationSpec spec, String engine) {
        String id = nextId();
        Run run = new Run(id, spec, engine, stateDir.resolve("runs").resolve(id), System.currentTimeMillis());
        runs.put(id, run);
        journalRun(run);
        return run;
    }

    /** The engine's command for the spec, written into {@code dir} (a scratch folder when null). */
    private List<String> requireProgram(SimulationEngine engine, SimulationSpec spec, Path dir) {
        Path d = dir;
        try {
            if (d == null) {
                d = Files.createTempDirectory(stateDir.resolve("runs"), ".check-");
            }
            List<String> cmd = engine.prepareCommand(spec, d);
            if (cmd == null || cmd.isEmpty()) {
                throw new SimulationRejectedException("engine " + engine.name() + " runs in-process only: ranks > 1 needs an engine that is a program (lammps)");
            }
            return cmd;
        } catch (SimulationFailedException e) {
            throw new SimulationRejectedException(e.getMessage());
        } catch (IOException e) {
            throw new SimulationRejectedException("cannot write under " + stateDir + ": " + e.getMessage());
        } finally {
            if (dir == null && d != null) {
                deleteTree(d);
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

    /**
     * A run on {@code spec.ranks} ranks: the engine's program (plain, e.g. {@code lmp -in ...}) as
     * one parallel scheduler task ({@code resources.tasks} = ranks, launcher AUTO), which the
     * backend starts on its ranks ({@code mpirun -np N} locally, {@code srun} on Slurm). Its
     * results are read from the run folder when the task ends.
     */
    private RunDTO submitParallel(SimulationSpec spec, SimulationEngine engine, Scheduler sched) {
        String id = nextId();
        Path dir = stateDir.resolve("runs").resolve(id);
        List<String> cmd = requireProgram(engine, spec, dir);
        TaskSpec t = new TaskSpec();
        t.name = spec.name == null ? id : spec.name;
        t.command = new ArrayList<>(cmd);
        t.workingDirectory = dir.toString();
        t.stdout = dir.resolve("stdout.txt").toString();
        t.stderr = dir.resolve("stderr.txt").toString();
        t.resources.tasks = spec.ranks;
        t.launcher = Launcher.AUTO;
        t.backend = spec.backend;
        t.labels.put(LABEL_RUN, id);
        TaskRecordDTO rec;
        try {
            rec = sched.submit(t);
        } catch (TaskRejectedException e) {
            deleteTree(dir);
            throw new SimulationRejectedException("the scheduler refused the run: " + e.getMessage());
        }
        Run run = new Run(id, spec, engine.name(), dir, System.currentTimeMillis());
        run.taskId = rec.id;
        runs.put(id, run);
        journalRun(run);
        post(run);
        LOG.info("simulation run {} on {} ranks is scheduler task {}", id, spec.ranks, rec.id);
        sched.await(rec.id).whenComplete((done, err) -> ended(run, engine, done, err));
        return run.dto();
    }

    /** A parallel run's task has ended: its results come from the log it left. */
    private void ended(Run run, SimulationEngine engine, TaskRecordDTO done, Throwable err) {
        if (closed) {
            return; // this instance has stopped: the next one re-attaches the task from the journal
        }
        try {
            if (err != null || done == null) {
                finish(run, RunState.FAILED, "lost the scheduler task " + run.taskId + ": " + (err == null ? "no record" : err.getMessage()), null);
                return;
            }
            if (done.state == TaskState.CANCELLED || run.cancelRequested) {
                finish(run, RunState.CANCELLED, "cancelled", null);
                return;
            }
            synchronized (run) {
                if (run.started == 0) {
                    run.started = done.startedAt > 0 ? done.startedAt : System.currentTimeMillis();
                }
            }
            SimulationResultDTO result = null;
            String why = null;
            if (done.state == TaskState.COMPLETED || done.state == TaskState.FAILED) {
                try {
                    result = engine.collectCommand(run.spec, run.dir);
                } catch (SimulationFailedException e) {
                    why = e.getMessage();
                }
            }
            if (done.state == TaskState.COMPLETED && result != null) {
                finish(run, RunState.COMPLETED, null, result);
            } else {
                String reason = why != null ? why : done.reason != null ? done.reason : "task " + done.id + " ended " + done.state;
                finish(run, RunState.FAILED, reason, null);
            }
        } catch (RuntimeException e) {
            LOG.error("simulation run {} could not be collected", run.id, e);
            finish(run, RunState.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
    }

    /** Runs in the calling thread. */
    void execute(Run run, SimulationEngine engine) {
        synchronized (run) {
            if (run.cancelRequested) {
                finish(run, RunState.CANCELLED, "cancelled before it started", null);
                return;
            }
            run.state = RunState.RUNNING;
            run.started = System.currentTimeMillis();
        }
        journalRun(run);
        post(run);
        try {
            Files.createDirectories(run.dir);
            SimulationResultDTO result = engine.run(run.spec, context(run));
            finish(run, run.cancelRequested ? RunState.CANCELLED : RunState.COMPLETED,
                run.cancelRequested ? "cancelled" : null, result);
        } catch (SimulationFailedException e) {
            finish(run, run.cancelRequested ? RunState.CANCELLED : RunState.FAILED, e.getMessage(), null);
        } catch (Throwable t) {
            LOG.error("simulation run {} failed unexpectedly", run.id, t);
            finish(run, RunState.FAILED, t.getClass().getSimpleName() + ": " + t.getMessage(), null);
        }
    }

    private RunContext context(Run run) {
        return new RunContext() {
            @Override
            public String runId() {
                return run.id;
            }

            @Override
            public Path workDirectory() {
                return run.dir;
            }

            @Override
            public boolean isCancelled() {
                return run.cancelRequested;
            }

            @Override
            public void progress(long step) {
                synchronized (run) {
                    run.step = step;
                }
            }

            @Override
            public void thermo(ThermoDTO row) {
                synchronized (run) {
                    run.thermo.add(row);
                    run.step = row.step;
                    journalThermo(run);
                }
            }

            @Override
            public void warning(String message) {
                synchronized (run) {
                    if (run.warnings.size() < 1000) {
                        run.warnings.add(message);
                    }
                }
            }
        };
    }

    private void finish(Run run, RunState state, String message, SimulationResultDTO result) {
        RunDTO dto;
        synchronized (run) {
            run.state = state;
            run.message = message;
            run.ended = System.currentTimeMillis();
            if (result != null) {
                run.result = result;
                run.atoms = result.atoms;
                run.step = result.steps;
                if (run.thermo.isEmpty()) {
                    run.thermo.addAll(result.thermo);
                }
                for (String w : result.warnings) {
                    if (!run.warnings.contains(w)) {
                        run.warnings.add(w);
                    }
                }
            }
            dto = run.dto();
        }
        if (store(run)) {
            forget(run.id, run.journaledChunks);
        }
        post(run);
        run.done.complete(dto);
    }

    static int chunks(int rows) {
        return (rows + THERMO_CHUNK - 1) / THERMO_CHUNK;
    }

    /** Writes run.json; false when it could not (the journal then keeps the run). */
    private boolean store(Run run) {
        try {
            Files.createDirectories(run.dir);
            Stored s = new Stored();
            s.run = run.dto();
            s.spec = run.spec;
            s.result = run.resultDto();
            Path tmp = run.dir.resolve("run.json.tmp");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(s));
            Files.move(tmp, run.dir.resolve("run.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            LOG.error("cannot store run {}: {}", run.id, e.getMessage());
            return false;
        }
    }

    private void load() {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(stateDir.resolve("runs"))) {
            for (Path d : ds) {
                Path f = d.resolve("run.json");
                if (!Files.isRegularFile(f)) {
                    continue;
                }
                try {
                    Stored s = Json.MAPPER.readValue(f.toFile(), Stored.class);
                    if (s.run == null || s.run.state == null) {
                        throw new IOException("no run state");
                    }
                    Run r = new Run(s.run.id, s.spec, s.run.engine, d, s.run.submitted);
                    r.state = s.run.state;
                    r.message = s.run.message;
                    r.step = s.run.step;
                    r.atoms = s.run.atoms;
                    r.started = s.run.started;
                    r.ended = s.run.ended;
                    r.result = s.result;
                    if (s.result != null) {
                        r.thermo.addAll(s.result.thermo);
                        r.warnings.addAll(s.result.warnings);
                    }
                    r.done.complete(r.dto());
                    runs.put(r.id, r);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("skipping unreadable run record {}: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list {}: {}", stateDir, e.getMessage());
        }
    }

    private void post(Run run) {
        EventAdmin ea = events;
        if (ea == null) {
            return;
        }
        RunDTO d = run.dto();
        Map<String, Object> props = new HashMap<>();
        props.put(SimulationTopics.RUN_ID, d.id);
        if (d.name != null) {
            props.put(SimulationTopics.RUN_NAME, d.name);
        }
        props.put(SimulationTopics.RUN_ENGINE, d.engine);
        props.put(SimulationTopics.RUN_STATE, d.state.name());
        ea.postEvent(new Event(SimulationTopics.topic(d.state), props));
    }

    @Override
    public Optional<RunDTO> get(String runId) {
        Run r = runId == null ? null : runs.get(runId);
        if (r != null) {
            refresh(r);
        }
        return r == null ? Optional.empty() : Optional.of(r.dto());
    }

    /** A queued parallel run whose task has started becomes RUNNING. */
    private void refresh(Run r) {
        Scheduler sched = scheduler;
        if (r.taskId == null || sched == null) {
            return;
        }
        synchronized (r) {
            if (r.state != RunState.QUEUED) {
                return;
            }
        }
        Optional<TaskRecordDTO> t;
        try {
            t = sched.get(r.taskId);
        } catch (RuntimeException e) {
            return;
        }
        boolean changed = false;
        synchronized (r) {
            if (r.state == RunState.QUEUED && t.isPresent() && t.get().state == TaskState.RUNNING) {
                r.state = RunState.RUNNING;
                r.started = t.get().startedAt > 0 ? t.get().startedAt : System.currentTimeMillis();
                changed = true;
            }
        }
        if (changed) {
            journalRun(r);
            post(r);
        }
    }

    @Override
    public List<RunDTO> list() {
        List<RunDTO> out = new ArrayList<>();
        for (Run r : runs.values()) {
            out.add(r.dto());
        }
        out.sort(Comparator.comparingLong((RunDTO d) -> -d.submitted).thenComparing(d -> d.id, Comparator.reverseOrder()));
        return out;
    }

    private Run require(String runId) {
        Run r = runId == null ? null : runs.get(runId);
        if (r == null) {
            throw new SimulationRejectedException("unknown run '" + runId + "'");
        }
        return r;
    }

    @Override
    public boolean cancel(String runId) {
        Run r = require(runId);
        synchronized (r) {
            if (r.state.isTerminal()) {
                return false;
            }
            r.cancelRequested = true;
        }
        Scheduler sched = scheduler;
        if (r.taskId != null && sched != null) {
            try {
                sched.cancel(r.taskId);
            } catch (RuntimeException e) {
                LOG.debug("cancelling task {} of run {}: {}", r.taskId, runId, e.toString());
            }
        }
        return true;
    }

    @Override
    public CompletionStage<RunDTO> await(String runId) {
        return require(runId).done.copy();
    }

    @Override
    public SimulationResultDTO results(String runId) {
        return require(runId).resultDto();
    }

    // ------------------------------------------------------------------ the scheduler function

    @Override
    public String apply(String jsonArguments, Context context) throws Exception {
        if (jsonArguments == null) {
            throw new IllegalArgumentException("no arguments: expected {\"spec\": {...}}");
        }
        JsonNode args = Json.MAPPER.readTree(jsonArguments);
        if (args == null || !args.isObject() || !args.has("spec")) {
            throw new IllegalArgumentException("expected {\"spec\": {...}}");
        }
        SimulationSpec spec = Json.MAPPER.treeToValue(args.get("spec"), SimulationSpec.class);
        SimulationEngine engine = engineFor(spec);
        Run run = newRun(spec, engine.name());
        post(run);
        Thread watcher = new Thread(() -> {
            while (!run.done.isDone()) {
                if (context.isCancelled()) {
                    run.cancelRequested = true;
                }
                try {
                    run.done.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // poll again
                } catch (Exception e) {
                    return;
                }
            }
        }, "kumiki-simulation-cancel-" + run.id);
        watcher.setDaemon(true);
        watcher.start();
        execute(run, engine);
        RunDTO d = run.dto();
        if (d.state != RunState.COMPLETED) {
            throw new SimulationFailedException(d.id + " " + d.state + ": " + d.message);
        }
        ObjectNode out = summary(run.id, run.engine, run.resultDto());
        if (args.path("thermo").asBoolean(false)) {
            // every thermo row, for callers that reduce them themselves (the campaign's simulation evaluator)
            out.set("thermo", Json.MAPPER.valueToTree(run.resultDto().thermo));
        }
        return Json.MAPPER.writeValueAsString(out);
    }

    /** A point's result: run id, final thermo row, means over the second half, speed. */
    static ObjectNode summary(String runId, String engine, SimulationResultDTO r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("runId", runId == null ? "" : runId);
        o.put("engine", engine);
        o.put("state", r.state == null ? "COMPLETED" : r.state.name());
        o.put("atoms", r.atoms);
        o.put("steps", r.steps);
        o.put("atomStepsPerSecond", r.atomStepsPerSecond);
        if (!r.thermo.isEmpty()) {
            ThermoDTO last = r.thermo.get(r.thermo.size() - 1);
            o.set("final", Json.MAPPER.valueToTree(last));
            long half = last.step / 2;
            double[] m = new double[4];
            int k = 0;
            for (ThermoDTO t : r.thermo) {
                if (t.step >= half) {
                    m[0] += t.temperature;
                    m[1] += t.pairEnergy;
                    m[2] += t.totalEnergy;
                    m[3] += t.pressure;
                    k++;
                }
            }
            ObjectNode mean = o.putObject("mean");
            mean.put("temperature", m[0] / k);
            mean.put("pairEnergy", m[1] / k);
            mean.put("totalEnergy", m[2] / k);
            mean.put("pressure", m[3] / k);
        }
        return o;
    }

    // ------------------------------------------------------------------ sweeps (grid campaigns, see Sweeps)

    @Override
    public SweepDTO sweep(SweepSpec sweep) {
        return sweeps.sweep(sweep);
    }

    @Override
    public Optional<SweepDTO> sweepStatus(String sweepId) {
        return sweeps.sweepStatus(sweepId);
    }

    @Override
    public List<SweepDTO> sweeps() {
        return sweeps.sweeps();
    }

    @Override
    public CompletionStage<SweepDTO> awaitSweep(String sweepId) {
        return sweeps.awaitSweep(sweepId);
    }

    /** The sweeps, whose evaluator {@link SweepEvaluator} registers. */
    Sweeps sweepManager() {
        return sweeps;
    }

    /** The base spec with one grid point applied. */
    static SimulationSpec withPoint(SimulationSpec base, Map<String, Double> point) {
        SimulationSpec s = copy(base);
        for (Map.Entry<String, Double> e : point.entrySet()) {
            double v = e.getValue();
            switch (e.getKey()) {
                case "temperature":
                    s.temperature = v;
                    break;
                case "density":
                    s.density = v;
                    break;
                case "timestep":
                    s.timestep = v;
                    break;
                case "targetTemperature":
                    s.targetTemperature = v;
                    break;
                case "cutoff":
                    s.cutoff = v;
                    break;
                case "steps":
                    s.steps = (long) v;
                    break;
                case "seed":
                    s.seed = (long) v;
                    break;
                default:
                    throw new SimulationRejectedException("unknown sweep parameter " + e.getKey());
            }
        }
        return s;
    }

    static SimulationSpec copy(SimulationSpec s) {
        return Json.MAPPER.convertValue(s, SimulationSpec.class);
    }
}
