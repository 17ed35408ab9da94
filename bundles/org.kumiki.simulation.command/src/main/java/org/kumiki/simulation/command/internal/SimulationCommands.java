package org.kumiki.simulation.command.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.EngineDTO;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.SweepDTO;
import org.kumiki.simulation.api.dto.SweepPointDTO;
import org.kumiki.simulation.api.dto.SweepSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The {@code sim} Gogo scope. */
@Component(service = Object.class)
@GogoCommand(scope = "sim", function = {"engines", "run", "status", "results", "cancel", "sweep"})
public class SimulationCommands {

    static final String RUN_USAGE = "[-w|--wait] [-t DURATION (30, 90s, 5m, 1h30m)] KEY=VALUE...\n"
        + "  Keys are SimulationSpec fields: engine, model, density, cellsX, cellsY, cellsZ, temperature, seed,\n"
        + "  cutoff, skin, neighborEvery, neighborDelay, neighborCheck, timestep, steps, thermoEvery, ensemble (nve|nvt),\n"
        + "  targetTemperature, thermostatDamping, dataFile, writeData, threads, name; cells=N sets all three;\n"
        + "  scriptFile=PATH reads a LAMMPS input (model lammps-script, engine lammps);\n"
        + "  ranks=N runs on N MPI ranks as one parallel scheduler task (engine lammps) on backend=NAME (e.g. slurm).\n"
        + "  Example: sim:run -w cells=10 temperature=1.2 steps=1000 thermoEvery=100\n"
        + "  Example: sim:run -w engine=lammps cells=20 steps=500 ranks=4 backend=slurm";
    static final String SWEEP_USAGE = "[-w|--wait] [-t DURATION (30, 90s, 5m, 1h30m)] [--format csv|json] [--backend NAME] [--cpus N] [--commands] PARAM=V1,V2,... KEY=VALUE...\n"
        + "  | SWEEP-ID (the sweep and its finished points) | nothing (every sweep, also from before a restart)\n"
        + "  PARAM is one of temperature, density, timestep, targetTemperature, cutoff, steps, seed (every value a grid point);\n"
        + "  other KEY=VALUE set the base spec as for sim:run. --commands runs each point as a command task of the\n"
        + "  engine's own program (engine=lammps: lmp itself is the task, e.g. on Slurm).\n"
        + "  Example: sim:sweep -w cells=5 steps=2000 temperature=0.8,1.0,1.2 density=0.7,0.8442";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final SimulationService service;

    @Activate
    public SimulationCommands(@Reference SimulationService service) {
        this.service = service;
    }

    @Descriptor("List the simulation engines, their models and availability")
    public String engines() {
        List<EngineDTO> list = service.engines();
        if (list.isEmpty()) {
            return "No engines.\n";
        }
        TextTable t = new TextTable("ENGINE", "MODELS", "AVAILABLE", "DESCRIPTION");
        for (EngineDTO e : list) {
            t.row(e.name, String.join(",", e.models), e.available ? "yes" : "no", e.description);
        }
        return t.toString();
    }

    @Descriptor("Start a simulation; prints its run id (with -w, waits and prints the final thermo)")
    public String run(@Descriptor(RUN_USAGE) String... args) throws IOException {
        Options o = Options.parse(args, false);
        SimulationSpec spec = spec(o.values);
        RunDTO r = service.submit(spec);
        if (!o.wait) {
            return "Submitted " + r.id + " on engine " + r.engine + " (" + r.state + ")\n";
        }
        RunDTO done = await(() -> service.await(r.id).toCompletableFuture(), o.timeoutSeconds, r.id);
        return status(done) + results(r.id);
    }

    @Descriptor("Show runs (newest first) or one run")
    public String status(@Descriptor("run ids (none: all runs)") String... ids) {
        if (ids == null || ids.length == 0) {
            List<RunDTO> runs = service.list();
            if (runs.isEmpty()) {
                return "No runs.\n";
            }
            TextTable t = new TextTable("ID", "NAME", "ENGINE", "STATE", "STEP", "ATOMS", "MESSAGE");
            for (RunDTO r : runs) {
                t.row(r.id, r.name == null ? "" : r.name, r.engine, r.state, r.step + "/" + r.steps, r.atoms,
                    Text.shown(r.message, 300));
            }
            return t.toString();
        }
        StringBuilder b = new StringBuilder();
        for (String id : ids) {
            if (id.startsWith("sweep-")) {
                SweepDTO s = service.sweepStatus(id).orElseThrow(() -> new IllegalArgumentException("unknown sweep '" + id + "'"));
                b.append(sweep(s));
            } else {
                b.append(status(service.get(id).orElseThrow(() -> new IllegalArgumentException("unknown run '" + id + "'"))));
            }
        }
        return b.toString();
    }

    private static String status(RunDTO r) {
        return r.id + " " + r.state + " engine=" + r.engine + " step=" + r.step + "/" + r.steps + " atoms=" + r.atoms
            + (r.message == null ? "" : "\n  " + Text.shown(r.message, 300)) + "\n";
    }

