package org.kumiki.campaign.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.platform.shelltest.GogoShell;

class CampaignCommandsTest {

    /** A campaign service whose one campaign advances one evaluation per status call. */
    static final class FakeCampaigns implements CampaignService {
        final List<EvaluationDTO> evaluations = new ArrayList<>();
        CampaignStatusDTO current;
        int polls;

        static final List<String> PROBLEMS = List.of("bad.yaml:3:7: unknown key 'colour' in a parameter (known: max, min, name, type, unit, values)",
                "bad.yaml:9:12: 'batchSize': 0 is out of range [1, 1024]", "bad.yaml:12:3: unknown evaluator 'robot' (known: command)");

        @Override
        public CampaignStatusDTO start(Path file) {
            read(file);
            current = new CampaignStatusDTO();
            current.id = "quad-1";
            current.name = "quad";
            current.state = CampaignState.RUNNING;
            current.budget = 2;
            current.source = file.toString();
            current.sourceHash = "0123456789abcdef0123";
            for (int i = 0; i < 2; i++) {
                EvaluationDTO e = new EvaluationDTO();
                e.id = "quad-1-" + i;
                e.index = i;
                e.state = EvaluationState.RUNNING;
                e.stepName = "run";
                e.attempt = 1;
                e.handle = "task-" + (i + 1);
                e.point = new LinkedHashMap<>(Map.of("x", 0.25 * (i + 1)));
                evaluations.add(e);
            }
            current.inFlight = 2;
            return current;
        }

        @Override
        public CampaignDefinition read(Path file) {
            if (file.toString().startsWith("bad")) {
                throw new CampaignException(PROBLEMS);
            }
            if (file.toString().startsWith("missing")) {
                throw new CampaignException(file + ": no such file");
            }
            CampaignDefinition d = new CampaignDefinition();
            d.name = "quad";
            ParameterDTO p = new ParameterDTO();
            p.name = "x";
            p.type = ParameterType.CONTINUOUS;
            p.min = 0;
            p.max = 1.5;
            p.unit = "K";
            d.parameters.add(p);
            d.budget.evaluations = 2;
            return d;
        }

        @Override
        public CampaignStatusDTO start(CampaignDefinition definition) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<CampaignStatusDTO> list() {
            return current == null ? List.of() : List.of(current);
        }

        @Override
        public Optional<CampaignStatusDTO> status(String id) {
            if (current == null || !current.id.equals(id)) {
                return Optional.empty();
            }
            if (current.state == CampaignState.RUNNING && polls < evaluations.size()) {
                EvaluationDTO e = evaluations.get(polls++);
                e.state = EvaluationState.COMPLETED;
                e.objectives.put("loss", 0.5 / polls);
                current.done++;
                current.best = e;
                if (current.done == current.budget) {
                    current.state = CampaignState.COMPLETED;
                    current.message = "budget spent";
                }
            }
            current.inFlight = (int) evaluations.stream().filter(e -> !e.state.isTerminal()).count();
            return Optional.of(current);
        }

        @Override
        public List<EvaluationDTO> evaluations(String id) {
            return evaluations;
        }

        @Override
        public CampaignStatusDTO pause(String id) {
            if (!"quad-1".equals(id)) {
                throw new CampaignException("unknown campaign '" + id + "'");
            }
            current.state = CampaignState.PAUSED;
            return current;
        }

        @Override
        public CampaignStatusDTO resume(String id) {
            throw new CampaignException("campaign " + id + " is RUNNING, not PAUSED");
        }

        @Override
        public CampaignStatusDTO abort(String id) {
            current.state = CampaignState.ABORTED;
            return current;
        }
    }

    final FakeCampaigns campaigns = new FakeCampaigns();
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    GogoShell shell;

    @BeforeEach
    void givenAShell() {
        shell = new GogoShell().add("campaign", new CampaignCommands(campaigns, () -> 1, () -> new PrintStream(printed, true, StandardCharsets.UTF_8)), "run", "check", "list", "status", "pause", "resume", "abort");
    }

    @AfterEach
    void stop() {
        shell.close();
    }

    @Test
    void runStartsAndReturns() throws Exception {
        assertEquals("Started quad-1 (2 evaluations)\n", shell.run("campaign:run ok.yaml"));
        assertEquals("ID      STATE    DONE  FAILED  RUNNING  BEST\nquad-1  RUNNING  0/2   0       2\n", shell.run("campaign:list"));
    }

    @Test
    void runWaitsPrintingEachEvaluation() throws Exception {
        String result = shell.run("campaign:run -w ok.yaml");
        String printed = this.printed.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("Started quad-1 (2 evaluations)\n"), printed);
        assertTrue(printed.contains("quad-1-0 1/2 loss=0.5 at x=0.25  best loss=0.5 (quad-1-0)\n"), printed);
        assertTrue(printed.contains("quad-1-1 2/2 loss=0.25 at x=0.5  best loss=0.25 (quad-1-1)\n"), printed);
        assertTrue(result.startsWith("quad-1  COMPLETED (budget spent)\nevaluations  2/2 done, 0 failed, 0 running\nbest         loss=0.25 at x=0.5 (quad-1-1)\n"), result + "|" + printed);
    }

    @Test
    void badFilesGiveOneLineAndCheckListsEveryProblem() throws Exception {
        assertEquals("bad.yaml:3:7: unknown key 'colour' in a parameter (known: max, min, name, type, unit, values) (and 2 more: campaign:check bad.yaml)",
                shell.failure("campaign:run bad.yaml").getMessage());
        assertEquals(String.join("\n", FakeCampaigns.PROBLEMS) + "\n", shell.run("campaign:check bad.yaml"));
        assertEquals("missing.yaml: no such file", shell.failure("campaign:run missing.yaml").getMessage());
        String ok = shell.run("campaign:check ok.yaml");
        assertTrue(ok.startsWith("ok.yaml: valid campaign 'quad': 1 parameters, 0 constraints, 0 objectives, 2 evaluations in batches of 1, proposer bayesian\n"
                + "PARAMETER  TYPE        RANGE     UNIT\nx          continuous  [0, 1.5]  K"), ok);
    }

    @Test
    void statusPauseResumeAbort() throws Exception {
        assertEquals("unknown campaign 'nope'", shell.failure("campaign:status nope").getMessage());
        shell.run("campaign:run ok.yaml");
        String st = shell.run("campaign:status quad-1");
        assertTrue(st.contains("evaluations  1/2 done, 0 failed, 1 running\n"), st);
        assertTrue(st.contains("quad-1-1    RUNNING  run   1        task-2  x=0.5"), st);
        assertEquals("quad-1 PAUSED\n", shell.run("campaign:pause quad-1"));
        assertEquals("unknown campaign 'x\\u001b'", shell.failure("campaign:pause 'x\u001b'").getMessage());
        assertEquals("campaign quad-1 is RUNNING, not PAUSED", shell.failure("campaign:resume quad-1").getMessage());
        assertEquals("quad-1 ABORTED\n", shell.run("campaign:abort quad-1"));
    }

    @Test
    void statusShowsScreenedEvaluationsAndTheBudgetPerKind() throws Exception {
        shell.run("campaign:run ok.yaml");
        campaigns.current.experiments = 3;
        campaigns.current.experimentBudget = 16;
        campaigns.current.simulations = 7;
        campaigns.current.screened = 4;
        String st = shell.run("campaign:status quad-1");
        assertTrue(st.contains("evaluations  1/2 done, 4 screened, 0 failed, 1 running\nspent        3/16 experiments, 7 simulations\n"), st);
    }
}
