package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An lj-pressure campaign on the hpc-gpu site whose points are scheduler tasks on the real Slurm
 * ({@code task: {backend: slurm}}): each point runs the function {@code kumiki.simulation.run} in
 * the worker jar on the compute node, and the objective comes back in the task's result.
 */
class CampaignSlurmTest {

    @Test
    void hpcGpuRunsAnLjPressureCampaignWithEveryPointASlurmTask(@TempDir Path dir) throws Exception {
        boolean slurm = new ProcessBuilder("sh", "-c", "sinfo -h >/dev/null 2>&1").start().waitFor() == 0;
        if (!slurm) {
            assertFalse("1".equals(System.getenv("KUMIKI_REQUIRE_SLURM")), "KUMIKI_REQUIRE_SLURM=1 but no Slurm answers (scripts/services/slurm.sh start)");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no Slurm here; scripts/test-all.sh starts one");
        }
        Path campaign = Files.writeString(dir.resolve("lj-slurm.yaml"), "name: lj-slurm\nseed: 11\n"
                + "parameters: [{name: T, type: continuous, min: 0.8, max: 2.5}]\n"
                + "objectives: [{name: pressure, goal: target, target: 2.0}]\n"
                + "budget: {evaluations: 4, wallTime: 4m}\nbatchSize: 2\nproposer: {kind: bayesian, initialPoints: 2}\nretry: {maxAttempts: 2}\n"
                + "pipeline:\n  - name: md\n    evaluator: simulation\n    options:\n"
                + "      spec: {cells: 3, steps: 300, thermoEvery: 30, density: 0.8442, ensemble: nvt, engine: md, threads: 1}\n"
                + "      map: {T: temperature}\n"
                + "      objective: {pressure: {column: press, reduce: mean, last: 5}}\n"
                + "      task: {backend: slurm, cpus: 1, walltime: 5m}\n");
        Path script = Files.writeString(dir.resolve("campaign.gogo"), "campaign:run -w " + campaign + "\nsched:list -x -l campaign=lj-slurm-1\n");
        ProcessBuilder pb = new ProcessBuilder(DistributionSmokeTest.JAVA, "-Dkumiki.script=" + script, "-Dgosh.args=--nointeractive",
                "-Dkumiki.worker.jar=" + DistributionSmokeTest.WORKER, "-jar", DistributionSmokeTest.HPC_GPU.toString()).directory(dir.toFile());
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hpc-gpu did not finish the campaign; stdout:\n" + Files.readString(dir.resolve("out.txt")));
        }
        String out = Files.readString(dir.resolve("out.txt"));
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(0, p.exitValue(), err + out);
        assertTrue(out.contains("lj-slurm-1  COMPLETED"), out);
        assertTrue(out.contains("evaluations  4/4 done, 0 failed"), out);
        Matcher best = Pattern.compile("best\\s+pressure=(\\S+) at T=(\\S+)").matcher(out);
        assertTrue(best.find(), out);
        assertTrue(Double.isFinite(Double.parseDouble(best.group(1))), out);
        // every point was a function task that ran on Slurm, one per evaluation
        Matcher task = Pattern.compile("task-\\d+\\s+lj-slurm-1-\\d+-md\\s+COMPLETED\\s+slurm\\b").matcher(out);
        int tasks = 0;
        while (task.find()) {
            tasks++;
        }
        assertEquals(4, tasks, out);
        assertFalse(out.contains("LOST"), out);
    }
}
