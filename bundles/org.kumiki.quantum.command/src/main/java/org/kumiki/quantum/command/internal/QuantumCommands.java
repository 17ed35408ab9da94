package org.kumiki.quantum.command.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
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
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.platform.text.Options;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;
import org.kumiki.quantum.api.QasmCodec;
import org.kumiki.quantum.api.QasmException;
import org.kumiki.quantum.api.QuantumBackends;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.QuantumException;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.Observable;
import org.kumiki.quantum.api.Sampler;
import org.kumiki.quantum.api.algorithms.Qaoa;
import org.kumiki.quantum.api.algorithms.QaoaRequest;
import org.kumiki.quantum.api.algorithms.QaoaResult;
import org.kumiki.quantum.api.algorithms.Vqe;
import org.kumiki.quantum.api.algorithms.VqeRequest;
import org.kumiki.quantum.api.algorithms.VqeResult;
import org.kumiki.quantum.api.dto.BackendDTO;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.quantum.api.dto.SamplerPubResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** The {@code q} Gogo scope. */
@Component(service = Object.class)
@GogoCommand(scope = "q", function = {"backends", "run", "vqe", "qaoa"})
public class QuantumCommands {
    static final long MAX_FILE = 16L << 20;
    static final int MAX_ROWS = 32;
    static final long JOB_TIMEOUT_S = 3600;

    private final QuantumBackends backends;
    private final Sampler sampler;
    private final QasmCodec codec;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Vqe vqe;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile Qaoa qaoa;

    @Activate
    public QuantumCommands(@Reference QuantumBackends backends, @Reference Sampler sampler, @Reference QasmCodec codec) {
        this.backends = backends;
        this.sampler = sampler;
        this.codec = codec;
    }

    @Descriptor("List the quantum backends: qubits, shots, simulator or hardware, default")
    public String backends() {
        List<BackendDTO> list = backends.list();
        if (list.isEmpty()) return "No quantum backends.\n";
        TextTable t = new TextTable("NAME", "DEFAULT", "KIND", "QUBITS", "MAX SHOTS", "EXACT EV", "COUPLING", "DESCRIPTION");
        for (BackendDTO b : list) {
            var tg = b.target;
            t.row(b.name, b.isDefault ? "*" : "", tg == null ? "?" : tg.simulator ? "simulator" : "hardware", tg == null ? "?" : tg.numQubits,
                    tg == null ? "?" : tg.maxShots, b.exactExpectations ? "yes" : "no",
                    tg == null ? "?" : tg.couplingMap == null ? "all-to-all" : tg.couplingMap.size() + " edges", tg == null ? "" : tg.description);
        }
        return t.toString();
    }

