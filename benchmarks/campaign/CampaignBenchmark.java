import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ConstraintDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.Relation;
import org.kumiki.campaign.api.spi.ProposalRequest;
import org.kumiki.campaign.api.spi.Proposer;
import org.kumiki.campaign.internal.propose.BuiltInProposers;

/**
 * Campaign benchmark on the simulated bench's synthesis landscape (SimSpectrometer.idealYield:
 * 0.92 exp(-((a-0.45)^2/0.02 + (b-0.30)^2/0.015 + ((T-345)/25)^2)), a, b in [0, 1] with
 * a + b <= 1, T in [300, 400] K) with the spectrometer's noise (the sum of three uniforms in
 * [-1, 1] times the noise, SimLab's default 0.002, the yield clamped at 0).
 * (1) Evaluations until the noiseless yield at an evaluated point is within 1 % of the optimum,
 * over seeds, for Kumiki's Bayesian optimisation, its random search and Optuna's TPE sampler
 * (benchmarks/campaign/optuna_tpe.py, Debian's python3-optuna, the same landscape and noise),
 * the same budget cap for all three; random search once more without a cap (it is cheap) for its
 * real figure. (2) The time of one Bayesian proposal with 200 observations beside a plain
 * Hipparchus Cholesky of the 200 x 200 Matérn kernel, measured in the same run.
 * Usage: CampaignBenchmark seeds cap python-script noise
 */
public final class CampaignBenchmark {
    static final double OPTIMUM = 0.92;
    static final double TARGET = 0.99 * OPTIMUM;
    static final double T_MIN = 300;
    static final double T_MAX = 400;

    static double idealYield(double a, double b, double t) {
        double x = (a - 0.45) * (a - 0.45) / 0.02 + (b - 0.30) * (b - 0.30) / 0.015 + ((t - 345) / 25) * ((t - 345) / 25);
        return OPTIMUM * Math.exp(-x);
    }

    static double ideal(Map<String, Object> p) {
        return idealYield(num(p, "ratio_a"), num(p, "ratio_b"), num(p, "temperature"));
    }

    static double num(Map<String, Object> p, String k) {
        return ((Number) p.get(k)).doubleValue();
    }

    static ParameterDTO continuous(String name, double min, double max) {
        ParameterDTO p = new ParameterDTO();
        p.name = name;
        p.type = ParameterType.CONTINUOUS;
        p.min = min;
        p.max = max;
        return p;
    }

    static CampaignDefinition synthesis(long seed, String kind) {
        CampaignDefinition d = new CampaignDefinition();
        d.name = "synthesis";
        d.seed = seed;
        d.proposer.kind = kind;
        d.parameters.add(continuous("ratio_a", 0, 1));
        d.parameters.add(continuous("ratio_b", 0, 1));
        d.parameters.add(continuous("temperature", T_MIN, T_MAX));
        ConstraintDTO c = new ConstraintDTO();
        c.coefficients.put("ratio_a", 1.0);
        c.coefficients.put("ratio_b", 1.0);
        c.relation = Relation.LE;
        c.rhs = 1;
        c.expression = "ratio_a + ratio_b <= 1";
        d.constraints.add(c);
        return d;
    }

    /** Evaluations until the noiseless yield at an evaluated point is within 1 % of the optimum; cap + 1 if never. */
    static int evaluationsToTarget(String kind, long seed, int cap, double noise, int batch) {
        CampaignDefinition d = synthesis(seed, kind);
        Proposer proposer = BuiltInProposers.get(kind);
        SplittableRandom spectrometer = new SplittableRandom(seed + 1);
        List<EvaluationDTO> done = new ArrayList<>();
        while (done.size() < cap) {
            ProposalRequest r = new ProposalRequest();
            r.definition = d;
            r.observations = done;
            r.count = Math.min(batch, cap - done.size());
            r.proposedSoFar = done.size();
            r.seed = seed * 1_000_003L + done.size();
            List<Map<String, Object>> points = proposer.propose(r);
            if (points.isEmpty()) {
                throw new IllegalStateException(kind + " proposed nothing after " + done.size() + " evaluations");
            }
            for (Map<String, Object> p : points) {
                double n = (spectrometer.nextDouble(-1, 1) + spectrometer.nextDouble(-1, 1) + spectrometer.nextDouble(-1, 1)) * noise;
                EvaluationDTO e = new EvaluationDTO();
                e.index = done.size();
                e.point = p;
                e.score = Math.max(0, ideal(p) + n);
                done = new ArrayList<>(done);
                done.add(e);
                if (ideal(p) >= TARGET) {
                    return done.size();
                }
            }
        }
        return cap + 1;
    }