    @Descriptor("Show a run's thermo series, files and performance")
    public String results(@Descriptor("run id") String id) {
        SimulationResultDTO r = service.results(id);
        TextTable t = new TextTable("STEP", "TEMP", "E_PAIR", "TOTENG", "PRESS");
        for (ThermoDTO row : r.thermo) {
            t.row(row.step, g(row.temperature), g(row.pairEnergy), g(row.totalEnergy), g(row.pressure));
        }
        StringBuilder b = new StringBuilder(t.toString());
        if (r.loopSeconds > 0) {
            b.append(String.format(Locale.ROOT, "Loop time %.3f s, %d atoms, %d steps, %.4g atom-steps/s%n", r.loopSeconds,
                r.atoms, r.steps, r.atomStepsPerSecond));
        }
        if (r.performance != null) {
            b.append(r.performance).append('\n');
        }
        for (Map.Entry<String, String> f : r.files.entrySet()) {
            b.append(f.getKey()).append(": ").append(f.getValue()).append('\n');
        }
        for (String w : r.warnings) {
            b.append("warning: ").append(Text.shown(w, 300)).append('\n');
        }
        if (r.message != null) {
            b.append(r.state).append(": ").append(Text.shown(r.message, 300)).append('\n');
        }
        return b.toString();
    }

    @Descriptor("Cancel runs that have not ended")
    public String cancel(@Descriptor("run ids") String... ids) {
        if (ids == null || ids.length == 0) {
            throw new IllegalArgumentException("sim:cancel needs run ids");
        }
        StringBuilder b = new StringBuilder();
        for (String id : ids) {
            b.append(id).append(service.cancel(id) ? " cancelling\n" : " had already ended\n");
        }
        return b.toString();
    }

