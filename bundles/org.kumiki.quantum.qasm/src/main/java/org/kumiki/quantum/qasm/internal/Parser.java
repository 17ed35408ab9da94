package org.kumiki.quantum.qasm.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kumiki.quantum.api.Angle;
import org.kumiki.quantum.api.Condition;
import org.kumiki.quantum.api.Gate;
import org.kumiki.quantum.api.Instruction;
import org.kumiki.quantum.api.QasmException;
import org.kumiki.quantum.api.QuantumCircuit;
import org.kumiki.quantum.api.Register;
import org.kumiki.quantum.qasm.internal.Lexer.T;
import org.kumiki.quantum.qasm.internal.Lexer.Tok;

/**
 * Recursive-descent parser for OpenQASM 2.0 and 3.0 (the gate-level subset: declarations,
 * gate definitions, modifiers, measure, reset, barrier, if). Gate calls are expanded into
 * standard gates of the circuit model.
 */
final class Parser {
    /** Most instructions one program may expand to (guards against pow/definition blow-up). */
    static final int MAX_INSTRUCTIONS = 4_000_000;
    static final int MAX_QUBITS = 1 << 20;

    private final List<Tok> toks;
    private int pos;
    private int version = 3;
    private final QuantumCircuit circuit = new QuantumCircuit("qasm");
    private final Map<String, GateDef> defs = new HashMap<>();
    private final Set<String> inputs = new HashSet<>();
    private final Map<String, Double> constants = new HashMap<>();
    private long emitted;

    /** A user gate definition: parameters, qubit arguments and body tokens. */
    private static final class GateDef {
        final String name;
        final List<String> params;
        final List<String> qargs;
        final int bodyStart, bodyEnd; // token range inside the braces
        /** Definitions are numbered in program order: a body sees only the gates defined before it. */
        final int ordinal;
        final Tok at;

        GateDef(String name, List<String> params, List<String> qargs, int bodyStart, int bodyEnd, int ordinal, Tok at) {
            this.name = name;
            this.params = params;
            this.qargs = qargs;
            this.bodyStart = bodyStart;
            this.bodyEnd = bodyEnd;
            this.ordinal = ordinal;
            this.at = at;
        }
    }

    /** An error inside a gate body found while expanding a call: already says which call. */
    private static final class InGate extends QasmException {
        private static final long serialVersionUID = 1L;

        InGate(QasmException e, GateDef d, Tok call) {
            super(e.line(), e.column(), e.reason() + " (in gate " + d.name + " called at " + call.line + ":" + call.col + ")");
        }
    }

    private static final class Modifier {
        final String kind; // ctrl, negctrl, inv, pow
        final int count;
        final double exponent;

        Modifier(String kind, int count, double exponent) {
            this.kind = kind;
            this.count = count;
            this.exponent = exponent;
        }
    }

    /** Scope while expanding a gate body: parameter values and qubit bindings. */
    private static final class Scope {
        final Map<String, Angle> params;
        final Map<String, Integer> qubits;
        final int depth;
        /** The gate whose body this is. */
        final GateDef owner;

        Scope(Map<String, Angle> params, Map<String, Integer> qubits, int depth, GateDef owner) {
            this.params = params;
            this.qubits = qubits;
            this.depth = depth;
            this.owner = owner;
        }
    }

    /**
     * True while a definition's body is checked (when it is read, before any call): errors in
     * it point at the body; nothing is expanded, and what only a call's values decide (a
     * product of two parameters, say) waits for the call.
     */
    private boolean checking;
    private final Set<String> included = new HashSet<>();

    Parser(String src) {
        this.toks = Lexer.lex(src);
    }

