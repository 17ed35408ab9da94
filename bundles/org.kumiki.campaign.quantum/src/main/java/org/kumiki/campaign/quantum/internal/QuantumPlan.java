package org.kumiki.campaign.quantum.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kumiki.quantum.api.Observable;

/**
 * A {@code quantum} step's options, checked. {@code mode}: {@code estimator} (default: the
 * expectation of {@code observable} in the state of {@code circuit}, an OpenQASM 3 program whose
 * {@code input float} parameters are campaign parameters of the same name) or {@code vqe} (a VQE
 * run; {@code reps}, {@code optimizer}, {@code maxEvaluations} from the options or from the point).
 * The observable: {@code observable} (a Pauli sum, {@code "-1.05*II + 0.18*XX"}) or
 * {@code molecule: h2}; {@code offset} is added. {@code backend} (default: the quantum core's),
 * {@code precision}, {@code seed}; {@code objective}: the value's name (default {@code energy}).
 * Problems are {@link Problem}s: one line and the key at fault.
 */
final class QuantumPlan {

    /**
     * H2 at 0.735 Angstrom, STO-3G, parity mapping with two-qubit reduction: the Hamiltonian
     * {@code q:vqe} uses (the coefficients Qiskit's tutorials publish), electronic energy in Hartree.
     */
    static final String H2 = "-1.052373245772859*II + 0.39793742484318045*IZ - 0.39793742484318045*ZI"
            + " - 0.01128010425623538*ZZ + 0.18093119978423156*XX";
    /** Nuclear repulsion of H2 at 0.735 Angstrom, Hartree. */
    static final double H2_NUCLEAR_REPULSION = 0.7199689944489797;

    static final List<String> OPTIONS = List.of("mode", "circuit", "observable", "molecule", "offset", "backend", "precision",
            "seed", "objective", "reps", "optimizer", "maxEvaluations");
    static final List<String> OPTIMIZERS = List.of("nelder-mead", "bobyqa", "spsa");

    static final class Problem extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final String key;

        Problem(String key, String message) {
            super(message);
            this.key = key;
        }
    }

    final boolean vqe;
    final String circuit;
    /** Null with {@link #molecule} in VQE mode (the algorithm knows it by name). */
    final Observable observable;
    final String molecule;
    final double offset;
    final String backend;
    final double precision;
    final Long seed;
    final String objective;
    final Map<String, Object> options;

    private QuantumPlan(Map<String, Object> o) {
        for (String k : o.keySet()) {
            if (!OPTIONS.contains(k)) {
                throw new Problem(k, "unknown option '" + k + "' (known: " + String.join(", ", OPTIONS) + ")");
            }
        }
        options = new LinkedHashMap<>(o);
        String mode = o.get("mode") == null ? "estimator" : String.valueOf(o.get("mode")).toLowerCase(Locale.ROOT);
        if (!List.of("estimator", "vqe").contains(mode)) {
            throw new Problem("mode", "option 'mode': unknown mode '" + o.get("mode") + "' (known: estimator, vqe)");
        }
        vqe = "vqe".equals(mode);
        Object c = o.get("circuit");
        if (c != null && !(c instanceof String && !((String) c).isBlank())) {
            throw new Problem("circuit", "option 'circuit' must be an OpenQASM program (a string)");
        }
        circuit = (String) c;
        if (!vqe && circuit == null) {
            throw new Problem(null, "option 'circuit' is missing: give an OpenQASM 3 program whose 'input float' parameters are campaign parameters");
        }
        Object obs = o.get("observable");
        Object mol = o.get("molecule");
        if (obs != null && mol != null) {
            throw new Problem("molecule", "give option 'observable' or option 'molecule', not both");
        }
        double off = number(o, "offset", 0);
        if (mol != null) {
            if (!List.of("h2", "h2-0.735", "h2-sto3g").contains(String.valueOf(mol).toLowerCase(Locale.ROOT))) {
                throw new Problem("molecule", "option 'molecule': unknown molecule '" + mol + "' (built in: h2)");
            }
            molecule = "h2";
            observable = Observable.parse(H2);
            off += H2_NUCLEAR_REPULSION;
        } else if (obs != null) {
            if (!(obs instanceof String)) {
                throw new Problem("observable", "option 'observable' must be a Pauli sum such as \"-1.05*II + 0.18*XX\"");
            }
            molecule = null;
            try {
                observable = Observable.parse((String) obs);
            } catch (IllegalArgumentException e) {
                throw new Problem("observable", "option 'observable': " + e.getMessage());
            }
        } else {
            throw new Problem(null, "option 'observable' is missing: give a Pauli sum (\"-1.05*II + 0.18*XX\") or 'molecule: h2'");
        }
        offset = off;
        backend = o.get("backend") == null ? null : String.valueOf(o.get("backend"));
        precision = number(o, "precision", 0);
        seed = o.get("seed") == null ? null : (long) number(o, "seed", 0);
        objective = o.get("objective") == null ? "energy" : String.valueOf(o.get("objective"));
        if (o.get("optimizer") != null && !OPTIMIZERS.contains(String.valueOf(o.get("optimizer")))) {
            throw new Problem("optimizer", "option 'optimizer': unknown optimiser '" + o.get("optimizer") + "' (known: " + String.join(", ", OPTIMIZERS) + ")");
        }
        if (o.get("reps") != null) {
            whole("reps", o.get("reps"), 0, 20);
        }
        if (o.get("maxEvaluations") != null) {
            whole("maxEvaluations", o.get("maxEvaluations"), 1, 1_000_000);
        }
    }

    static QuantumPlan parse(Map<String, Object> options) {
        return new QuantumPlan(options);
    }

    private static double number(Map<String, Object> o, String key, double def) {
        Object v = o.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Number) || !Double.isFinite(((Number) v).doubleValue()) || ("precision".equals(key) && ((Number) v).doubleValue() < 0)) {
            throw new Problem(key, "option '" + key + "' must be a " + ("precision".equals(key) ? "number >= 0" : "finite number") + ", got " + v);
        }
        return ((Number) v).doubleValue();
    }

    static int whole(String key, Object v, int min, int max) {
        if (!(v instanceof Number) || ((Number) v).doubleValue() != Math.rint(((Number) v).doubleValue())
                || ((Number) v).doubleValue() < min || ((Number) v).doubleValue() > max) {
            throw new Problem(key, "'" + key + "' must be a whole number from " + min + " to " + max + ", got " + v);
        }
        return ((Number) v).intValue();
    }

    /** A VQE setting: from the point when it names it, else from the options. */
    Object setting(Map<String, Object> point, String key) {
        return point.containsKey(key) ? point.get(key) : options.get(key);
    }

    /** The values of the circuit's parameters, in its (sorted) parameter order, from the point. */
    static double[] bind(List<String> circuitParameters, Map<String, Object> point) {
        double[] x = new double[circuitParameters.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            Object v = point.get(circuitParameters.get(i));
            if (v instanceof Number) {
                x[i] = ((Number) v).doubleValue();
            } else {
                missing.add(circuitParameters.get(i));
            }
        }
        if (!missing.isEmpty()) {
            throw new Problem("circuit", "the circuit's parameter(s) " + missing + " are not numeric campaign parameters (the point has: "
                    + String.join(", ", point.keySet()) + ")");
        }
        return x;
    }
}
