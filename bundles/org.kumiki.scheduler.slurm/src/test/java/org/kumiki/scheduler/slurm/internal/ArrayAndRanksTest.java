package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.dto.TaskSpec;

/** The array script, the parallel sbatch options and the parsing of an array's scontrol lines. */
class ArrayAndRanksTest {

    @Test
    void parallelTaskOptionsAndLaunchers() {
        TaskSpec s = TaskSpec.command("lj", "/usr/bin/lmp", "-in", "in.lj");
        s.resources.tasks = 4;
        s.resources.nodes = 2;
        s.resources.cpusPerTask = 3;
        List<String> a = BatchJob.sbatchArguments("task-1", s, Path.of("/t"), Path.of("/t/s.sh"), List.of(), new BatchJob.Defaults("", ""));
        assertTrue(a.containsAll(List.of("--nodes=2", "--ntasks=4", "--cpus-per-task=3")), a.toString());
        assertTrue(BatchJob.script("task-1", 1, s).contains("\nexec srun --mpi=pmix '/usr/bin/lmp' 'in' ".replace("'in' ", "'-in' ")), BatchJob.script("task-1", 1, s));
        s.launcher = Launcher.MPIRUN;
        assertTrue(BatchJob.script("task-1", 1, s).contains("\nexec env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun '/usr/bin/lmp'"));
        s.launcher = Launcher.NONE;
        assertTrue(BatchJob.script("task-1", 1, s).contains("\nexec '/usr/bin/lmp'"));
        TaskSpec one = TaskSpec.command("x", "true");
        one.resources.cpus = 2;
        List<String> b = BatchJob.sbatchArguments("task-2", one, Path.of("/t"), Path.of("/t/s.sh"), List.of(), new BatchJob.Defaults("", ""));
        assertTrue(b.contains("--cpus-per-task=2") && b.stream().noneMatch(x -> x.startsWith("--ntasks")), b.toString());
    }

    @Test
    void arrayScriptRunsEachElementInItsFolderWithItsOutput() {
        String s = BatchJob.arrayScript(List.of(new String[] {"/d/0", "/d/0/slurm-1.sh", "/d/0/stdout", "/d/0/stderr"},
                new String[] {"/d/it's", "/d/it's/slurm-2.sh", "/o", "/o"}));
        assertTrue(s.contains("0) cd -- '/d/0' || exit 126; exec /bin/sh '/d/0/slurm-1.sh' >'/d/0/stdout' 2>'/d/0/stderr' ;;\n"), s);
        assertTrue(s.contains("1) cd -- '/d/it'\\''s' || exit 126; exec /bin/sh '/d/it'\\''s/slurm-2.sh' >'/o' 2>&1 ;;\n"), s);
        assertTrue(s.contains("case \"$SLURM_ARRAY_TASK_ID\" in"));
    }

    @Test
    void scontrolOfAnArray() {
        String out = "JobId=444 ArrayJobId=440 ArrayTaskId=3 JobState=COMPLETED Reason=None ExitCode=0:0\n"
                + "JobId=443 ArrayJobId=440 ArrayTaskId=2 JobState=FAILED Reason=NonZeroExitCode ExitCode=3:0\n"
                + "JobId=441 ArrayJobId=440 ArrayTaskId=0 JobState=RUNNING Reason=None ExitCode=0:0\n"
                + "JobId=440 ArrayJobId=440 ArrayTaskId=4-6,9%2 JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0\n";
        Map<String, SlurmStatus> m = new HashMap<>();
        Map<String, String> raw = new HashMap<>();
        Set<String> pending = new HashSet<>();
        SlurmStatus.parseArrayScontrol(out, m, raw, pending);
        assertEquals("COMPLETED", m.get("440_3").state);
        assertEquals(3, m.get("440_2").exitCode);
        assertEquals("443", raw.get("440_2"));
        assertTrue(m.get("440_0").isActive());
        assertEquals(Set.of("440_4", "440_5", "440_6", "440_9"), pending);
        // a cancelled array whose elements never started: one line, a range, CANCELLED
        Map<String, SlurmStatus> c = new HashMap<>();
        Set<String> p2 = new HashSet<>();
        SlurmStatus.parseArrayScontrol("JobId=672 ArrayJobId=672 ArrayTaskId=0-1,3-5 JobState=CANCELLED Reason=None ExitCode=0:0", c, new HashMap<>(), p2);
        assertEquals(Set.of("672_0", "672_1", "672_3", "672_4", "672_5"), c.keySet());
        assertEquals("CANCELLED", c.get("672_4").state);
        assertTrue(p2.isEmpty());
    }

    @Test
    void sinfoPartitions() {
        Map<String, int[]> p = SlurmBackend.parseSinfo("debug*|1|8\ngpu|4|64\ngpu|2|32\n");
        assertEquals(1, p.get("debug")[0]);
        assertEquals(8, p.get("")[1]);
        assertEquals(6, p.get("gpu")[0]);
        assertEquals(64, p.get("gpu")[1]);
    }
}