    QuantumCircuit parse() {
        if (peek().is("OPENQASM")) {
            Tok v = next();
            Tok num = next();
            if (num.type != T.INT && num.type != T.FLOAT) throw err(num, "expected a version number after OPENQASM");
            if (num.text.equals("2.0") || num.text.equals("2")) version = 2;
            else if (num.text.equals("3.0") || num.text.equals("3") || num.text.equals("3.1")) version = 3;
            else throw err(num, "unsupported OpenQASM version " + num.text + " (2.0 and 3.0 are supported)");
            expect(";");
        } else if (peek().type == T.IDENT && peek().text.equalsIgnoreCase("openqasm")) {
            throw err(peek(), "the header is spelled OPENQASM");
        }
        while (peek().type != T.EOF) statement(null, null);
        return circuit;
    }

    // ---- token helpers ---------------------------------------------------------------------

    private Tok peek() { return toks.get(pos); }

    private Tok peek(int k) { return toks.get(Math.min(pos + k, toks.size() - 1)); }

    private Tok next() {
        Tok t = toks.get(pos);
        if (t.type != T.EOF) pos++;
        return t;
    }

    private Tok expect(String s) {
        Tok t = next();
        if (!t.is(s)) throw err(t, "expected '" + s + "' but found " + t);
        return t;
    }

    private Tok ident(String what) {
        Tok t = next();
        if (t.type != T.IDENT) throw err(t, "expected " + what + " but found " + t);
        return t;
    }

    private static QasmException err(Tok t, String msg) {
        return new QasmException(t.line, t.col, msg);
    }

    private int intLiteral(String what) {
        Tok t = next();
        if (t.type != T.INT) throw err(t, "expected " + what + " (an integer) but found " + t);
        try {
            return Integer.parseInt(t.text);
        } catch (NumberFormatException e) {
            throw err(t, what + " " + t.text + " is too large");
        }
    }

    // ---- statements ------------------------------------------------------------------------