    @Descriptor("Run a parameter sweep (a grid campaign of scheduler tasks) and collect one dataset; or show sweeps")
    public String sweep(@Descriptor(SWEEP_USAGE) String... args) throws IOException {
        if (args == null || args.length == 0) {
            return sweeps();
        }
        if (args.length == 1 && args[0].startsWith("sweep-") && args[0].indexOf('=') < 0) {
            String id = args[0];
            SweepDTO s = service.sweepStatus(id).orElseThrow(() -> new IllegalArgumentException("unknown sweep '" + Text.shown(id, 100) + "'"));
            return sweep(s) + points(s);
        }
        Options o = Options.parse(args, true);
        SweepSpec s = new SweepSpec();
        Map<String, String> base = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : o.values.entrySet()) {
            if (SweepSpec.PARAMETERS.contains(e.getKey())) {
                List<Double> values = new ArrayList<>();
                for (String v : e.getValue().split(",")) {
                    values.add(number(e.getKey(), v));
                }
                s.grid.put(e.getKey(), values);
            } else if (e.getKey().equals("name")) {
                s.name = e.getValue();
                base.put("name", e.getValue());
            } else {
                base.put(e.getKey(), e.getValue());
            }
        }
        s.base = spec(base);
        s.format = o.format;
        s.backend = o.backend;
        s.cpusPerPoint = o.cpus;
        s.commandTasks = o.commandTasks;
        SweepDTO d = service.sweep(s);
        if (!o.wait) {
            return "Submitted " + d.id + ": " + d.points + " points as a grid campaign of scheduler tasks (sim:sweep " + d.id + " shows them)\n";
        }
        SweepDTO done = await(() -> service.awaitSweep(d.id).toCompletableFuture(), o.timeoutSeconds, d.id);
        return sweep(done);
    }

    private String sweeps() {
        List<SweepDTO> all = service.sweeps();
        if (all.isEmpty()) {
            return "No sweeps.\n";
        }
        TextTable t = new TextTable("ID", "NAME", "STATE", "POINTS", "COMPLETED", "FAILED", "DATASET");
        for (SweepDTO s : all) {
            t.row(s.id, s.name == null ? "" : Text.shown(s.name, 60), s.state, s.points, s.completed, s.failed,
                s.dataset == null ? "" : Text.shown(s.dataset, 200));
        }
        return t.toString();
    }

    /** The points that have ended, one row each. */
    private static String points(SweepDTO s) {
        if (s.results.isEmpty()) {
            return "No point has ended yet.\n";
        }
        List<String> header = new ArrayList<>(List.of("POINT"));
        header.addAll(s.results.get(0).parameters.keySet());
        header.addAll(List.of("STATE", "TEMP", "TOTENG", "PRESS", "TASK", "MESSAGE"));
        TextTable t = new TextTable(header.toArray(new String[0]));
        for (SweepPointDTO p : s.results) {
            List<Object> row = new ArrayList<>();
            row.add(p.point);
            for (Double v : p.parameters.values()) {
                row.add(g(v));
            }
            row.add(p.state);
            row.add(g(p.finalTemperature));
            row.add(g(p.finalTotalEnergy));
            row.add(g(p.finalPressure));
            row.add(p.taskId);
            row.add(Text.shown(p.message, 200));
            t.row(row.toArray());
        }
        return t.toString();
    }

    private static String sweep(SweepDTO s) {
        return s.id + " " + s.state + " points=" + s.points + " completed=" + s.completed + " failed=" + s.failed
            + (s.dataset == null ? "" : "\n  dataset: " + s.dataset) + (s.message == null ? "" : "\n  " + Text.shown(s.message, 300)) + "\n";
    }

    // ------------------------------------------------------------------ parsing

    /** Flags and KEY=VALUE words. */
    static final class Options {
        boolean wait;
        long timeoutSeconds;
        String format = "csv";
        String backend;
        int cpus = 1;
        boolean commandTasks;
        final Map<String, String> values = new LinkedHashMap<>();

        static Options parse(String[] args, boolean sweep) {
            Options o = new Options();
            if (args == null) {
                return o;
            }
            for (int i = 0; i < args.length; i++) {
                String a = args[i] == null ? "" : args[i];
                switch (a) {
                    case "-w":
                    case "--wait":
                        o.wait = true;
                        continue;
                    case "-t":
                    case "--timeout":
                        o.timeoutSeconds = org.kumiki.platform.text.Options.duration("--timeout", value(args, ++i, a),
                                java.time.Duration.ofSeconds(1), java.time.Duration.ofDays(365)).toSeconds();
                        continue;
                    default:
                        break;
                }
                if (sweep && a.equals("--format")) {
                    o.format = value(args, ++i, a);
                    continue;
                }
                if (sweep && a.equals("--commands")) {
                    o.commandTasks = true;
                    continue;
                }
                if (sweep && a.equals("--backend")) {
                    o.backend = value(args, ++i, a);
                    continue;
                }
                if (sweep && a.equals("--cpus")) {
                    o.cpus = org.kumiki.platform.text.Options.integer("--cpus", value(args, ++i, a), 1, 1024);
                    continue;
                }
                int eq = a.indexOf('=');
                if (a.startsWith("-") || eq <= 0) {
                    throw new IllegalArgumentException("unexpected argument '" + Text.shown(a) + "': expected KEY=VALUE");
                }
                String key = a.substring(0, eq);
                if (o.values.put(key, a.substring(eq + 1)) != null) {
                    throw new IllegalArgumentException(key + " given twice");
                }
            }
            return o;
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i] == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }

    /** A spec from KEY=VALUE pairs (Jackson converts and rejects unknown keys and bad numbers). */
    static SimulationSpec spec(Map<String, String> values) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            if (k.equals("cells")) {
                m.put("cellsX", v);
                m.put("cellsY", v);
                m.put("cellsZ", v);
            } else if (k.equals("scriptFile")) {
                Path p = Path.of(v);
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("script file not found: " + v);
                }
                if (Files.size(p) > 1 << 20) {
                    throw new IllegalArgumentException("script file larger than 1 MiB: " + v);
                }
                m.put("script", Files.readString(p));
                m.putIfAbsent("model", SimulationSpec.MODEL_LAMMPS_SCRIPT);
                m.putIfAbsent("engine", "lammps");
            } else if (k.equals("labels") || k.equals("script")) {
                throw new IllegalArgumentException(k + " cannot be set from the command line" + (k.equals("script") ? " (use scriptFile=PATH)" : ""));
            } else {
                m.put(k, v);
            }
        }
        try {
            return MAPPER.convertValue(m, SimulationSpec.class);
        } catch (IllegalArgumentException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage();
            int cut = msg.indexOf(" (");
            String first = msg.lines().findFirst().orElse(msg);
            if (msg.contains("Unrecognized field")) {
                int a = msg.indexOf('"'), b = msg.indexOf('"', a + 1);
                throw new IllegalArgumentException("unknown key " + (a >= 0 && b > a ? msg.substring(a, b + 1) : "") + " (see help sim:run)");
            }
            throw new IllegalArgumentException("bad value: " + (cut > 0 ? first.substring(0, Math.min(first.length(), 200)) : first));
        }
    }

    /** A finite decimal number, in the toolkit's one grammar. */
    static double number(String what, String v) {
        return org.kumiki.platform.text.Options.real(what, v);
    }

    interface Waitable<T> {
        java.util.concurrent.CompletableFuture<T> get();
    }

    static <T> T await(Waitable<T> w, long timeoutSeconds, String id) {
        try {
            return timeoutSeconds > 0 ? w.get().get(timeoutSeconds, TimeUnit.SECONDS) : w.get().get();
        } catch (TimeoutException e) {
            throw new IllegalStateException(id + " has not ended after " + timeoutSeconds + " s (it goes on; see sim:status " + id + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + id);
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for " + id + " failed: " + e.getCause().getMessage());
        }
    }

    static String g(double d) {
        return Double.isNaN(d) ? "-" : String.format(Locale.ROOT, "%.8g", d);
    }
}