    @Descriptor("Run an OpenQASM 2 or 3 file and print the measured counts")
    public String run(
            @Descriptor("shots (default 1024)") @Parameter(names = {"-s", "--shots"}, absentValue = "1024") String shots,
            @Descriptor("backend (default: the default backend)") @Parameter(names = {"-b", "--backend"}, absentValue = "") String backend,
            @Descriptor("seed for reproducible sampling on simulators") @Parameter(names = {"--seed"}, absentValue = "") String seed,
            @Descriptor("values of input parameters: name=value[,name=value...]") @Parameter(names = {"-p", "--params"}, absentValue = "") String params,
            @Descriptor("the OpenQASM file") String file) {
        int n = Options.integer("--shots", shots, 1, 10_000_000);
        String src = read(file);
        QuantumCircuit c;
        try {
            c = codec.parse(src);
        } catch (QasmException e) {
            throw new IllegalArgumentException(Text.shown(file) + ":" + Text.firstLine(e.getMessage()));
        }
        SamplerPub pub = SamplerPub.of(c, n);
        if (!seed.isEmpty()) pub.seed = Options.longInteger("--seed", seed, Long.MIN_VALUE, Long.MAX_VALUE);
        List<String> names = c.parameters();
        Map<String, Double> values = Args.assignments("--params", params);
        for (String k : values.keySet()) {
            if (!names.contains(k)) throw new IllegalArgumentException("the program has no input '" + Text.shown(k) + "' (inputs: " + names + ")");
        }
        if (!names.isEmpty()) {
            double[] row = new double[names.size()];
            for (int i = 0; i < row.length; i++) {
                Double v = values.get(names.get(i));
                if (v == null) throw new IllegalArgumentException("give a value for input '" + names.get(i) + "' with --params " + names.get(i) + "=VALUE");
                row[i] = v;
            }
            pub.parameterValues = new double[][] {row};
        }
        long t0 = System.nanoTime();
        QuantumJob<List<SamplerPubResult>> job = sampler.run(backend.isEmpty() ? null : backend, List.of(pub));
        SampleDTO d = await(job).get(0).data.get(0);
        double secs = (System.nanoTime() - t0) / 1e9;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Job %s on %s: %d qubit(s), %d instruction(s), %d shots, %.3f s%n", job.id(), job.backend(), c.numQubits(), c.size(), d.shots, secs));
        List<Map.Entry<String, Integer>> rows = new ArrayList<>(d.counts.entrySet());
        rows.sort((a, b) -> b.getValue() != a.getValue().intValue() ? Integer.compare(b.getValue(), a.getValue()) : a.getKey().compareTo(b.getKey()));
        TextTable t = new TextTable("BITS", "COUNT", "PROBABILITY");
        for (int i = 0; i < Math.min(MAX_ROWS, rows.size()); i++) {
            var e = rows.get(i);
            t.row(e.getKey(), e.getValue(), String.format(Locale.ROOT, "%.4f", e.getValue() / (double) d.shots));
        }
        sb.append(t);
        if (rows.size() > MAX_ROWS) sb.append("... ").append(rows.size() - MAX_ROWS).append(" more outcome(s)\n");
        return sb.toString();
    }

    @Descriptor("Find a ground-state energy with VQE (default: H2 at 0.735 Angstrom, STO-3G)")
    public String vqe(
            @Descriptor("built-in molecule (h2)") @Parameter(names = {"-m", "--molecule"}, absentValue = "") String molecule,
            @Descriptor("Hamiltonian as a Pauli sum, e.g. '-1.05*II + 0.39*IZ + 0.18*XX' (instead of --molecule)") @Parameter(names = {"-H", "--hamiltonian"}, absentValue = "") String hamiltonian,
            @Descriptor("constant added to the energy (with --hamiltonian)") @Parameter(names = {"--offset"}, absentValue = "0") String offset,
            @Descriptor("optimizer: nelder-mead, bobyqa or spsa") @Parameter(names = {"-o", "--optimizer"}, absentValue = "nelder-mead") String optimizer,
            @Descriptor("ansatz layers") @Parameter(names = {"-r", "--reps"}, absentValue = "2") String reps,
            @Descriptor("most energy evaluations") @Parameter(names = {"-e", "--max-evals"}, absentValue = "2000") String maxEvals,
            @Descriptor("backend (default: the default backend)") @Parameter(names = {"-b", "--backend"}, absentValue = "") String backend) {
        Vqe v = vqe;
        if (v == null) throw new IllegalStateException("no VQE service: install org.kumiki.quantum.algorithms");
        VqeRequest r = new VqeRequest();
        if (!hamiltonian.isEmpty()) {
            if (!molecule.isEmpty()) throw new IllegalArgumentException("give --molecule or --hamiltonian, not both");
            try {
                r.hamiltonian = Observable.parse(hamiltonian);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--hamiltonian: " + e.getMessage());
            }
            r.energyOffset = Options.real("--offset", offset);
        } else {
            r.molecule = molecule.isEmpty() ? "h2" : molecule;
        }
        r.optimizer = optimizer;
        r.reps = Options.integer("--reps", reps, 0, 50);
        r.maxEvaluations = Options.integer("--max-evals", maxEvals, 10, 1_000_000);
        r.backend = backend.isEmpty() ? null : backend;
        VqeResult res = v.run(r);
        TextTable t = new TextTable("ENERGY (Ha)", "EXACT (Ha)", "ERROR (mHa)", "EVALUATIONS", "OPTIMIZER", "BACKEND");
        t.row(String.format(Locale.ROOT, "%.6f", res.energy), Double.isNaN(res.exactEnergy) ? "n/a" : String.format(Locale.ROOT, "%.6f", res.exactEnergy),
                Double.isNaN(res.exactEnergy) ? "n/a" : String.format(Locale.ROOT, "%.4f", 1000 * (res.energy - res.exactEnergy)), res.evaluations, res.optimizer,
                res.backend == null ? backends.defaultBackend() : res.backend);
        return t.toString();
    }

