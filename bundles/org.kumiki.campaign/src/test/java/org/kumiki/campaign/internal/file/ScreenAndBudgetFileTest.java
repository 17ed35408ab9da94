package org.kumiki.campaign.internal.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.StepDTO;

/** The {@code screen} of a step, the budget's experiments and simulations, and {@code ${...}} variables. */
class ScreenAndBudgetFileTest {
    @TempDir
    Path dir;

    private final CampaignFiles files = new CampaignFiles(() -> Set.of("command", "lab", "archive"), Set::of)
            .variables(Map.of("kumiki.home", "/opt/kumiki", "kumiki.state", "/opt/kumiki/state"));

    private static String campaign(String budget, String steps) {
        return "name: t\n"
                + "parameters:\n"
                + "  - {name: x, type: continuous, min: 0, max: 1}\n"
                + "objectives: [{name: f, goal: maximise}]\n"
                + "budget: " + budget + "\n"
                + "pipeline:\n" + steps;
    }

    private static final String MODEL = "  - {name: model, evaluator: command, options: {command: [sh, m.sh]}}\n";

    private List<String> problems(String yaml) {
        return assertThrows(CampaignException.class, () -> files.read("c.yaml", yaml.getBytes(StandardCharsets.UTF_8), true)).problems();
    }

    private CampaignDefinition read(String yaml) {
        return files.read("c.yaml", yaml.getBytes(StandardCharsets.UTF_8), true);
    }

    @Test
    void readsAScreenAndTheBudgetPerKind() {
        CampaignDefinition d = read(campaign("{evaluations: 9, experiments: 4, simulations: 8}",
                MODEL + "  - {name: lab, evaluator: lab, screen: {value: predicted, min: 0.3, max: 0.9}}\n"));
        assertEquals(4, d.budget.experiments);
        assertEquals(8, d.budget.simulations);
        StepDTO lab = d.pipeline.get(1);
        assertEquals("predicted", lab.screen.value);
        assertEquals(0.3, lab.screen.min);
        assertEquals(0.9, lab.screen.max);
        assertNull(d.pipeline.get(0).screen);
        CampaignDefinition onlyMin = read(campaign("{evaluations: 9}", MODEL + "  - {name: lab, evaluator: lab, screen: {value: p, min: 0}}\n"));
        assertNull(onlyMin.pipeline.get(1).screen.max);
        assertEquals(0, onlyMin.budget.experiments, "no limit");
    }

    @Test
    void badScreensAreOneLineEachAtTheirPlace() {
        assertEquals(List.of("c.yaml:8:41: 'screen' needs 'min', 'max' or both"),
                problems(campaign("{evaluations: 9}", MODEL + "  - {name: lab, evaluator: lab, screen: {value: p}}\n")));
        assertEquals(List.of("c.yaml:8:41: 'screen' lacks 'value'"),
                problems(campaign("{evaluations: 9}", MODEL + "  - {name: lab, evaluator: lab, screen: {min: 1}}\n")));
        assertEquals(List.of("c.yaml:8:52: unknown key 'mni' in 'screen' (known: max, min, value)"),
                problems(campaign("{evaluations: 9}", MODEL + "  - {name: lab, evaluator: lab, screen: {value: p, mni: 1}}\n")));
        assertEquals(List.of("c.yaml:8:65: step 'lab': screen bounds reversed (min 2 > max 1)"),
                problems(campaign("{evaluations: 9}", MODEL + "  - {name: lab, evaluator: lab, screen: {value: p, min: 2, max: 1}}\n")));
        assertEquals(List.of("c.yaml:8:57: 'min': expected a number, got a string"),
                problems(campaign("{evaluations: 9}", MODEL + "  - {name: lab, evaluator: lab, screen: {value: p, min: low}}\n")));
        assertEquals(List.of("c.yaml:8:41: 'screen': expected an object, got a string"),
                problems(campaign("{evaluations: 9}", MODEL + "  - {name: lab, evaluator: lab, screen: p}\n")));
        assertEquals(List.of("c.yaml:8:49: step 'lab': screen value '1p' must be a letter or '_' then letters, digits or '_'"),
                problems(campaign("{evaluations: 9}", MODEL + "  - {name: lab, evaluator: lab, screen: {value: '1p', min: 0}}\n")));
        assertEquals(List.of("c.yaml:7:41: step 'lab': a screen checks values of earlier steps, and this is the first step"),
                problems(campaign("{evaluations: 9}", "  - {name: lab, evaluator: lab, screen: {value: p, min: 0}}\n")));
    }

