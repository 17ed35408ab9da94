package org.kumiki.scheduler.slurm.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.scheduler.api.dto.TaskSpec;

class BatchJobTest {

    static final List<String> HOSTILE = List.of("'; rm -rf / #", "$(x)", "`id`", "a\nb", "$HOME", "\\", "\"", "*", "",
            "it's", "'", "''", "-n", "a\tb  c", "; echo pwned", "${IFS}", "!!", "\u00e9\u6f22");

    @TempDir
    Path tmp;

    @Test
    void quoteWrapsInSingleQuotes() {
        assertEquals("'abc'", BatchJob.quote("abc"));
        assertEquals("''\\''; rm -rf / #'", BatchJob.quote("'; rm -rf / #"));
        assertEquals("'$(x)'", BatchJob.quote("$(x)"));
        assertEquals("''", BatchJob.quote(""));
    }

    @Test
    void scriptPassesHostileArgumentsVerbatim() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("printf", "<%s>\\n"));
        cmd.addAll(HOSTILE);
        TaskSpec spec = TaskSpec.command("hostile", cmd.toArray(String[]::new));
        String out = runScript(BatchJob.script("task-1", 1, spec));
        StringBuilder want = new StringBuilder();
        for (String h : HOSTILE) want.append('<').append(h).append(">\n");
        assertEquals(want.toString(), out);
    }

    @Test
    void scriptExportsHostileEnvironmentAndChangesDirectory() throws Exception {
        Path wd = Files.createDirectories(tmp.resolve("dir with 'quote' and $(x)"));
        TaskSpec spec = TaskSpec.command("env", "sh", "-c", "printf '%s|%s|%s' \"$A\" \"$B\" \"$(pwd)\"");
        spec.environment.put("A", "'; rm -rf / #");
        spec.environment.put("B", "$(x)\nline2");
        spec.workingDirectory = wd.toString();
        assertEquals("'; rm -rf / #|$(x)\nline2|" + wd, runScript(BatchJob.script("task-1", 1, spec)));
    }

    @Test
    void scriptFailsWhenWorkingDirectoryIsMissing() throws Exception {
        TaskSpec spec = TaskSpec.command("x", "true");
        spec.workingDirectory = tmp.resolve("missing").toString();
        Path f = tmp.resolve("s.sh");
        Files.writeString(f, BatchJob.script("t", 1, spec));
        Process p = new ProcessBuilder("sh", f.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(126, p.exitValue());
    }

    @Test
    void scriptStartsWithShebang() {
        String s = BatchJob.script("task-9", 2, TaskSpec.command("x", "true"));
        assertTrue(s.startsWith("#!/bin/sh\n"), s);
        assertTrue(s.contains("exec 'true'\n"), s);
    }

    @Test
    void invalidSpecsAreNamed() {
        TaskSpec empty = new TaskSpec();
        assertEquals("a Slurm task needs a command", BatchJob.invalid(empty));
        TaskSpec badEnv = TaskSpec.command("x", "true");
        badEnv.environment.put("A=B; rm", "x");
        assertTrue(BatchJob.invalid(badEnv).startsWith("environment variable name not valid"));
        TaskSpec nul = TaskSpec.command("x", "echo", "a\0b");
        assertTrue(BatchJob.invalid(nul).contains("NUL"));
        TaskSpec nlOut = TaskSpec.command("x", "true");
        nlOut.stdout = "/tmp/a\nb";
        assertNotNull(BatchJob.invalid(nlOut));
        assertNull(BatchJob.invalid(TaskSpec.command("x", "true")));
        assertThrows(IllegalArgumentException.class, () -> BatchJob.script("t", 1, badEnv));
    }

    @Test
    void sbatchOptionsMapResources() {
        TaskSpec spec = TaskSpec.command("my job", "true");
        spec.resources.cpus = 4;
        spec.resources.gpus = 2;
        spec.resources.memoryBytes = 1024L * 1024 * 1024 + 1; // rounds up to 1025 MiB
        spec.resources.walltimeSeconds = 61; // rounds up to 2 minutes
        Path dir = Path.of("/work/t1");
        List<String> a = BatchJob.sbatchArguments("task-1", spec, dir, dir.resolve("slurm-1.sh"),
                List.of("afterok:12", "afterany:13"), new BatchJob.Defaults("batch", "proj"));
        assertEquals(List.of("--parsable", "--job-name=my job", "--comment=kumiki:task-1", "--cpus-per-task=4",
                "--gres=gpu:2", "--mem=1025M", "--time=2", "--partition=batch", "--account=proj",
                "--output=/work/t1/stdout", "--error=/work/t1/stderr", "--chdir=/work/t1", "--no-requeue",
                "--dependency=afterok:12,afterany:13", "/work/t1/slurm-1.sh"), a);
    }

    @Test
    void sbatchOptionsLeaveOutWhatIsUnset() {
        TaskSpec spec = TaskSpec.command(null, "true");
        spec.resources.cpus = 0;
        spec.partition = "gpu";
        spec.stdout = "/data/out.txt";
        spec.stderr = "/data/err.txt";
        Path dir = Path.of("/w");
        List<String> a = BatchJob.sbatchArguments("task-7", spec, dir, dir.resolve("s.sh"), List.of(),
                new BatchJob.Defaults("", " "));
        assertEquals(List.of("--parsable", "--job-name=task-7", "--comment=kumiki:task-7", "--cpus-per-task=1",
                "--partition=gpu", "--output=/data/out.txt", "--error=/data/err.txt", "--chdir=/w", "--no-requeue",
                "/w/s.sh"), a);
    }

    @Test
    void memoryAndTimeRoundUp() {
        TaskSpec spec = TaskSpec.command("x", "true");
        spec.resources.memoryBytes = 1;
        spec.resources.walltimeSeconds = 60;
        List<String> a = BatchJob.sbatchArguments("t", spec, Path.of("/w"), Path.of("/w/s"), null, new BatchJob.Defaults(null, null));
        assertTrue(a.contains("--mem=1M"), a.toString());
        assertTrue(a.contains("--time=1"), a.toString());
    }

    @Test
    void hostileDependenciesAreRefused() {
        TaskSpec spec = TaskSpec.command("x", "true");
        for (String d : List.of("afterok:1;rm", "singleton", "afterok:", "after:1", "afterok:1 --wrap=x")) {
            assertThrows(IllegalArgumentException.class, () -> BatchJob.sbatchArguments("t", spec, Path.of("/w"),
                    Path.of("/w/s"), List.of(d), new BatchJob.Defaults(null, null)), d);
        }
    }

    @Test
    void jobNamesArePrintable() {
        assertEquals("a_b", BatchJob.jobName("t", "a\nb"));
        assertEquals("t", BatchJob.jobName("t", "  "));
        assertEquals(64, BatchJob.jobName("t", "x".repeat(100)).length());
    }

    @Test
    void parsesParsableJobIds() {
        assertEquals("42", BatchJob.parseJobId("42\n"));
        assertEquals("42", BatchJob.parseJobId("42;cluster\n"));
        assertEquals("43", BatchJob.parseJobId("sbatch: warning: x\n43\n"));
        assertThrows(IllegalArgumentException.class, () -> BatchJob.parseJobId(""));
        assertThrows(IllegalArgumentException.class, () -> BatchJob.parseJobId("Submitted batch job x"));
    }

    private String runScript(String script) throws Exception {
        Path f = tmp.resolve("job.sh");
        Files.writeString(f, script);
        Process p = new ProcessBuilder("sh", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
