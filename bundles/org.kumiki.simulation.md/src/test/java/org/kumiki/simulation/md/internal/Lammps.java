package org.kumiki.simulation.md.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/** Runs the real LAMMPS (Debian {@code lmp}) for reference values. */
final class Lammps {
    static final Path LMP = Path.of(System.getenv().getOrDefault("KUMIKI_LMP", "/usr/bin/lmp"));

    private Lammps() {
    }

    /** Skips the test without LAMMPS, or fails it when KUMIKI_REQUIRE_LAMMPS=1. */
    static void require() {
        if (!Files.isExecutable(LMP)) {
            if ("1".equals(System.getenv("KUMIKI_REQUIRE_LAMMPS"))) {
                fail("KUMIKI_REQUIRE_LAMMPS=1 but " + LMP + " is missing (apt-get install lammps)");
            }
            Assumptions.abort(LMP + " is missing");
        }
    }

    /** Runs the input in dir; returns the thermo rows (Step Temp E_pair TotEng Press). */
    static List<double[]> run(Path dir, String input) throws IOException, InterruptedException {
        Files.writeString(dir.resolve("in.test"), input);
        Process p = new ProcessBuilder(LMP.toString(), "-in", "in.test", "-log", "log.lammps", "-echo", "none", "-screen", "none")
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("lmp did not finish in 120 s");
        }
        List<String> log = Files.readAllLines(dir.resolve("log.lammps"), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "lmp failed: " + String.join("\n", log));
        List<double[]> rows = new ArrayList<>();
        boolean in = false;
        for (String line : log) {
            String t = line.trim();
            if (t.startsWith("Step ")) {
                in = true;
                continue;
            }
            if (t.startsWith("Loop time")) {
                in = false;
            }
            if (in && !t.isEmpty()) {
                String[] w = t.split("\\s+");
                double[] r = new double[w.length];
                for (int i = 0; i < w.length; i++) {
                    r[i] = Double.parseDouble(w[i]);
                }
                rows.add(r);
            }
        }
        return rows;
    }
}