    /** Uniform random feasible points until one is within 1 % (no cap but a safety limit). */
    static int randomUncapped(long seed) {
        SplittableRandom r = new SplittableRandom(seed * 7919 + 13);
        for (int n = 1; n <= 50_000_000; ) {
            double a = r.nextDouble();
            double b = r.nextDouble();
            double t = T_MIN + (T_MAX - T_MIN) * r.nextDouble();
            if (a + b > 1) {
                continue;
            }
            if (idealYield(a, b, t) >= TARGET) {
                return n;
            }
            n++;
        }
        return Integer.MAX_VALUE;
    }

    static double quantile(int[] v, double q) {
        int[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    static double quantile(double[] v, double q) {
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    static String fmt(double v, int cap) {
        return v > cap ? ">" + cap : String.format("%.1f", v);
    }

    static void row(String name, int[] v, int cap) {
        long missed = Arrays.stream(v).filter(x -> x > cap).count();
        System.out.printf("  %-26s median %8s  q1 %8s  q3 %8s  missed %2d/%d   per seed %s%n", name, fmt(quantile(v, 0.5), cap),
                fmt(quantile(v, 0.25), cap), fmt(quantile(v, 0.75), cap), missed, v.length, Arrays.toString(v));
    }

    static int[] optuna(String script, int seeds, int cap, double noise) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script, "--seeds", Integer.toString(seeds), "--cap", Integer.toString(cap),
                "--noise", Double.toString(noise)));
        if (Boolean.getBoolean("multivariate")) {
            cmd.add("--multivariate");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        int[] out = new int[seeds];
        Arrays.fill(out, -1);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].matches("\\d+")) {
                    out[Integer.parseInt(f[0]) - 1] = Integer.parseInt(f[1]);
                } else {
                    System.out.println("  optuna: " + line);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0) {
            throw new IllegalStateException(script + " exited with status " + rc);
        }
        for (int i = 0; i < seeds; i++) {
            if (out[i] < 0) {
                throw new IllegalStateException(script + " gave no result for seed " + (i + 1));
            }
        }
        return out;
    }

    /** 200 feasible points of the landscape, uniformly random, with the spectrometer's noise. */
    static List<EvaluationDTO> observations(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<EvaluationDTO> obs = new ArrayList<>();
        while (obs.size() < 200) {
            double a = rng.nextDouble();
            double b = rng.nextDouble();
            if (a + b > 1) {
                continue;
            }
            EvaluationDTO e = new EvaluationDTO();
            e.index = obs.size();
            e.point = new LinkedHashMap<>(Map.of("ratio_a", a, "ratio_b", b, "temperature", T_MIN + (T_MAX - T_MIN) * rng.nextDouble()));
            e.score = Math.max(0, ideal(e.point) + 0.002 * (rng.nextDouble(-1, 1) + rng.nextDouble(-1, 1) + rng.nextDouble(-1, 1)));
            obs.add(e);
        }
        return obs;
    }

    /**
     * Proposals with 200 observations: "recycled", the same observations and a new request seed
     * each time (the proposer's usual case: hyperparameters are refitted only every few
     * observations); "refit", new observations each time, so every proposal fits its
     * hyperparameters. Beside them, the same thread factors the 200 x 200 kernel with Hipparchus.
     */
    static void proposalTime(int repeats) {
        CampaignDefinition d = synthesis(8, "bayesian");
        List<EvaluationDTO> obs = observations(8);
        Proposer bo = BuiltInProposers.get("bayesian");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] x = new double[200][];
        for (int i = 0; i < 200; i++) {
            Map<String, Object> p = obs.get(i).point;
            x[i] = new double[] {num(p, "ratio_a"), num(p, "ratio_b"), (num(p, "temperature") - T_MIN) / (T_MAX - T_MIN)};
        }
        for (int warm = 0; warm < 5; warm++) {
            propose(bo, d, observations(100 + warm), 1000 + warm);
            propose(bo, d, obs, 1000 + warm);
            cholesky(x);
        }
        double[][] wall = new double[2][repeats];
        double[][] cpu = new double[2][repeats];
        double[] chol = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            List<EvaluationDTO> fresh = observations(10_000 + i);
            for (int k = 0; k < 2; k++) {
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                propose(bo, d, k == 0 ? obs : fresh, i + 2);
                wall[k][i] = (System.nanoTime() - t0) / 1e6;
                cpu[k][i] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
            }
            long t0 = System.nanoTime();
            cholesky(x);
            chol[i] = (System.nanoTime() - t0) / 1e6;
        }
        double ref = quantile(chol, 0.5);
        String[] names = {"hyperparameters recycled", "hyperparameters refitted"};
        for (int k = 0; k < 2; k++) {
            double m = quantile(wall[k], 0.5);
            System.out.printf("one Bayesian proposal, 200 observations, 3-D, %s, %d repeats: median %.1f ms, p90 %.1f ms wall (CPU median %.1f ms, p90 %.1f ms); proposal/Cholesky %.1f; target < 100 ms: %s%n",
                    names[k], repeats, m, quantile(wall[k], 0.9), quantile(cpu[k], 0.5), quantile(cpu[k], 0.9), m / ref, m < 100 ? "met" : "MISSED");
        }
        System.out.printf("reference, Hipparchus Cholesky of the 200 x 200 Matern kernel: median %.2f ms, p90 %.2f ms wall%n", ref, quantile(chol, 0.9));
    }

    static void propose(Proposer bo, CampaignDefinition d, List<EvaluationDTO> obs, long seed) {
        ProposalRequest r = new ProposalRequest();
        r.definition = d;
        r.observations = obs;
        r.count = 1;
        r.proposedSoFar = obs.size();
        r.seed = seed;
        if (bo.propose(r).size() != 1) {
            throw new IllegalStateException("no proposal");
        }
    }

    static void cholesky(double[][] x) {
        int n = x.length;
        double[][] k = new double[n][n];
        double s5 = Math.sqrt(5);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double r2 = 0;
                for (int c = 0; c < 3; c++) {
                    double t = (x[i][c] - x[j][c]) / 0.3;
                    r2 += t * t;
                }
                double r = Math.sqrt(r2);
                double v = (1 + s5 * r + 5.0 / 3.0 * r2) * Math.exp(-s5 * r) + (i == j ? 1e-3 : 0);
                k[i][j] = v;
                k[j][i] = v;
            }
        }
        new CholeskyDecomposition(MatrixUtils.createRealMatrix(k), 1e-6, 1e-12).getSolver();
    }

    public static void main(String[] args) throws Exception {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int cap = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        String script = args.length > 2 ? args[2] : "benchmarks/campaign/optuna_tpe.py";
        double noise = args.length > 3 ? Double.parseDouble(args[3]) : 0.002;
        String only = System.getProperty("only", "");
        System.out.println("load: " + Files.readString(Path.of("/proc/loadavg")).trim());
        if (!only.equals("time")) {
            System.out.printf("synthesis landscape, T in [%.0f, %.0f] K, a + b <= 1, noise %.4g (sum of 3 uniforms), seeds 1..%d, cap %d evaluations, target: noiseless yield >= %.4f (1 %% of %.2f)%n",
                    T_MIN, T_MAX, noise, seeds, cap, TARGET, OPTIMUM);
            int[] bo = new int[seeds];
            int[] rnd = new int[seeds];
            int[] rndFree = new int[seeds];
            long t0 = System.nanoTime();
            for (int s = 0; s < seeds; s++) {
                bo[s] = evaluationsToTarget("bayesian", s + 1, cap, noise, 1);
            }
            double boSeconds = (System.nanoTime() - t0) / 1e9;
            for (int s = 0; s < seeds; s++) {
                rnd[s] = evaluationsToTarget("random", s + 1, cap, noise, 1);
                rndFree[s] = randomUncapped(s + 1);
            }
            t0 = System.nanoTime();
            int[] tpe = optuna(script, seeds, cap, noise);
            double tpeSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.println("evaluations to within 1 % of the optimum (median, quartiles; >cap: not reached within the cap):");
            row("bayesian (kumiki)", bo, cap);
            row("random (kumiki)", rnd, cap);
            row(Boolean.getBoolean("multivariate") ? "tpe multivariate (optuna)" : "tpe (optuna)", tpe, cap);
            row("random, no cap", rndFree, Integer.MAX_VALUE - 1);
            double b = quantile(bo, 0.5);
            double r = quantile(rnd, 0.5);
            double t = quantile(tpe, 0.5);
            double rf = quantile(rndFree, 0.5);
            System.out.printf("ratios of medians: random(capped)/bayesian %s%.1f, random(no cap)/bayesian %.1f (target >= 3: %s), tpe/bayesian %s%.2f (target >= 1: %s)%n",
                    r > cap ? ">=" : "", Math.min(r, cap + 1) / b, rf / b, rf / b >= 3 && (r > cap || r / b >= 3) ? "met" : "MISSED", t > cap ? ">=" : "", Math.min(t, cap + 1) / b,
                    t >= b ? "met" : "MISSED");
            System.out.printf("wall time: bayesian %.1f s for %d seeds, optuna tpe %.1f s%n", boSeconds, seeds, tpeSeconds);
        }
        if (!only.equals("convergence")) {
            proposalTime(Integer.getInteger("repeats", 30));
        }
        System.out.println("load: " + Files.readString(Path.of("/proc/loadavg")).trim());
    }
}