    private void statement(Scope scope, Condition cond) {
        Tok t = peek();
        if (t.type != T.IDENT && !t.is("{") && !t.is("$")) {
            if (t.is(";")) { next(); return; }
            throw err(t, "expected a statement but found " + t);
        }
        if (t.is("{")) {
            next();
            while (!peek().is("}")) {
                if (peek().type == T.EOF) throw err(peek(), "missing '}'");
                statement(scope, cond);
            }
            next();
            return;
        }
        String k = t.text;
        if (scope != null && BODY_FORBIDDEN.contains(k)) throw err(t, "'" + k + "' is not allowed in a gate body (only gate calls and barriers)");
        switch (k) {
            case "include": {
                next();
                Tok f = next();
                if (f.type != T.STRING) throw err(f, "expected a file name in quotes after include");
                if (!f.text.equals("qelib1.inc") && !f.text.equals("stdgates.inc")) {
                    throw err(f, "cannot include '" + f.text + "': only qelib1.inc and stdgates.inc are built in");
                }
                expect(";");
                if (version == 3 && f.text.equals("stdgates.inc")) {
                    for (GateDef d : defs.values()) {
                        if (StandardGates.STDGATES.contains(d.name)) {
                            throw err(f, "stdgates.inc declares gate '" + d.name + "', already defined at " + d.at.line + ":" + d.at.col
                                    + "; OpenQASM 3 does not allow redeclaring it");
                        }
                    }
                }
                included.add(f.text);
                return;
            }
            case "qreg": case "creg": {
                next();
                noCondition(t, cond);
                Tok name = ident("a register name");
                expect("[");
                int size = intLiteral("register size");
                expect("]");
                expect(";");
                declare(name, size, k.equals("qreg"));
                return;
            }
            case "qubit": case "bit": {
                next();
                noCondition(t, cond);
                int size = 1;
                boolean array = false;
                if (peek().is("[")) {
                    next();
                    size = intLiteral("register size");
                    expect("]");
                    array = true;
                }
                Tok name = ident("a register name");
                if (peek().is("=")) throw err(peek(), "initialising a bit register is not supported");
                expect(";");
                declare(name, size, k.equals("qubit"));
                if (!array) singles.add(name.text);
                return;
            }
            case "input": {
                next();
                noCondition(t, cond);
                typeSpec();
                Tok name = ident("a parameter name");
                expect(";");
                if (inputs.contains(name.text) || constants.containsKey(name.text)) throw err(name, "'" + name.text + "' is already declared");
                inputs.add(name.text);
                return;
            }
            case "const": {
                next();
                typeSpec();
                Tok name = ident("a constant name");
                expect("=");
                Angle v = expr(scope);
                expect(";");
                if (!v.isNumeric()) throw err(name, "a constant must not depend on inputs");
                constants.put(name.text, v.value());
                return;
            }
            case "gate": {
                next();
                noCondition(t, cond);
                if (scope != null) throw err(t, "gate definitions are only allowed at the top level");
                gateDefinition();
                return;
            }
            case "opaque": throw err(t, "opaque gates cannot be simulated");
            case "measure": {
                next();
                List<Integer> qs = operand(scope, true);
                Tok arrow = expect("->");
                List<Integer> cs = classicalOperand();
                expect(";");
                measure(arrow, qs, cs, cond);
                return;
            }
            case "reset": {
                next();
                List<Integer> qs = operand(scope, true);
                expect(";");
                for (int q : qs) add(t, Instruction.reset(q), cond);
                return;
            }
            case "barrier": {
                next();
                List<Integer> all = new ArrayList<>();
                if (peek().is(";")) {
                    for (int q = 0; q < circuit.numQubits(); q++) all.add(q);
                } else {
                    all.addAll(operand(scope, true));
                    while (peek().is(",")) { next(); all.addAll(operand(scope, true)); }
                }
                expect(";");
                if (cond != null) throw err(t, "a barrier cannot be conditioned");
                if (scope == null) add(t, Instruction.barrier(all.stream().mapToInt(Integer::intValue).toArray()), null);
                return;
            }
            case "if": {
                next();
                if (cond != null) throw err(t, "nested if is not supported");
                Condition c = condition();
                statement(scope, c);
                if (peek().is("else")) {
                    Tok e = next();
                    if (c.clbits().length != 1) throw err(e, "else is only supported on a single-bit condition");
                    statement(scope, new Condition(null, c.clbits(), 1 - c.value()));
                }
                return;
            }
            case "for": case "while": case "def": case "defcal": case "cal": case "extern": case "box": case "let":
            case "switch": case "return": case "break": case "continue": case "delay": case "output": case "defcalgrammar":
            case "int": case "uint": case "float": case "angle": case "bool": case "duration": case "stretch": case "complex": case "array":
                throw err(t, "'" + k + "' is not supported (only the gate-level subset of OpenQASM 3 is)");
            default:
                break;
        }
        if (k.equals("OPENQASM")) throw err(t, "OPENQASM must be the first statement");
        // c = measure q;  or  c[0] = measure q[0];
        if (circuit.creg(k) != null && scope == null) {
            List<Integer> cs = classicalOperand();
            Tok eq = expect("=");
            Tok m = next();
            if (!m.is("measure")) throw err(m, "only 'measure' can be assigned to a bit here");
            List<Integer> qs = operand(scope, true);
            expect(";");
            measure(eq, qs, cs, cond);
            return;
        }
        gateCall(scope, cond);
    }

    private final Set<String> singles = new HashSet<>();

    private void noCondition(Tok t, Condition c) {
        if (c != null) throw err(t, "'" + t.text + "' cannot be conditioned");
    }

    private void typeSpec() {
        Tok ty = ident("a type");
        switch (ty.text) {
            case "float": case "angle": case "int": case "uint":
                if (peek().is("[")) { next(); intLiteral("type width"); expect("]"); }
                return;
            default:
                throw err(ty, "unsupported type '" + ty.text + "' (float, angle, int or uint)");
        }
    }

