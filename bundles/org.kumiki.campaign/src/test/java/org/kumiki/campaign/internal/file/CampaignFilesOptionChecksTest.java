package org.kumiki.campaign.internal.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.OptionProblem;

/** Evaluators check their steps' options; problems come back at the option's file:line:col. */
class CampaignFilesOptionChecksTest {

    /** Refuses devices not named 'robot1', and (for the test) throws on 'explode'. */
    static final class Checking implements Evaluator {
        final List<StepDTO> seen = new ArrayList<>();

        @Override
        public List<OptionProblem> validate(CampaignDefinition d, StepDTO step) {
            seen.add(step);
            if (step.options.containsKey("explode")) {
                throw new IllegalStateException("boom\nsecond line");
            }
            List<OptionProblem> out = new ArrayList<>();
            Object devices = step.options.get("devices");
            if (devices instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    if (!"robot1".equals(l.get(i))) {
                        out.add(OptionProblem.of("unknown device '" + l.get(i) + "'", "devices", Integer.toString(i)));
                    }
                }
            }
            if (!step.options.containsKey("devices")) {
                out.add(OptionProblem.of("'devices' is missing"));
            }
            return out;
        }

        @Override
        public String start(EvaluationRequest request) {
            return "h";
        }

        @Override
        public CompletionStage<EvaluationResult> result(String handle) {
            return null;
        }

        @Override
        public void cancel(String handle) {
        }
    }

    static final String HEAD = "name: c\nparameters: [{name: x, type: continuous, min: 0, max: 1}]\n"
            + "objectives: [{name: y, goal: maximise}]\nbudget: {evaluations: 2}\npipeline:\n";

    @Test
    void problemsAreReportedAtTheOptionTheyName() {
        Checking ev = new Checking();
        CampaignFiles files = new CampaignFiles(() -> Set.of("lab"), Set::of).optionChecks(n -> "lab".equals(n) ? ev : null);
        String yaml = HEAD + "  - name: measure\n    evaluator: lab\n    options:\n      devices: [robot1, robot9]\n";
        CampaignException e = assertThrows(CampaignException.class, () -> files.read("c.yaml", yaml.getBytes(StandardCharsets.UTF_8), true));
        assertEquals(List.of("c.yaml:9:25: step 'measure': unknown device 'robot9'"), e.problems());

        String none = HEAD + "  - name: measure\n    evaluator: lab\n";
        e = assertThrows(CampaignException.class, () -> files.read("c.yaml", none.getBytes(StandardCharsets.UTF_8), true));
        assertEquals(List.of("c.yaml:6:5: step 'measure': 'devices' is missing"), e.problems());

        String fine = HEAD + "  - {name: measure, evaluator: lab, options: {devices: [robot1]}}\n";
        assertEquals("measure", files.read("c.yaml", fine.getBytes(StandardCharsets.UTF_8), true).pipeline.get(0).name);
    }

    @Test
    void anEvaluatorThatThrowsIsOneLineAndDefinitionsWithoutAFileAreCheckedToo() {
        Checking ev = new Checking();
        CampaignFiles files = new CampaignFiles(() -> Set.of("lab"), Set::of).optionChecks(n -> "lab".equals(n) ? ev : null);
        String yaml = HEAD + "  - {name: measure, evaluator: lab, options: {explode: 1}}\n";
        CampaignException e = assertThrows(CampaignException.class, () -> files.read("c.yaml", yaml.getBytes(StandardCharsets.UTF_8), true));
        assertEquals(1, e.problems().size());
        assertEquals("c.yaml:6:46: step 'measure': evaluator 'lab' could not check its options: boom\\x0asecond line", e.problems().get(0));

        CampaignDefinition d = files.read("c.yaml", (HEAD + "  - {name: measure, evaluator: lab, options: {devices: [robot1]}}\n")
                .getBytes(StandardCharsets.UTF_8), true);
        d.source = null;
        d.pipeline.get(0).options.put("devices", List.of("robot7"));
        e = assertThrows(CampaignException.class, () -> files.validate(d));
        assertEquals(List.of("campaign: step 'measure': unknown device 'robot7'"), e.problems());
    }
}
