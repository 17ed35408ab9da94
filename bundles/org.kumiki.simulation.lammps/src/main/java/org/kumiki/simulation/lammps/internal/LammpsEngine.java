package org.kumiki.simulation.lammps.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.spi.RunContext;
import org.kumiki.simulation.api.spi.SimulationEngine;
import org.kumiki.simulation.api.spi.SimulationFailedException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the real LAMMPS executable ({@code lmp}): a spec of model {@code lj} is turned into an
 * input script equivalent to {@code bench/in.lj} with the spec's parameters; model
 * {@code lammps-script} runs the user's own script. Output is parsed as it arrives.
 */
@Component(service = SimulationEngine.class, property = SimulationEngine.ENGINE_NAME + "=" + LammpsEngine.NAME,
    configurationPid = "org.kumiki.simulation.lammps")
@Designate(ocd = LammpsEngine.Config.class)
public class LammpsEngine implements SimulationEngine {
    public static final String NAME = "lammps";
    static final int MAX_SCRIPT = 1 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(LammpsEngine.class);

    @ObjectClassDefinition(name = "Kumiki LAMMPS engine")
    public @interface Config {
        @AttributeDefinition(description = "The LAMMPS executable")
        String executable() default "/usr/bin/lmp";

        @AttributeDefinition(description = "MPI ranks; 1 runs lmp directly, more run it under mpirun")
        int ranks() default 1;

        @AttributeDefinition(description = "mpirun executable (for ranks > 1)")
        String mpirun() default "mpirun";
    }

    private final Path executable;
    private final int ranks;
    private final String mpirun;

    @Activate
    public LammpsEngine(Config config) {
        this(Path.of(config.executable()), config.ranks(), config.mpirun());
    }

    LammpsEngine(Path executable, int ranks, String mpirun) {
        this.executable = executable;
        this.ranks = Math.max(1, ranks);
        this.mpirun = mpirun;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<String> models() {
        return Set.of(SimulationSpec.MODEL_LJ, SimulationSpec.MODEL_LAMMPS_SCRIPT);
    }

    @Override
    public String description() {
        return available() ? "LAMMPS at " + executable + (ranks > 1 ? ", " + ranks + " MPI ranks" : ", serial")
            : "missing " + executable + " (apt-get install lammps)";
    }

    @Override
    public boolean available() {
        return Files.isExecutable(executable);
    }

    @Override
    public void validate(SimulationSpec s) {
        if (s == null) {
            throw new IllegalArgumentException("no spec");
        }
        if (SimulationSpec.MODEL_LAMMPS_SCRIPT.equals(s.model)) {
            if (s.script == null || s.script.isBlank()) {
                throw new IllegalArgumentException("model lammps-script needs a script");
            }
            if (s.script.length() > MAX_SCRIPT) {
                throw new IllegalArgumentException("script longer than " + MAX_SCRIPT + " characters");
            }
            if (s.script.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("script contains a NUL character");
            }
            return;
        }
        if (!SimulationSpec.MODEL_LJ.equals(s.model)) {
            throw new IllegalArgumentException("engine lammps runs models lj and lammps-script, not " + s.model);
        }
        positive("timestep", s.timestep);
        positive("cutoff", s.cutoff);
        positive("mass", s.mass);
        positive("epsilon", s.epsilon);
        positive("sigma", s.sigma);
        if (!(s.skin >= 0) || !Double.isFinite(s.skin)) {
            throw new IllegalArgumentException("skin must be >= 0: " + s.skin);
        }
        if (s.steps < 0 || s.steps > 1_000_000_000L) {
            throw new IllegalArgumentException("steps must be between 0 and 1e9: " + s.steps);
        }
        if (s.thermoEvery > 0 && s.steps / s.thermoEvery > 1_000_000L) {
            throw new IllegalArgumentException("more than 1,000,000 thermo rows: raise thermoEvery");
        }
        if (s.thermoEvery < 0 || s.neighborEvery < 1 || s.neighborDelay < 0) {
            throw new IllegalArgumentException("thermoEvery >= 0, neighborEvery >= 1 and neighborDelay >= 0 are required");
        }
        String ens = s.ensemble == null ? SimulationSpec.ENSEMBLE_NVE : s.ensemble;
        if (!ens.equals(SimulationSpec.ENSEMBLE_NVE) && !ens.equals(SimulationSpec.ENSEMBLE_NVT)) {
            throw new IllegalArgumentException("ensemble must be nve or nvt: " + s.ensemble);
        }
        if (ens.equals(SimulationSpec.ENSEMBLE_NVT)) {
            positive("thermostatDamping", s.thermostatDamping);
            positive("targetTemperature", Double.isNaN(s.targetTemperature) ? s.temperature : s.targetTemperature);
        }
        if (s.dataFile != null) {
            if (!Files.isRegularFile(Path.of(s.dataFile))) {
                throw new IllegalArgumentException("data file not found: " + s.dataFile);
            }
            if (s.dataFile.chars().anyMatch(c -> Character.isWhitespace(c) || c == '"' || c == '\'' || c == '$' || c == '#')) {
                throw new IllegalArgumentException("data file path must not contain spaces, quotes, $ or #");
            }
        } else {
            positive("density", s.density);
            if (!(s.temperature >= 0) || !Double.isFinite(s.temperature)) {
                throw new IllegalArgumentException("temperature must be >= 0: " + s.temperature);
            }
            if (s.cellsX < 1 || s.cellsY < 1 || s.cellsZ < 1) {
                throw new IllegalArgumentException("cells must be >= 1 in each direction");
            }
            if (4L * s.cellsX * s.cellsY * s.cellsZ > 1_000_000_000L) {
                throw new IllegalArgumentException("too many atoms");
            }
            if (s.seed <= 0 || s.seed > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("seed must be between 1 and 2^31-1: " + s.seed);
            }
        }
    }

    private static void positive(String what, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(what + " must be positive and finite: " + value);
        }
    }