    private void declare(Tok name, int size, boolean quantum) {
        if (size < 1) throw err(name, "register " + name.text + " needs at least one element");
        if (circuit.qreg(name.text) != null || circuit.creg(name.text) != null || inputs.contains(name.text)) {
            throw err(name, "'" + name.text + "' is already declared");
        }
        if (quantum && (long) circuit.numQubits() + size > MAX_QUBITS) throw err(name, "too many qubits (at most " + MAX_QUBITS + ")");
        if (!quantum && (long) circuit.numClbits() + size > MAX_QUBITS) throw err(name, "too many bits");
        if (quantum) circuit.addQubits(name.text, size);
        else circuit.addClbits(name.text, size);
    }

    private void measure(Tok at, List<Integer> qs, List<Integer> cs, Condition cond) {
        if (qs.size() != cs.size()) throw err(at, "measure needs as many bits as qubits (" + qs.size() + " qubit(s), " + cs.size() + " bit(s))");
        for (int i = 0; i < qs.size(); i++) add(at, Instruction.measure(qs.get(i), cs.get(i)), cond);
    }

    private Condition condition() {
        expect("(");
        boolean negate = false;
        if (peek().is("!")) { next(); negate = true; }
        Tok name = ident("a classical register or bit");
        Register r = circuit.creg(name.text);
        if (r == null) throw err(name, "unknown classical register '" + name.text + "'");
        int[] bits;
        String reg;
        if (peek().is("[")) {
            next();
            int i = intLiteral("bit index");
            Tok close = expect("]");
            if (i < 0 || i >= r.size()) throw err(close, "index " + i + " out of range for " + r.name() + "[" + r.size() + "]");
            bits = new int[] {r.index(i)};
            reg = null;
        } else {
            bits = new int[r.size()];
            for (int i = 0; i < bits.length; i++) bits[i] = r.index(i);
            reg = r.name();
        }
        long value;
        if (peek().is("==")) {
            if (negate) throw err(peek(), "'!' cannot be combined with ==");
            next();
            Tok v = next();
            if (v.type == T.INT) {
                try { value = Long.parseLong(v.text); } catch (NumberFormatException e) { throw err(v, "value too large"); }
            } else if (v.is("true")) value = 1;
            else if (v.is("false")) value = 0;
            else throw err(v, "expected an integer to compare with but found " + v);
        } else {
            if (bits.length != 1 && reg != null && r.size() != 1) throw err(peek(), "expected '==' after a register in a condition");
            value = negate ? 0 : 1;
        }
        Tok close = expect(")");
        if (value < 0 || (bits.length < 63 && value >= (1L << bits.length))) {
            throw err(close, "value " + value + " does not fit in " + bits.length + " bit(s)");
        }
        return new Condition(reg, bits, value);
    }

    /**
     * A gate definition. OpenQASM 2: a definition wins over qelib1.inc's gate of the same name
     * (only U and CX are the language's own); OpenQASM 3: U and gphase are built in and a gate
     * stdgates.inc declared cannot be declared again (the specification's scoping rules), any
     * other name may be defined. Calls after the definition use it. The body is checked now,
     * so its errors point into it.
     */
    private void gateDefinition() {
        Tok name = ident("a gate name");
        String n = name.text;
        if (StandardGates.isBuiltin(n, version)) throw err(name, "gate '" + n + "' is built into OpenQASM " + version + " and cannot be redefined");
        GateDef prev = defs.get(n);
        if (prev != null) throw err(name, "gate '" + n + "' is already defined at " + prev.at.line + ":" + prev.at.col);
        if (version == 3 && included.contains("stdgates.inc") && StandardGates.STDGATES.contains(n)) {
            throw err(name, "gate '" + n + "' is already declared by stdgates.inc; OpenQASM 3 does not allow redeclaring it (rename the gate)");
        }
        List<String> params = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        if (peek().is("(")) {
            next();
            if (!peek().is(")")) {
                params.add(uniqueName(seen, "a parameter name", n));
                while (peek().is(",")) { next(); params.add(uniqueName(seen, "a parameter name", n)); }
            }
            expect(")");
        }
        List<String> qargs = new ArrayList<>();
        qargs.add(uniqueName(seen, "a qubit argument", n));
        while (peek().is(",")) { next(); qargs.add(uniqueName(seen, "a qubit argument", n)); }
        Tok open = expect("{");
        int start = pos;
        int depth = 1;
        while (depth > 0) {
            Tok t = next();
            if (t.type == T.EOF) throw err(open, "gate " + n + " has no closing '}'");
            if (t.is("{")) depth++;
            if (t.is("}")) depth--;
        }
        GateDef d = new GateDef(n, params, qargs, start, pos - 1, defs.size(), name);
        checkBody(d);
        defs.put(n, d);
    }

