package org.kumiki.campaign.internal.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.Goal;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.Relation;

class CampaignFilesTest {

    private final CampaignFiles files = new CampaignFiles(() -> Set.of("command", "sim"), Set::of);

    private static final String VALID_JSON = "{\n"
            + "  \"name\": \"t\",\n"
            + "  \"parameters\": [\n"
            + "    {\"name\": \"x\", \"type\": \"continuous\", \"min\": 0, \"max\": 1},\n"
            + "    {\"name\": \"y\", \"type\": \"continuous\", \"min\": 0, \"max\": 1}\n"
            + "  ],\n"
            + "  \"constraints\": [\"x + y <= 1\"],\n"
            + "  \"objectives\": [{\"name\": \"f\", \"goal\": \"minimise\"}],\n"
            + "  \"budget\": {\"evaluations\": 10},\n"
            + "  \"pipeline\": [{\"evaluator\": \"command\"}]\n"
            + "}\n";

    private List<String> problemsJson(String json) {
        return assertThrows(CampaignException.class,
                () -> files.read("c.json", json.getBytes(StandardCharsets.UTF_8), false)).problems();
    }

    private List<String> problemsYaml(String yaml) {
        return assertThrows(CampaignException.class,
                () -> files.read("c.yaml", yaml.getBytes(StandardCharsets.UTF_8), true)).problems();
    }

    private static void assertOne(List<String> problems, String expected) {
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(expected, problems.get(0));
    }

    @Test
    void readsTheFlagshipShapeFromYaml() throws Exception {
        Path file = Path.of(getClass().getResource("/campaigns/synthesis.yaml").toURI());
        CampaignDefinition d = files.read(file);
        assertEquals("synthesis", d.name);
        assertEquals(7, d.seed);
        assertEquals(4, d.parameters.size());
        assertEquals(ParameterType.INTEGER, d.parameters.get(2).type);
        assertEquals("degC", d.parameters.get(2).unit);
        assertEquals(List.of("water", "ethanol", "2"), d.parameters.get(3).values);
        assertEquals(Relation.LE, d.constraints.get(0).relation);
        assertEquals(1.0, d.constraints.get(0).coefficients.get("ratio_a"));
        assertEquals(1.0, d.constraints.get(0).rhs);
        assertEquals(Goal.MAXIMISE, d.objectives.get(0).goal);
        assertEquals(40, d.budget.evaluations);
        assertEquals(7200, d.budget.wallTimeSeconds);
        assertEquals(4, d.batchSize);
        assertEquals(8, d.proposer.initialPoints);
        assertEquals(3, d.retry.maxAttempts);
        assertEquals("measure", d.pipeline.get(0).name);
        assertEquals(List.of("python3", "measure.py"), d.pipeline.get(0).options.get("command"));
        assertEquals(64, d.sourceHash.length());
    }

    @Test
    void readsJson() {
        CampaignDefinition d = files.read("c.json", VALID_JSON.getBytes(StandardCharsets.UTF_8), false);
        assertEquals("command", d.pipeline.get(0).name);
        assertEquals(Goal.MINIMISE, d.objectives.get(0).goal);
    }

    @Test
    void unknownKeyIsReportedAtItsLineAndColumn() {
        assertOne(problemsJson(VALID_JSON.replace("\"name\": \"t\",", "\"name\": \"t\", \"colour\": 1,")),
                "c.json:2:16: unknown key 'colour' in the campaign (known: batchSize, budget, constraints, description, name, objectives, parameters, pipeline, proposer, retry, seed)");
    }

    @Test
    void wrongTypes() {
        assertOne(problemsJson(VALID_JSON.replace("\"evaluations\": 10", "\"evaluations\": \"ten\"")),
                "c.json:9:29: 'evaluations': expected a whole number, got a string");
        assertOne(problemsJson(VALID_JSON.replace("\"evaluations\": 10", "\"evaluations\": 2.5")),
                "c.json:9:29: 'evaluations': expected a whole number, got a fraction (2.5)");
        assertOne(problemsJson(VALID_JSON.replace("\"min\": 0, \"max\": 1}\n  ]", "\"min\": \"a\", \"max\": 1}\n  ]")),
                "c.json:5:48: 'min': expected a number, got a string");
        assertOne(problemsYaml("[1, 2]\n"), "c.yaml:1:1: the campaign: expected an object, got a list");
    }

    @Test
    void boundsReversed() {
        assertOne(problemsJson(VALID_JSON.replace("\"min\": 0, \"max\": 1},", "\"min\": 3, \"max\": 1},")),
                "c.json:4:58: parameter 'x': bounds reversed (min 3 > max 1)");
    }