    /** The input script for a spec (model lj: in.lj with the spec's parameters). */
    static String script(SimulationSpec s) {
        if (SimulationSpec.MODEL_LAMMPS_SCRIPT.equals(s.model)) {
            return s.script.endsWith("\n") ? s.script : s.script + "\n";
        }
        StringBuilder b = new StringBuilder();
        b.append("# generated by Kumiki from a simulation spec\n");
        b.append("units lj\natom_style atomic\n");
        if (s.dataFile != null) {
            b.append(f("pair_style lj/cut %s\n", s.cutoff * s.sigma));
            b.append("read_data ").append(s.dataFile).append('\n');
            b.append(f("mass 1 %s\n", s.mass));
        } else {
            b.append(f("lattice fcc %s\n", s.density));
            b.append(f("region box block 0 %d 0 %d 0 %d\n", s.cellsX, s.cellsY, s.cellsZ));
            b.append("create_box 1 box\ncreate_atoms 1 box\n");
            b.append(f("mass 1 %s\n", s.mass));
            b.append(f("velocity all create %s %d loop geom\n", s.temperature, s.seed));
            b.append(f("pair_style lj/cut %s\n", s.cutoff * s.sigma));
        }
        b.append(f("pair_coeff 1 1 %s %s %s\n", s.epsilon, s.sigma, s.cutoff * s.sigma));
        b.append(f("neighbor %s bin\n", s.skin));
        b.append(f("neigh_modify delay %d every %d check %s\n", s.neighborDelay, s.neighborEvery, s.neighborCheck ? "yes" : "no"));
        if (SimulationSpec.ENSEMBLE_NVT.equals(s.ensemble)) {
            double tt = Double.isNaN(s.targetTemperature) ? s.temperature : s.targetTemperature;
            b.append(f("fix 1 all nvt temp %s %s %s\n", tt, tt, s.thermostatDamping));
        } else {
            b.append("fix 1 all nve\n");
        }
        b.append(f("timestep %s\n", s.timestep));
        b.append("thermo_style custom step temp epair etotal press\n");
        b.append("thermo_modify format float %20.15g\n");
        b.append(f("thermo %d\n", s.thermoEvery));
        b.append(f("run %d\n", s.steps));
        if (s.writeData) {
            b.append("write_data final.data nocoeff\n");
        }
        return b.toString();
    }

    private static String f(String format, Object... args) {
        Object[] a = args.clone();
        for (int i = 0; i < a.length; i++) {
            if (a[i] instanceof Double) {
                a[i] = Double.toString((Double) a[i]);
            }
        }
        return String.format(Locale.ROOT, format.replace("%s", "%s"), a);
    }

