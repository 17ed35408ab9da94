package org.kumiki.campaign.internal.file;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.dto.BudgetDTO;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.ConstraintDTO;
import org.kumiki.campaign.api.dto.Goal;
import org.kumiki.campaign.api.dto.ObjectiveDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.ProposerDTO;
import org.kumiki.campaign.api.dto.RetryDTO;
import org.kumiki.campaign.api.dto.ScreenDTO;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.OptionProblem;
import org.kumiki.campaign.internal.propose.LinearFeasibility;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads campaign files (JSON, or YAML for {@code .yaml}/{@code .yml}) into a
 * {@link CampaignDefinition}, reporting every problem as {@code file:line:col: message}.
 */
public final class CampaignFiles {

    /** Larger files are refused. */
    public static final int MAX_BYTES = 1 << 20;
    static final int MAX_DEPTH = 32;
    static final int MAX_PARAMETERS = 64;
    static final int MAX_CATEGORIES = 256;
    static final int MAX_EVALUATIONS = 1_000_000;
    static final int MAX_BATCH = 1024;
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    static final Set<String> BUILT_IN_PROPOSERS = Set.of("bayesian", "sobol", "random", "grid");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(s|m|h|d)?");

    private final Supplier<Set<String>> evaluators;
    private final Supplier<Set<String>> proposers;
    /** Finds an evaluator by name to check a step's options ({@link Evaluator#validate}); null for none. */
    private volatile java.util.function.Function<String, Evaluator> optionChecks;

    /** Values of {@code ${kumiki.home}}, {@code ${kumiki.state}} (and the like) in step options. */
    private volatile Map<String, String> variables = Map.of();
    /** {@code ${campaign.dir}}, {@code ${kumiki.home}}, ...: dots keep them apart from shell variables. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{((?:campaign|kumiki)\\.[^}]*)\\}");

    /**
     * Sets the installation's variables for step options, e.g. {@code kumiki.home} and
     * {@code kumiki.state} (absolute paths); {@code campaign.dir}, the folder of the campaign file,
     * is known for every file read from a path.
     *
     * @return this
     */
    public CampaignFiles variables(Map<String, String> values) {
        this.variables = Map.copyOf(values);
        return this;
    }

    /**
     * Lets the named evaluators check their steps' options when a campaign is read or started;
     * their problems are reported at the option's {@code file:line:col}.
     *
     * @return this
     */
    public CampaignFiles optionChecks(java.util.function.Function<String, Evaluator> lookup) {
        this.optionChecks = lookup;
        return this;
    }

    /**
     * @param evaluators the evaluator names known now (a step naming another is an error); null
     *        to accept any
     * @param proposers proposer service names known now, besides the built-in ones; null for none
     */
    public CampaignFiles(Supplier<Set<String>> evaluators, Supplier<Set<String>> proposers) {
        this.evaluators = evaluators;
        this.proposers = proposers == null ? Set::of : proposers;
    }