    private String uniqueName(Set<String> seen, String what, String gate) {
        Tok t = ident(what);
        if (!seen.add(t.text)) throw err(t, "'" + t.text + "' is repeated in the arguments of gate " + gate);
        return t.text;
    }

    /** Reads a body once with symbolic parameters and stand-in qubits, expanding nothing. */
    private void checkBody(GateDef d) {
        Map<String, Angle> p = new HashMap<>();
        for (int i = 0; i < d.params.size(); i++) p.put(d.params.get(i), Angle.param("gate_param_" + i));
        Map<String, Integer> q = new LinkedHashMap<>();
        for (int i = 0; i < d.qargs.size(); i++) q.put(d.qargs.get(i), i);
        int saved = pos;
        boolean wasChecking = checking;
        List<Instruction> savedBody = currentBody;
        checking = true;
        currentBody = new ArrayList<>();
        try {
            pos = d.bodyStart;
            Scope inner = new Scope(p, q, 1, d);
            while (pos < d.bodyEnd) statement(inner, null);
        } finally {
            pos = saved;
            checking = wasChecking;
            currentBody = savedBody;
        }
    }

    /** The user gate a call means: in a body, only gates defined before that body's gate. */
    private GateDef lookup(String name, Scope scope) {
        GateDef d = defs.get(name);
        if (d == null || scope == null || scope.owner == null) return d;
        return d.ordinal < scope.owner.ordinal ? d : null;
    }

    // ---- operands --------------------------------------------------------------------------

    private List<Integer> operand(Scope scope, boolean allowRegister) {
        Tok name = peek();
        if (name.is("$")) throw err(name, "physical qubits ($n) are not supported");
        name = ident("a qubit");
        if (scope != null) {
            Integer q = scope.qubits.get(name.text);
            if (q == null) throw err(name, "unknown qubit argument '" + name.text + "' in gate body");
            if (peek().is("[")) throw err(peek(), "gate arguments cannot be indexed");
            return List.of(q);
        }
        Register r = circuit.qreg(name.text);
        if (r == null) {
            if (circuit.creg(name.text) != null) throw err(name, "'" + name.text + "' is a classical register, not qubits");
            throw err(name, "unknown qubit register '" + name.text + "'");
        }
        return indexOrAll(r, allowRegister);
    }

    private List<Integer> classicalOperand() {
        Tok name = ident("a classical bit or register");
        Register r = circuit.creg(name.text);
        if (r == null) {
            if (circuit.qreg(name.text) != null) throw err(name, "'" + name.text + "' is a quantum register, not bits");
            throw err(name, "unknown classical register '" + name.text + "'");
        }
        return indexOrAll(r, true);
    }

    private List<Integer> indexOrAll(Register r, boolean allowRegister) {
        if (peek().is("[")) {
            next();
            Tok it = peek();
            int i = intLiteral("an index");
            expect("]");
            if (i < 0 || i >= r.size()) throw err(it, "index " + i + " out of range for " + r.name() + "[" + r.size() + "]");
            return List.of(r.index(i));
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) all.add(r.index(i));
        return all;
    }

    // ---- gate calls ------------------------------------------------------------------------