    @Test
    void unknownEvaluatorNamesTheKnownOnes() {
        assertOne(problemsJson(VALID_JSON.replace("\"command\"}", "\"robot\"}")),
                "c.json:10:30: unknown evaluator 'robot' (known: command, sim)");
    }

    @Test
    void infeasibleConstraintsAreFoundBySimplex() {
        assertOne(problemsJson(VALID_JSON.replace("\"x + y <= 1\"", "\"x + y >= 2.5\"")),
                "c.json:7:18: infeasible: the constraints cannot all hold within the parameters' bounds");
        assertOne(problemsJson(VALID_JSON.replace("\"x + y <= 1\"", "\"x + y <= 1\", \"x - y >= 0.5\", \"y >= 0.6\"")),
                "c.json:7:18: infeasible: the constraints cannot all hold within the parameters' bounds");
        // tight but feasible: x = 1, y = 0
        files.read("c.json", VALID_JSON.replace("\"x + y <= 1\"", "\"x - y >= 1\"").getBytes(StandardCharsets.UTF_8), false);
    }

    @Test
    void malformedConstraints() {
        assertOne(problemsJson(VALID_JSON.replace("x + y <= 1", "x + z <= 1")),
                "c.json:7:19: constraint \"x + z <= 1\": unknown parameter 'z'");
        assertOne(problemsJson(VALID_JSON.replace("x + y <= 1", "x + y < 1")),
                "c.json:7:19: constraint \"x + y < 1\" at character 7: strict '<' is not allowed, use '<='");
        assertOne(problemsJson(VALID_JSON.replace("x + y <= 1", "x * y <= 1")),
                "c.json:7:19: constraint \"x * y <= 1\" at character 5: expected a number after '*'");
        assertOne(problemsJson(VALID_JSON.replace("x + y <= 1", "x + y")),
                "c.json:7:19: constraint \"x + y\" at character 6: missing relation (<=, >= or =)");
        assertOne(problemsJson(VALID_JSON.replace("x + y <= 1", "x + y = 1")),
                "c.json:7:19: constraint \"x + y = 1\": '=' on a continuous parameter ('x') leaves no volume to sample; use <= and >= with a tolerance, or drop a parameter");
        assertOne(problemsJson(VALID_JSON.replace("x + y <= 1", "3 <= 4")),
                "c.json:7:19: constraint \"3 <= 4\" names no parameter");
    }

    @Test
    void linearExpressionsMoveEverythingLeft() {
        var c = LinearExpression.parse("2*x - 0.5 y >= x - 3 + 1e-1");
        assertEquals(1.0, c.coefficients.get("x"));
        assertEquals(-0.5, c.coefficients.get("y"));
        assertEquals(Relation.GE, c.relation);
        assertEquals(-2.9, c.rhs, 1e-12);
        assertEquals(3.0, LinearExpression.parse("x*3 = 1").coefficients.get("x"));
    }

    @Test
    void everyProblemIsReportedNotOnlyTheFirst() {
        List<String> p = problemsYaml("name: 'bad name!'\n"
                + "parameters:\n"
                + "  - {name: x, type: continuous, min: 1, max: 0}\n"
                + "  - {name: x, type: sideways}\n"
                + "  - {name: c, type: categorical, values: [a, a]}\n"
                + "objectives: [{name: f, goal: target}]\n"
                + "budget: {evaluations: 0}\n"
                + "batchSize: 0\n"
                + "proposer: {kind: genius}\n"
                + "pipeline: [{evaluator: nope}]\n");
        assertTrue(p.contains("c.yaml:3:46: parameter 'x': bounds reversed (min 1 > max 0)"), p.toString());
        assertTrue(p.contains("c.yaml:4:21: unknown parameter type 'sideways' (known: continuous, integer, categorical)"), p.toString());
        assertTrue(p.contains("c.yaml:4:12: parameter 'x' is defined twice"), p.toString());
        assertTrue(p.contains("c.yaml:5:42: parameter 'c' lists a value twice"), p.toString());
        assertTrue(p.contains("c.yaml:6:14: an objective with goal 'target' lacks 'target'"), p.toString());
        assertTrue(p.contains("c.yaml:7:23: 'evaluations': 0 is out of range [1, 1000000]"), p.toString());
        assertTrue(p.contains("c.yaml:8:12: 'batchSize': 0 is out of range [1, 1024]"), p.toString());
        assertTrue(p.contains("c.yaml:9:18: unknown proposer 'genius' (known: bayesian, grid, random, sobol)"), p.toString());
        assertTrue(p.contains("c.yaml:10:24: unknown evaluator 'nope' (known: command, sim)"), p.toString());
        assertTrue(p.contains("c.yaml:1:7: name 'bad name!' must be 1-64 letters, digits, '_', '.' or '-'"), p.toString());
        assertEquals(10, p.size(), p.toString());
    }

