package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class SlurmStatusTest {

    @Test
    void parsesSqueue() {
        Map<String, SlurmStatus> m = SlurmStatus.parseSqueue("1|PENDING|None\n2|RUNNING|None\n4|PENDING|Dependency\n\ngarbage\n");
        assertEquals(3, m.size());
        assertEquals("PENDING", m.get("1").state);
        assertNull(m.get("1").reason);
        assertEquals("Dependency", m.get("4").reason);
        assertTrue(m.get("2").isActive());
        assertTrue(SlurmStatus.parseSqueue("").isEmpty());
        assertTrue(SlurmStatus.parseSqueue(null).isEmpty());
    }

    @Test
    void parsesSacctCompletionLines() {
        Map<String, SlurmStatus> m = SlurmStatus.parseSacct(
                "2|FAILED|3:0\n1|COMPLETED|0:0\n4|CANCELLED by 0|0:0\n3|CANCELLED|0:15\n3.batch|CANCELLED|0:15\n5|TIMEOUT|0:1\n");
        assertEquals(5, m.size());
        assertEquals(3, m.get("2").exitCode);
        assertEquals(0, m.get("2").signal);
        assertEquals("CANCELLED", m.get("4").state);
        assertEquals(15, m.get("3").signal);
        assertFalse(m.get("5").isActive());
    }

    @Test
    void lastSacctLineOfAJobWins() {
        Map<String, SlurmStatus> m = SlurmStatus.parseSacct("7|FAILED|1:0\n7|COMPLETED|0:0\n");
        assertEquals("COMPLETED", m.get("7").state);
    }

    @Test
    void parsesScontrolOneLiner() {
        SlurmStatus s = SlurmStatus.parseScontrol("JobId=4 JobName=wrap UserId=root(0) GroupId=root(0) MCS_label=N/A "
                + "Priority=4294901756 Nice=0 Account=(null) QOS=(null) JobState=CANCELLED Reason=DependencyNeverSatisfied "
                + "Dependency=afterok:2(failed) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:00\n");
        assertEquals("4", s.jobId);
        assertEquals("CANCELLED", s.state);
        assertEquals("DependencyNeverSatisfied", s.reason);
        assertEquals(0, s.exitCode);
        SlurmStatus f = SlurmStatus.parseScontrol("JobId=9 JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0");
        assertEquals(3, f.exitCode);
        assertNull(SlurmStatus.parseScontrol("slurm_load_jobs error: Invalid job id specified"));
        assertNull(SlurmStatus.parseScontrol(""));
    }

    @Test
    void parsesExitCodes() {
        assertArrayEquals(new int[] {3, 0}, SlurmStatus.parseExitCode("3:0"));
        assertArrayEquals(new int[] {0, 15}, SlurmStatus.parseExitCode("0:15"));
        assertArrayEquals(new int[] {2, 0}, SlurmStatus.parseExitCode("2"));
        assertArrayEquals(new int[] {-1, -1}, SlurmStatus.parseExitCode("x:y"));
        assertArrayEquals(new int[] {-1, -1}, SlurmStatus.parseExitCode(null));
    }

    @Test
    void normalisesStates() {
        assertEquals("CANCELLED", SlurmStatus.normaliseState("CANCELLED by 1000"));
        assertEquals("CANCELLED", SlurmStatus.normaliseState("CANCELLED+"));
        assertEquals("RUNNING", SlurmStatus.normaliseState(" running "));
        assertEquals("UNKNOWN", SlurmStatus.normaliseState(""));
    }
}