    private void gateCall(Scope scope, Condition cond) {
        List<Modifier> mods = new ArrayList<>();
        Tok start = peek();
        while (peek().type == T.IDENT && (peek().is("ctrl") || peek().is("negctrl") || peek().is("inv") || peek().is("pow"))
                && (peek(1).is("@") || peek(1).is("("))) {
            Tok m = next();
            if (version == 2) throw err(m, "gate modifiers need OpenQASM 3");
            int count = 1;
            double exp = 1;
            if (peek().is("(")) {
                next();
                if (m.is("inv")) throw err(m, "inv takes no argument");
                if (m.is("pow")) {
                    Angle e = expr(scope);
                    if (e.isNumeric()) exp = e.value();
                    else if (!checking) throw err(m, "pow needs a numeric exponent");
                } else {
                    Tok c = peek();
                    count = intLiteral("a control count");
                    if (count < 1) throw err(c, "control count must be at least 1");
                }
                expect(")");
            } else if (m.is("pow")) {
                throw err(m, "pow needs an exponent: pow(k) @");
            }
            expect("@");
            mods.add(new Modifier(m.text, count, exp));
        }
        Tok name = ident("a gate name");
        List<Angle> params = new ArrayList<>();
        if (peek().is("(")) {
            next();
            if (!peek().is(")")) {
                params.add(expr(scope));
                while (peek().is(",")) { next(); params.add(expr(scope)); }
            }
            expect(")");
        }
        List<List<Integer>> args = new ArrayList<>();
        Tok argTok = peek();
        if (!peek().is(";")) {
            args.add(operand(scope, true));
            while (peek().is(",")) { next(); args.add(operand(scope, true)); }
        }
        expect(";");
        int nc = 0;
        for (Modifier m : mods) if (m.kind.endsWith("ctrl")) nc += m.count;
        int expectedTargets = arity(name, params.size(), scope);
        if (args.size() != nc + expectedTargets) {
            throw err(argTok.type == T.OP ? name : argTok, "gate " + name.text + (nc > 0 ? " with " + nc + " control(s)" : "") + " takes " + (nc + expectedTargets)
                    + " qubit argument(s), got " + args.size());
        }
        // broadcast over registers of equal size
        int width = 1;
        for (List<Integer> a : args) {
            if (a.size() > 1) {
                if (width > 1 && a.size() != width) throw err(argTok, "registers of different sizes (" + width + " and " + a.size() + ") in one gate call");
                width = a.size();
            }
        }
        for (int w = 0; w < width; w++) {
            int[] qs = new int[args.size()];
            for (int i = 0; i < qs.length; i++) qs[i] = args.get(i).size() == 1 ? args.get(i).get(0) : args.get(i).get(w);
            for (int i = 0; i < qs.length; i++) {
                for (int j = 0; j < i; j++) if (qs[i] == qs[j]) throw err(argTok, "qubit used twice in one call of " + name.text);
            }
            if (checking) continue;
            List<Instruction> out = apply(start, mods, 0, name, params, qs, scope);
            if (scope != null) {
                count(start, out.size()); // copying work of nested definitions counts too
                currentBody.addAll(out);
            } else {
                for (Instruction in : out) add(start, in, cond);
            }
        }
    }

    /** Collects the expansion of a gate body. */
    private List<Instruction> currentBody;

    private int arity(Tok name, int nparams, Scope scope) {
        if (scope != null && scope.owner != null && scope.owner.name.equals(name.text)) {
            throw err(name, "gate " + name.text + " cannot call itself (OpenQASM has no recursion)");
        }
        GateDef d = lookup(name.text, scope);
        if (d != null) {
            if (nparams != d.params.size()) throw err(name, "gate " + name.text + " takes " + d.params.size() + " parameter(s), got " + nparams);
            return d.qargs.size();
        }
        StandardGates.Std s = StandardGates.get(name.text, version);
        if (s == null) {
            if (circuit.qreg(name.text) != null || circuit.creg(name.text) != null) throw err(name, "'" + name.text + "' is a register, not a gate");
            throw err(name, "unknown gate '" + name.text + "'" + (version == 2 ? " (did you include qelib1.inc?)" : ""));
        }
        if (nparams != s.params) throw err(name, "gate " + name.text + " takes " + s.params + " parameter(s), got " + nparams);
        return s.qubits;
    }