    @Test
    void missingRequiredKeys() {
        assertEquals(List.of("c.yaml:1:1: the campaign lacks 'budget'", "c.yaml:2:13: the campaign has no parameters"),
                problemsYaml("name: x\nparameters: []\nobjectives: [{name: f, goal: max}]\npipeline: [{evaluator: sim}]\n"));
        List<String> p = problemsYaml("name: x\nparameters: [{name: a, type: integer}]\nobjectives: [{name: f, goal: max}]\nbudget: {evaluations: 3}\npipeline: [{evaluator: sim}]\n");
        assertEquals(List.of("c.yaml:2:14: parameter lacks 'min'", "c.yaml:2:14: parameter lacks 'max'"), p);
    }

    @Test
    void syntaxErrorsCarryTheirPosition() {
        assertOne(problemsJson("{\n  \"name\": \"t\",\n  \"parameters\": [,]\n}"), problemsJson("{\n  \"name\": \"t\",\n  \"parameters\": [,]\n}").get(0));
        String json = problemsJson("{\n  \"name\": \"t\",\n  \"parameters\": [,]\n}").get(0);
        assertTrue(json.startsWith("c.json:3:18: syntax error: "), json);
        String yaml = problemsYaml("name: t\nparameters:\n  - name: x\n   type: bad indent\n").get(0);
        assertTrue(yaml.startsWith("c.yaml:4:"), yaml);
        assertOne(problemsYaml(""), "c.yaml:1:1: the file is empty");
        assertOne(problemsJson("{\"name\": \"a\", \"name\": \"b\"}"), "c.json:1:15: duplicate key 'name'");
        assertOne(problemsJson("{} {}"), "c.json:1:4: content after the campaign");
    }

    @Test
    void hostileInputIsRefusedWithOneLine() {
        // deep nesting
        String deep = "{\"name\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
        String d = problemsJson(deep).get(0);
        assertTrue(d.startsWith("c.json:1:") && d.contains("syntax error") && d.contains("depth"), d);
        // YAML alias bomb: aliases are not expanded into values here
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
        List<String> b = problemsYaml(bomb);
        assertTrue(b.get(0).startsWith("c.yaml:"), b.toString());
        // control characters in a key cannot forge a line
        String forged = problemsJson("{\"name\": \"t\", \"x\\nc.json:1:1: fine\": 1}").stream().filter(s -> s.contains("unknown key")).findFirst().orElseThrow();
        assertTrue(forged.contains("x\\x0ac.json"), forged);
        // too large
        byte[] big = new byte[CampaignFiles.MAX_BYTES + 1];
        assertOne(assertThrows(CampaignException.class, () -> files.read("big.json", big, false)).problems(),
                "big.json: larger than 1048576 bytes");
        // not UTF-8 / binary
        assertTrue(problemsJson("\u0000\u0001\u0002").get(0).startsWith("c.json:1:"));
        // numbers out of range
        assertOne(problemsJson(VALID_JSON.replace("\"max\": 1},\n", "\"max\": 1e999},\n")), "c.json:4:58: 'max': not a finite number");
        assertOne(problemsJson(VALID_JSON.replace("\"evaluations\": 10", "\"evaluations\": 99999999999999")),
                "c.json:9:29: 'evaluations': 99999999999999 is out of range [1, 1000000]");
    }

    @Test
    void missingFile(@TempDir Path dir) throws Exception {
        assertOne(assertThrows(CampaignException.class, () -> files.read(dir.resolve("none.yaml"))).problems(),
                dir.resolve("none.yaml") + ": no such file");
        Path f = dir.resolve("c.yml");
        Files.writeString(f, "name: [\n");
        assertTrue(assertThrows(CampaignException.class, () -> files.read(f)).getMessage().startsWith(f + ":"));
    }

    @Test
    void definitionsGivenAsJavaAreValidatedToo() {
        CampaignDefinition d = files.read("c.json", VALID_JSON.getBytes(StandardCharsets.UTF_8), false);
        d.source = null;
        d.parameters.get(0).min = 2;
        assertOne(assertThrows(CampaignException.class, () -> files.validate(d)).problems(),
                "campaign: parameter 'x': bounds reversed (min 2 > max 1)");
    }
}