    /** @throws CampaignException with one {@code file:line:col: message} line per problem */
    public CampaignDefinition read(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            if (!Files.isRegularFile(file)) {
                throw new CampaignException(name + ": no such file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new CampaignException(name + ": larger than " + MAX_BYTES + " bytes");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (IOException e) {
            throw new CampaignException(name + ": cannot read: " + e.getMessage());
        }
        String lower = name.toLowerCase(Locale.ROOT);
        Path dir = file.toAbsolutePath().normalize().getParent();
        return read(name, bytes, lower.endsWith(".yaml") || lower.endsWith(".yml"), dir == null ? null : dir.toString());
    }

    /** @throws CampaignException with one {@code name:line:col: message} line per problem */
    public CampaignDefinition read(String name, byte[] content, boolean yaml) {
        return read(name, content, yaml, null);
    }

    private CampaignDefinition read(String name, byte[] content, boolean yaml, String dir) {
        if (content.length > MAX_BYTES) {
            throw new CampaignException(name + ": larger than " + MAX_BYTES + " bytes");
        }
        Node root = parse(name, content, yaml);
        Reader r = new Reader(name);
        r.vars.putAll(variables);
        if (dir != null) {
            r.vars.put("campaign.dir", dir);
        }
        CampaignDefinition d = r.campaign(root);
        d.source = name;
        d.sourceHash = sha256(content);
        r.semantics(d);
        if (!r.problems.isEmpty()) {
            throw new CampaignException(r.problems);
        }
        return d;
    }

    /**
     * Checks a definition given without a file (the same rules).
     *
     * @throws CampaignException with one {@code campaign: message} line per problem
     */
    public void validate(CampaignDefinition d) {
        Reader r = new Reader(d.source == null ? "campaign" : d.source);
        r.structure(d);
        if (r.problems.isEmpty()) {
            r.semantics(d);
        }
        if (!r.problems.isEmpty()) {
            throw new CampaignException(r.problems);
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- syntax ---------------------------------------------------------------------------

    private static Node parse(String name, byte[] content, boolean yaml) {
        StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                .maxStringLength(64 * 1024).maxNumberLength(64).maxNameLength(1024).build();
        JsonFactory f = yaml ? YAMLFactory.builder().streamReadConstraints(limits).build()
                : JsonFactory.builder().streamReadConstraints(limits).build();
        try (JsonParser p = f.createParser(content)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new CampaignException(name + ":1:1: the file is empty");
            }
            Node root = node(name, p, 0);
            if (p.nextToken() != null) {
                throw new CampaignException(at(name, p.currentTokenLocation()) + "content after the campaign");
            }
            return root;
        } catch (JsonProcessingException e) {
            String msg = e.getOriginalMessage();
            int nl = msg == null ? -1 : msg.indexOf('\n');
            msg = msg == null ? "malformed" : nl >= 0 ? msg.substring(0, nl) : msg;
            throw new CampaignException(at(name, e.getLocation()) + "syntax error: " + escape(msg));
        } catch (IOException e) {
            throw new CampaignException(name + ": cannot read: " + escape(e.getMessage()));
        } catch (RuntimeException e) {
            if (e instanceof CampaignException) {
                throw e;
            }
            // snakeyaml reports some malformed input as its own runtime exceptions
            String msg = String.valueOf(e.getMessage());
            int nl = msg.indexOf('\n');
            throw new CampaignException(name + ":1:1: syntax error: " + escape(nl >= 0 ? msg.substring(0, nl) : msg));
        }
    }

    private static Node node(String name, JsonParser p, int depth) throws IOException {
        JsonLocation loc = p.currentTokenLocation();
        int line = Math.max(1, loc.getLineNr());
        int col = Math.max(1, loc.getColumnNr());
        JsonToken t = p.currentToken();
        Node n;
        switch (t) {
            case START_OBJECT:
                n = new Node(Node.Kind.OBJECT, line, col);
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation kl = p.currentTokenLocation();
                    String key = p.currentName();
                    if (n.fields.containsKey(key)) {
                        throw new CampaignException(at(name, kl) + "duplicate key '" + escape(key) + "'");
                    }
                    p.nextToken();
                    n.keyLocations.put(key, new int[] {Math.max(1, kl.getLineNr()), Math.max(1, kl.getColumnNr())});
                    n.fields.put(key, node(name, p, depth + 1));
                }
                return n;
            case START_ARRAY:
                n = new Node(Node.Kind.ARRAY, line, col);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (p.currentToken() == null) {
                        throw new CampaignException(at(name, p.currentTokenLocation()) + "unexpected end of file");
                    }
                    n.items.add(node(name, p, depth + 1));
                }
                return n;
            case VALUE_STRING:
                n = new Node(Node.Kind.STRING, line, col);
                n.text = p.getText();
                return n;
            case VALUE_NUMBER_INT:
                n = new Node(Node.Kind.INTEGER, line, col);
                n.number = p.getDoubleValue();
                n.text = p.getText();
                return n;
            case VALUE_NUMBER_FLOAT:
                n = new Node(Node.Kind.NUMBER, line, col);
                n.number = p.getDoubleValue();
                n.text = p.getText();
                return n;
            case VALUE_TRUE:
            case VALUE_FALSE:
                n = new Node(Node.Kind.BOOLEAN, line, col);
                n.bool = t == JsonToken.VALUE_TRUE;
                return n;
            case VALUE_NULL:
                return new Node(Node.Kind.NULL, line, col);
            default:
                throw new CampaignException(at(name, loc) + "unsupported value (" + t + ")");
        }
    }

    private static String at(String name, JsonLocation loc) {
        if (loc == null) {
            return name + ":1:1: ";
        }
        return name + ":" + Math.max(1, loc.getLineNr()) + ":" + Math.max(1, loc.getColumnNr()) + ": ";
    }