    @Test
    void badBudgetsPerKindAreOneLineEach() {
        assertEquals(List.of("c.yaml:5:39: 'experiments': 0 is out of range [1, 1000000]"),
                problems(campaign("{evaluations: 9, experiments: 0}", MODEL)).stream().map(s -> s.replaceAll("\\[1, \\d+\\]", "[1, 1000000]")).toList());
        assertEquals(List.of("c.yaml:5:39: 'simulations': expected a whole number, got a fraction (2.5)"),
                problems(campaign("{evaluations: 9, simulations: 2.5}", MODEL)));
        assertTrue(problems(campaign("{evaluations: 9, experiment: 2}", MODEL)).get(0)
                .startsWith("c.yaml:5:26: unknown key 'experiment' in 'budget' (known: evaluations, experiments, simulations, wallTime)"));
    }

    @Test
    void variablesInStepOptionsAreTheInstallationsAndTheFilesFolder() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, campaign("{evaluations: 9}",
                "  - {name: model, evaluator: command, options: {command: [sh, '${campaign.dir}/m.sh', '{x}'], environment: {A: '$HOME ${HOME}'}}}\n"
                        + "  - {name: archive, evaluator: archive, options: {to: 'file://${kumiki.state}/a/{campaign}/'}}\n"));
        CampaignDefinition d = files.read(file);
        assertEquals(List.of("sh", dir.toAbsolutePath() + "/m.sh", "{x}"), d.pipeline.get(0).options.get("command"));
        assertEquals(Map.of("A", "$HOME ${HOME}"), d.pipeline.get(0).options.get("environment"), "shell variables are left alone");
        assertEquals("file:///opt/kumiki/state/a/{campaign}/", d.pipeline.get(1).options.get("to"));
        assertEquals(List.of("c.yaml:7:55: unknown variable '${kumiki.hom}' (known: kumiki.home, kumiki.state)"),
                problems(campaign("{evaluations: 9}", "  - {name: archive, evaluator: archive, options: {to: 'file://${kumiki.hom}/a/'}}\n")));
        assertEquals(List.of("c.yaml:7:58: unknown variable '${campaign.dir}' (known: kumiki.home, kumiki.state)"),
                problems(campaign("{evaluations: 9}", "  - {name: model, evaluator: command, options: {command: '${campaign.dir}/m.sh'}}\n")),
                "a campaign not read from a file has no folder");
    }

    /** The flagship example, read from the repository as a site would. */
    @Test
    void theFlagshipExampleParsesAndValidates() {
        Path example = Path.of("../../examples/campaigns/synthesis.yaml").toAbsolutePath().normalize();
        CampaignDefinition d = files.read(example);
        assertEquals("synthesis", d.name);
        assertEquals(List.of("ratio_a", "ratio_b", "temperature"), d.parameters.stream().map(p -> p.name).toList());
        assertEquals(1, d.constraints.size());
        assertEquals("bayesian", d.proposer.kind);
        assertTrue(d.batchSize >= 2 && d.batchSize <= 4);
        assertTrue(d.budget.experiments > 0 && d.budget.experiments < d.budget.evaluations);
        assertTrue(d.budget.wallTimeSeconds > 0 && d.budget.wallTimeSeconds <= 180);
        assertEquals(List.of("command", "lab", "archive"), d.pipeline.stream().map(s -> s.evaluator).toList());
        assertEquals("predicted_yield", d.pipeline.get(1).screen.value);
        @SuppressWarnings("unchecked")
        List<Object> command = (List<Object>) d.pipeline.get(0).options.get("command");
        Path script = Path.of((String) command.get(1));
        assertEquals(example.getParent().resolve("synthesis-model.sh"), script);
        assertTrue(Files.isRegularFile(script), script.toString());
        assertTrue(((String) d.pipeline.get(2).options.get("to")).startsWith("file:///opt/kumiki/state/"));
    }
}