    private List<Instruction> apply(Tok at, List<Modifier> mods, int idx, Tok name, List<Angle> params, int[] qs, Scope scope) {
        if (idx == mods.size()) return expand(at, name, params, qs, scope);
        Modifier m = mods.get(idx);
        switch (m.kind) {
            case "ctrl":
            case "negctrl": {
                int[] ctrl = new int[m.count];
                System.arraycopy(qs, 0, ctrl, 0, m.count);
                int[] rest = new int[qs.length - m.count];
                System.arraycopy(qs, m.count, rest, 0, rest.length);
                List<Instruction> inner = apply(at, mods, idx + 1, name, params, rest, scope);
                List<Instruction> out = new ArrayList<>(inner.size());
                for (Instruction in : inner) out.add(Modifiers.control(in, ctrl, m.kind.equals("ctrl")));
                return out;
            }
            case "inv": {
                List<Instruction> inner = apply(at, mods, idx + 1, name, params, qs, scope);
                List<Instruction> out = new ArrayList<>(inner.size());
                for (int i = inner.size() - 1; i >= 0; i--) out.add(Modifiers.inverse(inner.get(i)));
                return out;
            }
            default: {
                List<Instruction> inner = apply(at, mods, idx + 1, name, params, qs, scope);
                try {
                    List<Instruction> r = Modifiers.power(inner, m.exponent);
                    count(at, r.size());
                    return r;
                } catch (IllegalArgumentException e) {
                    throw err(at, e.getMessage());
                }
            }
        }
    }

    private void count(Tok at, long n) {
        emitted += n;
        if (emitted > MAX_INSTRUCTIONS) throw err(at, "the program expands to more than " + MAX_INSTRUCTIONS + " instructions (counting nested gate expansions)");
    }

    private List<Instruction> expand(Tok at, Tok name, List<Angle> params, int[] qs, Scope scope) {
        GateDef d = lookup(name.text, scope);
        if (d == null) {
            try {
                List<Instruction> r = StandardGates.instructions(StandardGates.get(name.text, version), params, qs);
                count(at, r.size());
                return r;
            } catch (IllegalArgumentException e) {
                throw err(name, e.getMessage());
            }
        }
        int depth = scope == null ? 0 : scope.depth;
        if (depth > 64) throw err(name, "gate definitions nest too deeply (more than 64 levels)");
        Map<String, Angle> p = new HashMap<>();
        for (int i = 0; i < d.params.size(); i++) p.put(d.params.get(i), params.get(i));
        Map<String, Integer> q = new LinkedHashMap<>();
        for (int i = 0; i < d.qargs.size(); i++) q.put(d.qargs.get(i), qs[i]);
        int saved = pos;
        List<Instruction> savedBody = currentBody;
        List<Instruction> body = new ArrayList<>();
        currentBody = body;
        try {
            pos = d.bodyStart;
            Scope inner = new Scope(p, q, depth + 1, d);
            while (pos < d.bodyEnd) statement(inner, null);
        } catch (QasmException e) {
            // the error points into the body; the message names the program's call
            if (scope != null || e instanceof InGate) throw e;
            throw new InGate(e, d, at);
        } finally {
            pos = saved;
            currentBody = savedBody;
        }
        return body;
    }

    private void add(Tok at, Instruction in, Condition cond) {
        count(at, 1);
        try {
            circuit.append(cond == null ? in : in.withCondition(cond));
        } catch (IllegalArgumentException e) {
            throw err(at, e.getMessage());
        }
    }

    // ---- expressions (linear in input parameters) --------------------------------------------

    private Angle expr(Scope scope) {
        Angle a = term(scope);
        while (peek().is("+") || peek().is("-")) {
            boolean minus = next().is("-");
            Angle b = term(scope);
            a = a.plus(minus ? b.negate() : b);
        }
        return a;
    }

