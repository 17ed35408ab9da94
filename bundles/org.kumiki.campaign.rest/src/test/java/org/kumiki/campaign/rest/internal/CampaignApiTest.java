package org.kumiki.campaign.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.platform.rest.ApiException;

class CampaignApiTest {

    static EvaluationDTO ev(int index, EvaluationState state, Double score, long endedAt) {
        EvaluationDTO e = new EvaluationDTO();
        e.id = "c-" + index;
        e.index = index;
        e.state = state;
        e.score = score;
        e.endedAt = endedAt;
        return e;
    }

    @Test
    void convergenceIsInEndOrderWithTheBestScoreSoFar() {
        List<EvaluationDTO> all = List.of(
                ev(0, EvaluationState.COMPLETED, -3.0, 30),
                ev(1, EvaluationState.COMPLETED, -1.0, 10), // ended first
                ev(2, EvaluationState.FAILED, null, 20),
                ev(3, EvaluationState.RUNNING, null, 0),
                ev(4, EvaluationState.CANCELLED, null, 40),
                ev(5, EvaluationState.COMPLETED, -0.5, 50));
        List<EvaluationEventDTO> c = CampaignApi.convergence("c", all);
        List<Integer> order = new ArrayList<>();
        c.forEach(d -> order.add(d.index));
        assertEquals(List.of(1, 2, 0, 5), order);
        assertEquals(-1.0, c.get(0).bestScore);
        assertEquals(-1.0, c.get(1).bestScore); // a failure keeps the best
        assertNull(c.get(1).score);
        assertEquals(-1.0, c.get(2).bestScore); // -3 is worse
        assertEquals(-0.5, c.get(3).bestScore);
    }

    @Test
    void problemsNameTheBodyNotTheStoredFileOnOneLine() {
        Path f = Path.of("/srv/kumiki/state/campaign/submitted/0123456789abcdef.yaml");
        CampaignException e = new CampaignException(List.of(f + ":3:5: min must be below max", "0123456789abcdef.yaml:4:1: unknown key 'x'"));
        String p = CampaignApi.problems(e, f);
        assertEquals("body:3:5: min must be below max; body:4:1: unknown key 'x'", p);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            many.add("p" + i);
        }
        String m = CampaignApi.problems(new CampaignException(many), f);
        assertTrue(m.endsWith("; p19; and 5 more"), m);
        assertFalse(m.contains("\n"));
    }

    @Test
    void stateFiltersRefuseUnknownStatesWithTheKnownOnes() {
        assertEquals(2, CampaignApi.enums("running,PAUSED", CampaignState.class, "state").size());
        ApiException e = assertThrows(ApiException.class, () -> CampaignApi.enums("DONE", CampaignState.class, "state"));
        assertEquals(400, e.status());
        assertEquals("state=\"DONE\" is not one of RUNNING, PAUSED, COMPLETED, ABORTED, FAILED", e.getMessage());
    }
}