    /** Control characters shown escaped, so a hostile value cannot forge lines. */
    static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.length() >= 200 ? b + "..." : b.toString();
    }

    // ---- structure and semantics -----------------------------------------------------------

    private final class Reader {
        final String name;
        final List<String> problems = new ArrayList<>();
        /** Where each DTO (or DTO field, keyed "object#field") was read, for semantic errors. */
        final Map<Object, Node> where = new IdentityHashMap<>();
        final Map<Object, Map<String, Node>> fieldWhere = new IdentityHashMap<>();
        /** Variables for {@code ${campaign.dir}}-style references in step options. */
        final Map<String, String> vars = new java.util.TreeMap<>();

        Reader(String name) {
            this.name = name;
        }

        void problem(Node at, String message) {
            problems.add(at == null ? name + ": " + message : name + ":" + at.line + ":" + at.column + ": " + message);
        }

        void problem(Object dto, String field, String message) {
            Map<String, Node> f = fieldWhere.get(dto);
            Node at = f != null && f.get(field) != null ? f.get(field) : where.get(dto);
            problem(at, message);
        }

        /** Checks the keys of an object: unknown ones are errors, required ones must be there. */
        boolean keys(Node obj, String what, Set<String> allowed, Set<String> required) {
            boolean ok = true;
            for (Map.Entry<String, Node> e : obj.fields.entrySet()) {
                if (!allowed.contains(e.getKey())) {
                    int[] kl = obj.keyLocations.get(e.getKey());
                    problems.add(name + ":" + kl[0] + ":" + kl[1] + ": unknown key '" + escape(e.getKey()) + "' in " + what
                            + " (known: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                    ok = false;
                }
            }
            for (String r : required) {
                if (!obj.fields.containsKey(r)) {
                    problem(obj, what + " lacks '" + r + "'");
                    ok = false;
                }
            }
            return ok;
        }

        boolean is(Node n, String what, Node.Kind... kinds) {
            for (Node.Kind k : kinds) {
                if (n.kind == k || (k == Node.Kind.NUMBER && n.kind == Node.Kind.INTEGER)) {
                    return true;
                }
            }
            String expected = kinds[0] == Node.Kind.OBJECT ? "an object" : kinds[0] == Node.Kind.ARRAY ? "a list"
                    : kinds[0] == Node.Kind.STRING ? "a string" : kinds[0] == Node.Kind.INTEGER ? "a whole number"
                    : kinds[0] == Node.Kind.NUMBER ? "a number" : "a boolean";
            problem(n, what + ": expected " + expected + ", got " + (n.kind == Node.Kind.NUMBER && kinds[0] == Node.Kind.INTEGER
                    ? "a fraction (" + n.text + ")" : n.describe()));
            return false;
        }

        String string(Node obj, String key, String def) {
            Node n = obj.fields.get(key);
            if (n == null) {
                return def;
            }
            return is(n, "'" + key + "'", Node.Kind.STRING) ? n.text : def;
        }

        Double number(Node obj, String key) {
            Node n = obj.fields.get(key);
            if (n == null) {
                return null;
            }
            if (!is(n, "'" + key + "'", Node.Kind.NUMBER)) {
                return null;
            }
            if (!Double.isFinite(n.number)) {
                problem(n, "'" + key + "': not a finite number");
                return null;
            }
            return n.number;
        }

        Long whole(Node obj, String key, long min, long max) {
            Node n = obj.fields.get(key);
            if (n == null) {
                return null;
            }
            if (!is(n, "'" + key + "'", Node.Kind.INTEGER)) {
                return null;
            }
            if (n.number < min || n.number > max) {
                problem(n, "'" + key + "': " + n.text + " is out of range [" + min + ", " + max + "]");
                return null;
            }
            return (long) n.number;
        }

        void remember(Object dto, Node obj) {
            where.put(dto, obj);
            fieldWhere.put(dto, obj.fields);
        }

        CampaignDefinition campaign(Node root) {
            CampaignDefinition d = new CampaignDefinition();
            if (!is(root, "the campaign", Node.Kind.OBJECT)) {
                throw new CampaignException(problems);
            }
            remember(d, root);
            keys(root, "the campaign", Set.of("name", "description", "seed", "parameters", "constraints", "objectives",
                    "budget", "batchSize", "proposer", "retry", "pipeline"), Set.of("name", "parameters", "objectives", "budget", "pipeline"));
            d.name = string(root, "name", null);
            d.description = string(root, "description", null);
            Long seed = whole(root, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
            d.seed = seed == null ? 0 : seed;
            Long batch = whole(root, "batchSize", 1, MAX_BATCH);
            d.batchSize = batch == null ? 1 : batch.intValue();
            Node ps = root.fields.get("parameters");
            if (ps != null && is(ps, "'parameters'", Node.Kind.ARRAY)) {
                for (Node p : ps.items) {
                    if (is(p, "a parameter", Node.Kind.OBJECT)) {
                        d.parameters.add(parameter(p));
                    }
                }
            }
            Node cs = root.fields.get("constraints");
            if (cs != null && is(cs, "'constraints'", Node.Kind.ARRAY)) {
                for (Node c : cs.items) {
                    if (is(c, "a constraint", Node.Kind.STRING)) {
                        try {
                            ConstraintDTO dto = LinearExpression.parse(c.text);
                            where.put(dto, c);
                            d.constraints.add(dto);
                        } catch (IllegalArgumentException e) {
                            problem(c, escape(e.getMessage()));
                        }
                    }
                }
            }
            Node os = root.fields.get("objectives");
            if (os != null && is(os, "'objectives'", Node.Kind.ARRAY)) {
                for (Node o : os.items) {
                    if (is(o, "an objective", Node.Kind.OBJECT)) {
                        d.objectives.add(objective(o));
                    }
                }
            }
            Node b = root.fields.get("budget");
            if (b != null && is(b, "'budget'", Node.Kind.OBJECT)) {
                d.budget = budget(b);
            }
            Node pr = root.fields.get("proposer");
            if (pr != null && is(pr, "'proposer'", Node.Kind.OBJECT)) {
                d.proposer = proposer(pr);
            }
            Node rt = root.fields.get("retry");
            if (rt != null && is(rt, "'retry'", Node.Kind.OBJECT)) {
                remember(d.retry, rt);
                keys(rt, "'retry'", Set.of("maxAttempts"), Set.of());
                Long m = whole(rt, "maxAttempts", 1, 100);
                if (m != null) {
                    d.retry.maxAttempts = m.intValue();
                }
            }
            Node pl = root.fields.get("pipeline");
            if (pl != null && is(pl, "'pipeline'", Node.Kind.ARRAY)) {
                for (Node s : pl.items) {
                    if (is(s, "a pipeline step", Node.Kind.OBJECT)) {
                        d.pipeline.add(step(s));
                    }
                }
            }
            return d;
        }

        ParameterDTO parameter(Node n) {
            ParameterDTO p = new ParameterDTO();
            remember(p, n);
            keys(n, "a parameter", Set.of("name", "type", "min", "max", "values", "unit"), Set.of("name", "type"));
            p.name = string(n, "name", null);
            String type = string(n, "type", null);
            if (type != null) {
                switch (type.toLowerCase(Locale.ROOT)) {
                    case "continuous": case "real": case "float": p.type = ParameterType.CONTINUOUS; break;
                    case "integer": case "int": p.type = ParameterType.INTEGER; break;
                    case "categorical": case "choice": p.type = ParameterType.CATEGORICAL; break;
                    default: problem(n.fields.get("type"), "unknown parameter type '" + escape(type) + "' (known: continuous, integer, categorical)");
                }
            }
            p.unit = string(n, "unit", null);
            if (p.type == ParameterType.CATEGORICAL) {
                for (String k : List.of("min", "max")) {
                    if (n.fields.containsKey(k)) {
                        problem(n.fields.get(k), "'" + k + "' does not apply to a categorical parameter");
                    }
                }
                Node vs = n.fields.get("values");
                if (vs == null) {
                    problem(n, "a categorical parameter lacks 'values'");
                } else if (is(vs, "'values'", Node.Kind.ARRAY)) {
                    for (Node v : vs.items) {
                        if (v.kind == Node.Kind.STRING || v.kind == Node.Kind.INTEGER || v.kind == Node.Kind.NUMBER || v.kind == Node.Kind.BOOLEAN) {
                            p.values.add(v.kind == Node.Kind.BOOLEAN ? String.valueOf(v.bool) : v.text);
                        } else {
                            problem(v, "a categorical value must be a string or a number, got " + v.describe());
                        }
                    }
                }
            } else if (p.type != null) {
                if (n.fields.containsKey("values")) {
                    problem(n.fields.get("values"), "'values' applies only to a categorical parameter");
                }
                Double min = number(n, "min");
                Double max = number(n, "max");
                if (!n.fields.containsKey("min")) {
                    problem(n, "parameter lacks 'min'");
                }
                if (!n.fields.containsKey("max")) {
                    problem(n, "parameter lacks 'max'");
                }
                if (min != null && max != null) {
                    p.min = min;
                    p.max = max;
                } else {
                    p.min = Double.NaN;
                    p.max = Double.NaN;
                }
            }
            return p;
        }

        ObjectiveDTO objective(Node n) {
            ObjectiveDTO o = new ObjectiveDTO();
            remember(o, n);
            keys(n, "an objective", Set.of("name", "goal", "target", "weight", "unit"), Set.of("name", "goal"));
            o.name = string(n, "name", null);
            String goal = string(n, "goal", null);
            if (goal != null) {
                switch (goal.toLowerCase(Locale.ROOT)) {
                    case "maximise": case "maximize": case "max": o.goal = Goal.MAXIMISE; break;
                    case "minimise": case "minimize": case "min": o.goal = Goal.MINIMISE; break;
                    case "target": o.goal = Goal.TARGET; break;
                    default: problem(n.fields.get("goal"), "unknown goal '" + escape(goal) + "' (known: maximise, minimise, target)");
                }
            }
            Double target = number(n, "target");
            if (o.goal == Goal.TARGET && target == null && !n.fields.containsKey("target")) {
                problem(n, "an objective with goal 'target' lacks 'target'");
            } else if (o.goal != null && o.goal != Goal.TARGET && n.fields.containsKey("target")) {
                problem(n.fields.get("target"), "'target' applies only to goal 'target'");
            }
            o.target = target == null ? 0 : target;
            Double w = number(n, "weight");
            o.weight = w == null ? 1.0 : w;
            o.unit = string(n, "unit", null);
            return o;
        }

        BudgetDTO budget(Node n) {
            BudgetDTO b = new BudgetDTO();
            remember(b, n);
            keys(n, "'budget'", Set.of("evaluations", "experiments", "simulations", "wallTime"), Set.of("evaluations"));
            Long e = whole(n, "evaluations", 1, MAX_EVALUATIONS);
            b.evaluations = e == null ? 0 : e.intValue();
            Long x = whole(n, "experiments", 1, MAX_EVALUATIONS);
            b.experiments = x == null ? 0 : x.intValue();
            Long sims = whole(n, "simulations", 1, MAX_EVALUATIONS);
            b.simulations = sims == null ? 0 : sims.intValue();
            Node w = n.fields.get("wallTime");
            if (w != null) {
                if (w.kind == Node.Kind.INTEGER && w.number >= 0) {
                    b.wallTimeSeconds = (long) w.number;
                } else if (w.kind == Node.Kind.STRING) {
                    Matcher m = DURATION.matcher(w.text.trim());
                    if (m.matches()) {
                        long v = Long.parseLong(m.group(1));
                        String u = m.group(2) == null ? "s" : m.group(2);
                        b.wallTimeSeconds = v * switch (u) { case "m" -> 60L; case "h" -> 3600L; case "d" -> 86400L; default -> 1L; };
                    } else {
                        problem(w, "'wallTime': expected a duration such as 90s, 30m, 2h or 1d, got '" + escape(w.text) + "'");
                    }
                } else {
                    problem(w, "'wallTime': expected a duration such as 90s, 30m, 2h or 1d, got " + w.describe()
                            + (w.kind == Node.Kind.INTEGER ? " below 0" : ""));
                }
            }
            return b;
        }

        ProposerDTO proposer(Node n) {
            ProposerDTO p = new ProposerDTO();
            remember(p, n);
            keys(n, "'proposer'", Set.of("kind", "initialPoints", "batchStrategy", "gridPoints"), Set.of());
            p.kind = string(n, "kind", p.kind);
            Long init = whole(n, "initialPoints", 0, 100_000);
            if (init != null) {
                p.initialPoints = init.intValue();
            }
            p.batchStrategy = string(n, "batchStrategy", p.batchStrategy);
            Long grid = whole(n, "gridPoints", 2, 1000);
            if (grid != null) {
                p.gridPoints = grid.intValue();
            }
            return p;
        }

        StepDTO step(Node n) {
            StepDTO s = new StepDTO();
            remember(s, n);
            keys(n, "a pipeline step", Set.of("name", "evaluator", "options", "screen"), Set.of("evaluator"));
            s.evaluator = string(n, "evaluator", null);
            s.name = string(n, "name", s.evaluator);
            Node o = n.fields.get("options");
            if (o != null && is(o, "'options'", Node.Kind.OBJECT)) {
                expand(o);
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) o.toPlain();
                s.options.putAll(m);
            }
            Node sc = n.fields.get("screen");
            if (sc != null && is(sc, "'screen'", Node.Kind.OBJECT)) {
                ScreenDTO screen = new ScreenDTO();
                remember(screen, sc);
                if (keys(sc, "'screen'", Set.of("value", "min", "max"), Set.of("value"))) {
                    if (!sc.fields.containsKey("min") && !sc.fields.containsKey("max")) {
                        problem(sc, "'screen' needs 'min', 'max' or both");
                    }
                }
                screen.value = string(sc, "value", null);
                screen.min = number(sc, "min");
                screen.max = number(sc, "max");
                s.screen = screen;
            }
            return s;
        }

        /** For a definition given as Java: the checks that the file reader does by type. */
        void structure(CampaignDefinition d) {
            if (d.parameters == null || d.objectives == null || d.pipeline == null || d.constraints == null
                    || d.budget == null || d.proposer == null || d.retry == null) {
                problem(null, "parameters, constraints, objectives, budget, proposer, retry and pipeline must not be null");
                return;
            }
            for (ParameterDTO p : d.parameters) {
                if (p == null || p.type == null) {
                    problem(null, "every parameter needs a type");
                    return;
                }
            }
            for (ObjectiveDTO o : d.objectives) {
                if (o == null || o.goal == null) {
                    problem(null, "every objective needs a goal");
                    return;
                }
            }
            for (ConstraintDTO c : d.constraints) {
                if (c == null || c.relation == null || c.coefficients == null || c.coefficients.isEmpty()) {
                    problem(null, "every constraint needs coefficients and a relation");
                    return;
                }
            }
            if (d.batchSize < 1 || d.batchSize > MAX_BATCH) {
                problem(null, "'batchSize' must be in [1, " + MAX_BATCH + "]");
            }
            if (d.retry.maxAttempts < 1 || d.retry.maxAttempts > 100) {
                problem(null, "'retry.maxAttempts' must be in [1, 100]");
            }
            if (d.budget.wallTimeSeconds < 0) {
                problem(null, "'budget.wallTime' must not be negative");
            }
            if (d.budget.experiments < 0 || d.budget.simulations < 0) {
                problem(null, "'budget.experiments' and 'budget.simulations' must not be negative");
            }
            for (StepDTO s : d.pipeline) {
                if (s != null && s.screen != null && (s.screen.value == null || (s.screen.min == null && s.screen.max == null))) {
                    problem(null, "step '" + escape(s.name) + "': a screen needs a value and 'min', 'max' or both");
                }
            }
        }

        /** Asks the step's evaluator to check its options; each problem at the option it names. */
        void checkOptions(CampaignDefinition d, StepDTO s) {
            java.util.function.Function<String, Evaluator> lookup = optionChecks;
            Evaluator ev = lookup == null ? null : lookup.apply(s.evaluator);
            if (ev == null) {
                return;
            }
            List<OptionProblem> found;
            try {
                found = ev.validate(d, s);
            } catch (RuntimeException e) {
                problem(s, "options", "step '" + escape(s.name) + "': evaluator '" + escape(s.evaluator) + "' could not check its options: "
                        + escape(String.valueOf(e.getMessage())));
                return;
            }
            if (found == null) {
                return;
            }
            Node step = where.get(s);
            for (OptionProblem op : found) {
                if (op == null || op.message == null) {
                    continue;
                }
                Node at = step == null ? null : step.fields.getOrDefault("options", step);
                if (at != null && op.path != null) {
                    for (String key : op.path) {
                        Node next = at.kind == Node.Kind.OBJECT ? at.fields.get(key) : null;
                        if (next == null && at.kind == Node.Kind.ARRAY && key != null && key.matches("\\d{1,9}")
                                && Integer.parseInt(key) < at.items.size()) {
                            next = at.items.get(Integer.parseInt(key));
                        }
                        if (next == null) {
                            break;
                        }
                        at = next;
                    }
                }
                problem(at, "step '" + escape(s.name) + "': " + escape(op.message));
            }
        }

        /** Replaces {@code ${campaign.dir}}, {@code ${kumiki.home}}, ... in the strings under a node. */
        void expand(Node n) {
            if (n.kind == Node.Kind.STRING && n.text != null && n.text.contains("${")) {
                Matcher m = VARIABLE.matcher(n.text);
                StringBuilder b = new StringBuilder();
                while (m.find()) {
                    String v = vars.get(m.group(1));
                    if (v == null) {
                        problem(n, "unknown variable '${" + escape(m.group(1)) + "}' (known: "
                                + (vars.isEmpty() ? "none here" : String.join(", ", vars.keySet())) + ")");
                        v = m.group();
                    }
                    m.appendReplacement(b, Matcher.quoteReplacement(v));
                }
                m.appendTail(b);
                n.text = b.toString();
            }
            n.fields.values().forEach(this::expand);
            n.items.forEach(this::expand);
        }

        /** A screen checks values of earlier steps: not on the first step, a name, bounds in order. */
        void screen(CampaignDefinition d, StepDTO s) {
            ScreenDTO sc = s.screen;
            if (d.pipeline.indexOf(s) == 0) {
                problem(s, "screen", "step '" + escape(s.name) + "': a screen checks values of earlier steps, and this is the first step");
            }
            if (sc.value != null && !IDENTIFIER.matcher(sc.value).matches()) {
                problem(sc, "value", "step '" + escape(s.name) + "': screen value '" + escape(sc.value)
                        + "' must be a letter or '_' then letters, digits or '_'");
            }
            if (sc.min != null && sc.max != null && sc.min > sc.max) {
                problem(sc, "max", "step '" + escape(s.name) + "': screen bounds reversed (min " + fmt(sc.min) + " > max " + fmt(sc.max) + ")");
            }
        }

        void semantics(CampaignDefinition d) {
            if (d.name != null && !NAME.matcher(d.name).matches()) {
                problem(d, "name", "name '" + escape(d.name) + "' must be 1-64 letters, digits, '_', '.' or '-'");
            } else if (d.name == null && where.isEmpty()) {
                problem(null, "the campaign lacks 'name'");
            }
            if (d.parameters.isEmpty()) {
                problem(d, "parameters", "the campaign has no parameters");
            } else if (d.parameters.size() > MAX_PARAMETERS) {
                problem(d, "parameters", "more than " + MAX_PARAMETERS + " parameters");
            }
            Map<String, ParameterDTO> byName = new java.util.HashMap<>();
            for (ParameterDTO p : d.parameters) {
                if (p.name == null) {
                    continue;
                }
                if (!IDENTIFIER.matcher(p.name).matches()) {
                    problem(p, "name", "parameter name '" + escape(p.name) + "' must be a letter or '_' then letters, digits or '_' (at most 64)");
                } else if (byName.put(p.name, p) != null) {
                    problem(p, "name", "parameter '" + p.name + "' is defined twice");
                }
                if (p.type == ParameterType.CATEGORICAL) {
                    if (p.values.isEmpty()) {
                        problem(p, "values", "parameter '" + p.name + "' has no values");
                    } else if (p.values.size() > MAX_CATEGORIES) {
                        problem(p, "values", "parameter '" + p.name + "' has more than " + MAX_CATEGORIES + " values");
                    } else if (new HashSet<>(p.values).size() != p.values.size()) {
                        problem(p, "values", "parameter '" + p.name + "' lists a value twice");
                    }
                } else if (p.type != null && !Double.isNaN(p.min) && !Double.isNaN(p.max)) {
                    if (!Double.isFinite(p.min) || !Double.isFinite(p.max)) {
                        problem(p, "min", "parameter '" + p.name + "': bounds must be finite");
                    } else if (p.type == ParameterType.INTEGER && (p.min != Math.rint(p.min) || p.max != Math.rint(p.max))) {
                        problem(p, p.min != Math.rint(p.min) ? "min" : "max", "integer parameter '" + p.name + "': bounds must be whole numbers");
                    } else if (p.min > p.max) {
                        problem(p, "max", "parameter '" + p.name + "': bounds reversed (min " + fmt(p.min) + " > max " + fmt(p.max) + ")");
                    } else if (p.min == p.max && p.type == ParameterType.CONTINUOUS) {
                        problem(p, "max", "parameter '" + p.name + "': min equals max (" + fmt(p.min) + "); a constant is not a parameter");
                    } else if (Math.abs(p.max - p.min) > 1e15) {
                        problem(p, "max", "parameter '" + p.name + "': range too large");
                    }
                }
            }
            boolean constraintsOk = true;
            for (ConstraintDTO c : d.constraints) {
                for (String k : c.coefficients.keySet()) {
                    ParameterDTO p = byName.get(k);
                    if (p == null) {
                        problem(c, null, "constraint \"" + escape(c.expression) + "\": unknown parameter '" + escape(k) + "'");
                        constraintsOk = false;
                    } else if (p.type == ParameterType.CATEGORICAL) {
                        problem(c, null, "constraint \"" + escape(c.expression) + "\": parameter '" + k + "' is categorical");
                        constraintsOk = false;
                    } else if (p.type == ParameterType.CONTINUOUS && c.relation == org.kumiki.campaign.api.dto.Relation.EQ) {
                        problem(c, null, "constraint \"" + escape(c.expression) + "\": '=' on a continuous parameter ('" + k
                                + "') leaves no volume to sample; use <= and >= with a tolerance, or drop a parameter");
                        constraintsOk = false;
                        break;
                    }
                }
            }
            if (d.objectives.isEmpty()) {
                problem(d, "objectives", "the campaign has no objectives");
            }
            Set<String> objectiveNames = new HashSet<>();
            for (ObjectiveDTO o : d.objectives) {
                if (o.name != null && !IDENTIFIER.matcher(o.name).matches()) {
                    problem(o, "name", "objective name '" + escape(o.name) + "' must be a letter or '_' then letters, digits or '_'");
                } else if (o.name != null && !objectiveNames.add(o.name)) {
                    problem(o, "name", "objective '" + o.name + "' is defined twice");
                }
                if (!Double.isFinite(o.weight) || o.weight <= 0) {
                    problem(o, "weight", "objective '" + o.name + "': weight must be a positive number");
                }
            }
            if (d.budget.evaluations < 1 && where.isEmpty()) {
                problem(d.budget, "evaluations", "'budget.evaluations' must be at least 1");
            }
            String kind = d.proposer.kind;
            Set<String> extra = proposers.get();
            if (kind == null || !(BUILT_IN_PROPOSERS.contains(kind) || extra.contains(kind))) {
                Set<String> known = new java.util.TreeSet<>(BUILT_IN_PROPOSERS);
                known.addAll(extra);
                problem(d.proposer, "kind", "unknown proposer '" + escape(kind) + "' (known: " + String.join(", ", known) + ")");
            }
            if (!"kriging-believer".equals(d.proposer.batchStrategy) && !"constant-liar".equals(d.proposer.batchStrategy)) {
                problem(d.proposer, "batchStrategy", "unknown batchStrategy '" + escape(d.proposer.batchStrategy) + "' (known: constant-liar, kriging-believer)");
            }
            if (d.pipeline.isEmpty()) {
                problem(d, "pipeline", "the pipeline has no steps");
            }
            Set<String> stepNames = new HashSet<>();
            Set<String> known = evaluators == null ? null : evaluators.get();
            for (StepDTO s : d.pipeline) {
                if (s.evaluator == null) {
                    continue;
                }
                if (s.name != null && !stepNames.add(s.name)) {
                    problem(s, "name", "step '" + escape(s.name) + "' is defined twice (name the steps)");
                }
                if (s.screen != null) {
                    screen(d, s);
                }
                if (known != null && !known.contains(s.evaluator)) {
                    problem(s, "evaluator", "unknown evaluator '" + escape(s.evaluator) + "' (known: "
                            + (known.isEmpty() ? "none registered" : String.join(", ", new java.util.TreeSet<>(known))) + ")");
                }
                else {
                    checkOptions(d, s);
                }
            }
            if (constraintsOk && problems.isEmpty() && !LinearFeasibility.feasible(d)) {
                problem(d, "constraints", "infeasible: the constraints cannot all hold within the parameters' bounds");
            }
        }
    }

    static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
