package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutcomeTest {

    @ParameterizedTest
    @CsvSource({
        "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "STAGE_OUT"
    })
    void activeStatesHaveNoOutcome(String state) {
        assertNull(Outcome.of(new SlurmStatus("1", state, -1, -1, null), false));
    }

    @ParameterizedTest
    @CsvSource({
        "COMPLETED,     0:0,  EXITED,    0",
        "FAILED,        3:0,  EXITED,    3",
        "FAILED,        0:9,  FAILED,   -1",
        "FAILED,        0:0,  FAILED,   -1",
        "OUT_OF_MEMORY, 0:125, FAILED,  -1",
        "OUT_OF_MEMORY, 137:0, EXITED, 137",
        "NODE_FAIL,     0:0,  FAILED,   -1",
        "BOOT_FAIL,     0:0,  FAILED,   -1",
        "TIMEOUT,       0:15, TIMED_OUT, -1",
        "DEADLINE,      0:0,  TIMED_OUT, -1",
        "CANCELLED,     0:15, CANCELLED, -1",
        "PREEMPTED,     0:0,  LOST,     -1",
        "WEIRD_STATE,   0:0,  FAILED,   -1"
    })
    void mapsEndedStates(String state, String exit, Outcome.Kind kind, int code) {
        int[] ec = SlurmStatus.parseExitCode(exit);
        Outcome o = Outcome.of(new SlurmStatus("12", state, ec[0], ec[1], null), false);
        assertEquals(kind, o.kind, o.toString());
        if (kind == Outcome.Kind.EXITED) assertEquals(code, o.exitCode);
    }

    @Test
    void failureReasonNamesExitCodeAndSignal() {
        Outcome o = Outcome.of(new SlurmStatus("12", "FAILED", 0, 9, null), false);
        assertTrue(o.reason.contains("Slurm job 12 ended FAILED"), o.reason);
        assertTrue(o.reason.contains("signal 9"), o.reason);
        Outcome e = Outcome.of(new SlurmStatus("12", "FAILED", 3, 0, "NonZeroExitCode"), false);
        assertTrue(e.reason.contains("exit code 3"), e.reason);
    }

    @Test
    void cancelReasons() {
        assertEquals("cancelled (scancel 5)", Outcome.of(new SlurmStatus("5", "CANCELLED", 0, 0, null), true).reason);
        assertTrue(Outcome.of(new SlurmStatus("5", "CANCELLED", 0, 0, "DependencyNeverSatisfied"), false).reason
                .contains("dependency can never be satisfied"));
        assertTrue(Outcome.of(new SlurmStatus("5", "CANCELLED by 0", 0, 0, null), false).reason
                .contains("cancelled outside Kumiki"));
    }
}