    private Angle term(Scope scope) {
        Angle a = unary(scope);
        while (peek().is("*") || peek().is("/")) {
            Tok op = next();
            Angle b = unary(scope);
            if (op.is("*")) {
                if (a.isNumeric()) a = b.times(a.value());
                else if (b.isNumeric()) a = a.times(b.value());
                else if (!checking) throw err(op, "only linear expressions of parameters are supported");
            } else {
                if (!b.isNumeric()) {
                    if (checking) continue;
                    throw err(op, "cannot divide by a parameter");
                }
                if (b.value() == 0) throw err(op, "division by zero");
                a = a.times(1.0 / b.value());
            }
        }
        return a;
    }

    private Angle unary(Scope scope) {
        if (peek().is("-")) { next(); return unary(scope).negate(); }
        if (peek().is("+")) { next(); return unary(scope); }
        return power(scope);
    }

    private Angle power(Scope scope) {
        Angle base = primary(scope);
        if (peek().is("^") || peek().is("**")) {
            Tok op = next();
            Angle e = unary(scope);
            if (!base.isNumeric() || !e.isNumeric()) {
                if (checking) return base.isNumeric() ? e : base;
                throw err(op, "powers of parameters are not supported");
            }
            return num(op, Math.pow(base.value(), e.value()));
        }
        return base;
    }

    private Angle num(Tok t, double v) {
        if (!Double.isFinite(v)) throw err(t, "expression is not a finite number");
        return Angle.of(v);
    }

    private Angle primary(Scope scope) {
        Tok t = next();
        switch (t.type) {
            case INT:
            case FLOAT:
                try {
                    return num(t, Double.parseDouble(t.text));
                } catch (NumberFormatException e) {
                    throw err(t, "bad number " + t.text);
                }
            case OP:
                if (t.is("(")) {
                    Angle a = expr(scope);
                    expect(")");
                    return a;
                }
                throw err(t, "expected an expression but found " + t);
            case IDENT: {
                String s = t.text;
                if (peek().is("(") && FUNCS.contains(s)) {
                    next();
                    Angle a = expr(scope);
                    expect(")");
                    if (!a.isNumeric()) {
                        if (checking) return a;
                        throw err(t, s + "() of a parameter is not supported");
                    }
                    double x = a.value();
                    double r;
                    switch (s) {
                        case "sin": r = Math.sin(x); break;
                        case "cos": r = Math.cos(x); break;
                        case "tan": r = Math.tan(x); break;
                        case "exp": r = Math.exp(x); break;
                        case "ln": r = Math.log(x); break;
                        case "sqrt": r = Math.sqrt(x); break;
                        case "arcsin": r = Math.asin(x); break;
                        case "arccos": r = Math.acos(x); break;
                        default: r = Math.atan(x); break;
                    }
                    return num(t, r);
                }
                if (scope != null && scope.params.containsKey(s)) return scope.params.get(s);
                if (constants.containsKey(s)) return Angle.of(constants.get(s));
                if (inputs.contains(s)) return Angle.param(s);
                switch (s) {
                    case "pi": case "π": return Angle.of(Math.PI);
                    case "tau": case "τ": return Angle.of(2 * Math.PI);
                    case "euler": case "ℇ": return Angle.of(Math.E);
                    default: break;
                }
                if (version == 3 && scope == null && peek().is(")") ) {
                    // fallthrough to error: undeclared identifier
                }
                throw err(t, "unknown identifier '" + s + "'" + (version == 3 ? " (declare parameters with 'input float " + s + ";')" : ""));
            }
            default:
                throw err(t, "expected an expression but found " + t);
        }
    }

    private static final Set<String> BODY_FORBIDDEN = Set.of("measure", "reset", "if", "qreg", "creg", "qubit", "bit", "input", "const", "include", "gate");
    private static final Set<String> FUNCS = Collections.unmodifiableSet(new HashSet<>(List.of("sin", "cos", "tan", "exp", "ln", "sqrt", "arcsin", "arccos", "arctan")));
}