    @Descriptor("Solve weighted MaxCut with QAOA")
    public String qaoa(
            @Descriptor("edges: 0-1,1-2,2-0 or with weights 0-1:2.5,1-2:1") @Parameter(names = {"-g", "--graph"}, absentValue = "") String graph,
            @Descriptor("nodes (default: largest index in the graph + 1)") @Parameter(names = {"-n", "--nodes"}, absentValue = "0") String nodes,
            @Descriptor("QAOA layers p") @Parameter(names = {"-p", "--layers"}, absentValue = "2") String layers,
            @Descriptor("shots for the final sampling") @Parameter(names = {"-s", "--shots"}, absentValue = "2048") String shots,
            @Descriptor("optimizer: nelder-mead, bobyqa or spsa") @Parameter(names = {"-o", "--optimizer"}, absentValue = "nelder-mead") String optimizer,
            @Descriptor("backend (default: the default backend)") @Parameter(names = {"-b", "--backend"}, absentValue = "") String backend) {
        Qaoa q = qaoa;
        if (q == null) throw new IllegalStateException("no QAOA service: install org.kumiki.quantum.algorithms");
        if (graph.isEmpty()) throw new IllegalArgumentException("give the graph with --graph, e.g. --graph 0-1,1-2,2-0");
        QaoaRequest r = new QaoaRequest();
        r.edges = Args.edges(graph);
        int max = 0;
        for (double[] e : r.edges) max = (int) Math.max(max, Math.max(e[0], e[1]));
        int n = Options.integer("--nodes", nodes, 0, 26);
        r.nodes = n == 0 ? max + 1 : n;
        r.layers = Options.integer("--layers", layers, 1, 20);
        r.shots = Options.integer("--shots", shots, 1, 1_000_000);
        r.optimizer = optimizer;
        r.backend = backend.isEmpty() ? null : backend;
        QaoaResult res = q.maxCut(r);
        TextTable t = new TextTable("BEST CUT", "VALUE", "OPTIMUM", "EXPECTED", "EVALUATIONS");
        t.row(res.bestCut, fmt(res.bestCutValue), Double.isNaN(res.optimumCutValue) ? "n/a" : fmt(res.optimumCutValue), fmt(res.expectedCutValue), res.evaluations);
        return t + "Bits: node 0 is the rightmost; 0 and 1 name the two sides of the cut.\n";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String read(String file) {
        if (file == null || file.isBlank()) throw new IllegalArgumentException("give an OpenQASM file");
        Path p;
        try {
            p = Path.of(file);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("invalid file name '" + Text.shown(file) + "'");
        }
        if (!Files.isRegularFile(p)) throw new IllegalArgumentException("no such file: " + Text.shown(file));
        try {
            if (Files.size(p) > MAX_FILE) throw new IllegalArgumentException(Text.shown(file) + " is larger than " + (MAX_FILE >> 20) + " MiB");
            byte[] b = Files.readAllBytes(p);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + Text.shown(file) + ": " + e.getMessage());
        }
    }

    static <T> T await(QuantumJob<T> job) {
        try {
            return job.result().toCompletableFuture().get(JOB_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            job.cancel();
            throw new QuantumException("interrupted; job " + job.id() + " cancelled");
        } catch (TimeoutException e) {
            job.cancel();
            throw new QuantumException("job " + job.id() + " did not finish within " + JOB_TIMEOUT_S + " s; cancelled");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new QuantumException("job " + job.id() + " failed: " + (c == null ? "?" : c.getMessage()));
        }
    }
}