    @Override
    public SimulationResultDTO run(SimulationSpec s, RunContext context) throws SimulationFailedException {
        if (!available()) {
            throw new SimulationFailedException("LAMMPS is not installed: " + executable + " is missing");
        }
        try {
            validate(s);
        } catch (IllegalArgumentException e) {
            throw new SimulationFailedException(e.getMessage());
        }
        Path dir = context.workDirectory();
        LammpsLog log = new LammpsLog();
        log.onRow = context::thermo;
        Process p = null;
        try {
            Files.createDirectories(dir);
            Path input = dir.resolve("in.kumiki");
            Files.writeString(input, script(s), StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>();
            if (ranks > 1) {
                cmd.addAll(List.of(mpirun, "--allow-run-as-root", "-np", Integer.toString(ranks)));
            }
            cmd.addAll(List.of(executable.toString(), "-in", "in.kumiki", "-log", "log.lammps", "-echo", "none"));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().putIfAbsent("OMP_NUM_THREADS", "1");
            p = pb.start();
            p.getOutputStream().close();
            final Process proc = p;
            Thread watchdog = new Thread(() -> {
                try {
                    while (proc.isAlive()) {
                        if (context.isCancelled()) {
                            proc.descendants().forEach(ProcessHandle::destroyForcibly);
                            proc.destroyForcibly();
                            return;
                        }
                        proc.waitFor(100, TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "kumiki-lammps-watch");
            watchdog.setDaemon(true);
            watchdog.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    log.line(line);
                    if (line.startsWith("WARNING")) {
                        context.warning(line.trim());
                    }
                    if (!log.thermo.isEmpty()) {
                        context.progress(log.thermo.get(log.thermo.size() - 1).step);
                    }
                }
            } catch (IOException e) {
                if (!context.isCancelled()) {
                    throw e;
                }
            }
            int code = p.waitFor();
            watchdog.interrupt();
            if (log.error != null) {
                throw new SimulationFailedException("LAMMPS: " + log.error);
            }
            if (code != 0 && !context.isCancelled()) {
                throw new SimulationFailedException("lmp exited with code " + code);
            }
            if (log.firstNonFiniteStep >= 0) {
                throw new SimulationFailedException("unstable: LAMMPS printed nan/inf thermo at step " + log.firstNonFiniteStep);
            }
        } catch (IOException e) {
            throw new SimulationFailedException("cannot run " + executable + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SimulationFailedException("interrupted");
        } finally {
            if (p != null && p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        SimulationResultDTO r = result(log, dir, context.runId());
        LOG.debug("LAMMPS run {} ended: {} steps, {}", context.runId(), log.steps, log.performance);
        return r;
    }


    @Override
    public List<String> prepareCommand(SimulationSpec s, Path directory) throws SimulationFailedException {
        try {
            validate(s);
        } catch (IllegalArgumentException e) {
            throw new SimulationFailedException(e.getMessage());
        }
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("in.kumiki"), script(s), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SimulationFailedException("cannot write the LAMMPS input: " + e.getMessage(), e);
        }
        List<String> cmd = new ArrayList<>();
        if (ranks > 1) {
            cmd.addAll(List.of(mpirun, "--allow-run-as-root", "-np", Integer.toString(ranks)));
        }
        cmd.addAll(List.of(executable.toString(), "-in", "in.kumiki", "-log", "log.lammps", "-echo", "none", "-screen", "none"));
        return cmd;
    }

    @Override
    public SimulationResultDTO collectCommand(SimulationSpec s, Path directory) throws SimulationFailedException {
        Path logFile = directory.resolve("log.lammps");
        if (!Files.isRegularFile(logFile)) {
            throw new SimulationFailedException("LAMMPS left no log in " + directory);
        }
        LammpsLog log = new LammpsLog();
        try (BufferedReader r = Files.newBufferedReader(logFile, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                log.line(line);
            }
        } catch (IOException e) {
            throw new SimulationFailedException("cannot read " + logFile + ": " + e.getMessage(), e);
        }
        if (log.error != null) {
            throw new SimulationFailedException("LAMMPS: " + log.error);
        }
        if (log.firstNonFiniteStep >= 0) {
            throw new SimulationFailedException("unstable: LAMMPS printed nan/inf thermo at step " + log.firstNonFiniteStep);
        }
        if (log.thermo.isEmpty()) {
            throw new SimulationFailedException("LAMMPS printed no thermo output");
        }
        return result(log, directory, null);
    }

    private static SimulationResultDTO result(LammpsLog log, Path dir, String runId) {
        SimulationResultDTO r = new SimulationResultDTO();
        r.runId = runId;
        r.engine = NAME;
        r.atoms = log.atoms;
        r.steps = log.steps;
        r.thermo.addAll(log.thermo);
        r.warnings.addAll(log.warnings);
        r.loopSeconds = log.loopSeconds;
        r.atomStepsPerSecond = log.loopSeconds > 0 ? log.atoms * (double) log.steps / log.loopSeconds : 0;
        r.performance = log.performance;
        r.dangerousBuilds = log.dangerous;
        r.files.put("input", dir.resolve("in.kumiki").toString());
        r.files.put("log", dir.resolve("log.lammps").toString());
        if (Files.isRegularFile(dir.resolve("final.data"))) {
            r.files.put("final.data", dir.resolve("final.data").toString());
        }
        return r;
    }
}
