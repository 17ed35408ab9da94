package org.kumiki.simulation.md.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.simulation.api.dto.SimulationResultDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.kumiki.simulation.api.dto.ThermoDTO;
import org.kumiki.simulation.api.spi.RunContext;
import org.kumiki.simulation.check.testing.RecordingRunContext;
import org.kumiki.simulation.api.spi.SimulationFailedException;

class MdEngineTest {
    @TempDir
    Path dir;

    final MdEngine engine = new MdEngine();
    final RecordingRunContext context = new RecordingRunContext("run-test", () -> dir);
    final List<ThermoDTO> rows = context.rows;
    final AtomicBoolean cancel = context.cancel;

    RunContext context() {
        return context;
    }

    static SimulationSpec small() {
        SimulationSpec s = new SimulationSpec();
        s.cellsX = s.cellsY = s.cellsZ = 5;
        s.steps = 200;
        s.thermoEvery = 50;
        s.threads = 2;
        return s;
    }

    void rejects(Consumer<SimulationSpec> change, String messagePart) {
        SimulationSpec s = small();
        change.accept(s);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> engine.validate(s));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void rejectsNonsenseParameters() {
        rejects(s -> s.timestep = 0, "timestep");
        rejects(s -> s.timestep = -0.005, "timestep");
        rejects(s -> s.timestep = Double.NaN, "timestep");
        rejects(s -> s.timestep = 1.0, "far too large");
        rejects(s -> s.density = 0, "density");
        rejects(s -> s.density = Double.POSITIVE_INFINITY, "density");
        rejects(s -> s.density = 100, "density");
        rejects(s -> s.steps = -1, "steps");
        rejects(s -> s.cutoff = -2.5, "cutoff");
        rejects(s -> s.skin = -0.1, "skin");
        rejects(s -> s.temperature = -1, "temperature");
        rejects(s -> s.cellsX = 0, "cells");
        rejects(s -> s.cellsX = s.cellsY = s.cellsZ = 1, "smaller than cutoff");
        rejects(s -> s.cellsX = s.cellsY = s.cellsZ = 100_000, "too many atoms");
        rejects(s -> s.seed = 0, "seed");
        rejects(s -> s.threads = -1, "threads");
        rejects(s -> s.neighborEvery = 0, "neighborEvery");
        rejects(s -> s.ensemble = "npt", "ensemble");
        rejects(s -> {
            s.ensemble = "nvt";
            s.thermostatDamping = 0;
        }, "thermostatDamping");
        rejects(s -> s.model = "lammps-script", "model lj only");
        rejects(s -> {
            s.steps = 100_000_000L;
            s.thermoEvery = 1;
        }, "thermo rows");
        rejects(s -> s.dataFile = "/nonexistent/state.data", "not found");
    }

    @Test
    void refusesARunTheHeapCannotHoldWithTheEstimateAndTheLimit() {
        SimulationSpec s = small();
        s.cellsX = s.cellsY = s.cellsZ = 40; // 256,000 atoms: well over 64 MiB
        double a = Math.pow(4.0 / s.density, 1.0 / 3.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MdEngine.checkMemory(256_000, s.density, 40 * a, 40 * a, 40 * a, s, 64L << 20));
        assertTrue(e.getMessage().startsWith("256,000 atoms need about "), e.getMessage());
        assertTrue(e.getMessage().contains("only 64.0 MiB is free"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        // the small system fits in the same limit
        MdEngine.checkMemory(500, s.density, 5 * a, 5 * a, 5 * a, small(), 64L << 20);
        // the estimate grows with the system and the threads
        long one = MdEngine.bytesNeeded(256_000, s.density, 40 * a, 40 * a, 40 * a, s);
        s.threads = 8;
        assertTrue(MdEngine.bytesNeeded(256_000, s.density, 40 * a, 40 * a, 40 * a, s) > one);
        assertTrue(one > 256_000L * 300, "at least the neighbour lists and arrays: " + one);
    }

    @Test
    void cells230IsRefusedAtValidationAndAtRunBeforeAnyAllocation() {
        SimulationSpec s = small();
        s.cellsX = s.cellsY = s.cellsZ = 230; // 48.7 million atoms: tens of GiB
        double a = Math.pow(4.0 / s.density, 1.0 / 3.0);
        long need = MdEngine.bytesNeeded(4L * 230 * 230 * 230, s.density, 230 * a, 230 * a, 230 * a, s);
        assertTrue(need > 20L << 30, "estimate " + need);
        org.junit.jupiter.api.Assumptions.assumeTrue(need > Runtime.getRuntime().maxMemory(), "this JVM's heap would hold it");
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> engine.validate(s));
        assertTrue(v.getMessage().contains("48,668,000 atoms need about") && v.getMessage().contains("of heap"), v.getMessage());
        SimulationFailedException r = assertThrows(SimulationFailedException.class, () -> engine.run(s, context()));
        assertTrue(r.getMessage().contains("of heap"), r.getMessage());
        assertTrue(rows.isEmpty());
    }

    @Test
    void runsNveAndWritesAFinalStateThatReadsBack() throws Exception {
        SimulationSpec s = small();
        s.writeData = true;
        SimulationResultDTO r = engine.run(s, context());
        assertEquals(500, r.atoms);
        assertEquals(200, r.steps);
        assertEquals(5, r.thermo.size());
        assertEquals(1.44, r.thermo.get(0).temperature, 1e-12);
        // NVE conserves energy closely at dt 0.005
        double e0 = r.thermo.get(0).totalEnergy;
        for (ThermoDTO t : r.thermo) {
            assertEquals(e0, t.totalEnergy, 0.02, "energy at " + t.step);
        }
        Path data = Path.of(r.files.get("final.data"));
        Atoms back = DataFile.read(data);
        assertEquals(500, back.n);
        // continuing from the written state gives the same energy as the last row
        SimulationSpec c = small();
        c.dataFile = data.toString();
        c.steps = 0;
        rows.clear();
        SimulationResultDTO r2 = engine.run(c, context());
        assertEquals(r.thermo.get(4).totalEnergy, r2.thermo.get(0).totalEnergy, 1e-9);
        assertEquals(r.thermo.get(4).pressure, r2.thermo.get(0).pressure, 1e-9);
    }

    @Test
    void nvtHoldsTheTargetTemperature() throws Exception {
        SimulationSpec s = small();
        s.ensemble = "nvt";
        s.temperature = 2.0;
        s.targetTemperature = 1.0;
        s.thermostatDamping = 0.1;
        s.steps = 3000;
        s.thermoEvery = 100;
        SimulationResultDTO r = engine.run(s, context());
        double mean = r.thermo.stream().filter(t -> t.step >= 1500).mapToDouble(t -> t.temperature).average().orElseThrow();
        assertEquals(1.0, mean, 0.08, "mean temperature of the second half");
    }

    @Test
    void tooLargeATimestepFailsWithTheReason() {
        SimulationSpec s = small();
        s.timestep = 0.09;
        s.steps = 2000;
        SimulationFailedException e = assertThrows(SimulationFailedException.class, () -> engine.run(s, context()));
        assertTrue(e.getMessage().contains("unstable"), e.getMessage());
        for (ThermoDTO t : rows) {
            assertTrue(Double.isFinite(t.totalEnergy) && Double.isFinite(t.pressure), "no NaN rows");
        }
    }

    @Test
    void overlappingAtomsFailWithTheReason() throws Exception {
        Path data = dir.resolve("overlap.data");
        Files.writeString(data, "overlap\n\n3 atoms\n1 atom types\n\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\n"
            + "Atoms # atomic\n\n1 1 1.0 1.0 1.0\n2 1 1.2 1.0 1.0\n3 1 5 5 5\n");
        SimulationSpec s = small();
        s.dataFile = data.toString();
        SimulationFailedException e = assertThrows(SimulationFailedException.class, () -> engine.run(s, context()));
        assertTrue(e.getMessage().contains("unstable") && e.getMessage().contains("overlapping"), e.getMessage());

        Files.writeString(data, "same place\n\n2 atoms\n1 atom types\n\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\n"
            + "Atoms # atomic\n\n1 1 1.0 1.0 1.0\n2 1 1.0 1.0 1.0\n");
        e = assertThrows(SimulationFailedException.class, () -> engine.run(s, context()));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
    }

    @Test
    void cancellationStopsSoon() throws Exception {
        SimulationSpec s = small();
        s.steps = 100_000_000L;
        s.thermoEvery = 1000;
        cancel.set(true);
        SimulationResultDTO r = engine.run(s, context());
        assertTrue(r.steps < 1000, "ran " + r.steps);
    }

    @Test
    void rejectsMalformedDataFiles() {
        String head = "t\n\n2 atoms\n1 atom types\n\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\n";
        malformed(head + "Atoms # atomic\n\n1 1 1 1 1\n", "expected 2 atoms");
        malformed(head + "Atoms # atomic\n\n1 1 1 1 1\n1 1 2 2 2\n", "duplicate atom id");
        malformed(head + "Atoms # atomic\n\n1 1 1 1 1\n2 1 2 x 2\n", "bad number");
        malformed(head + "Atoms # atomic\n\n1 1 1 1 1\n2 1 2 NaN 2\n", "non-finite");
        malformed(head + "Atoms # atomic\n\n1 1 1 1 1\n2 2 2 2 2\n", "type 2");
        malformed(head + "Atoms # full\n\n1 1 1 1 1\n2 1 2 2 2\n", "atomic");
        malformed(head + "Atoms # atomic\n\n1 1 1 1 1\n2 1 2 2 2\n\nVelocities\n\n1 0 0 0\n7 0 0 0\n", "unknown atom id 7");
        malformed("t\n\n2 atoms\n2 atom types\n\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n", "one atom type");
        malformed("t\n\n2 atoms\n\n0 10 xlo xhi\n10 0 ylo yhi\n0 10 zlo zhi\n\nAtoms\n\n1 1 1 1 1\n", "non-positive");
        malformed("t\n\n2 atoms\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n0 0 0 xy xz yz\n", "triclinic");
        malformed("t\n\n-5 atoms\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\nAtoms\n\n", "before the atom count");
        malformed("t\n\nrm -rf /\n", "unknown header line");
        malformed("t\n\n2 atoms\n", "no Atoms section");
        malformed("t\n\n2000000000 atoms\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\nAtoms\n\n", "too many atoms");
        malformed("", "no Atoms section");
    }

    @Test
    void aDataFileThatLiesAboutItsSizeIsRefusedBeforeAllocating() throws Exception {
        Path data = dir.resolve("liar.data");
        Files.writeString(data, "liar\n\n30000000 atoms\n1 atom types\n0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\n"
            + "Atoms # atomic\n\n1 1 1 1 1\n");
        IOException e = assertThrows(IOException.class, () -> DataFile.read(data));
        assertTrue(e.getMessage().contains("too many atoms for this file"), e.getMessage());
        SimulationSpec s = small();
        s.dataFile = data.toString();
        SimulationFailedException f = assertThrows(SimulationFailedException.class, () -> engine.run(s, context()));
        assertTrue(f.getMessage().contains("too many atoms"), f.getMessage());
    }

    void malformed(String text, String messagePart) {
        IOException e = assertThrows(IOException.class, () -> DataFile.parse(new BufferedReader(new StringReader(text)), "x.data"));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
    }

    @Test
    void readsLammpsStyleFilesWithCommentsAndPairCoeffs() throws Exception {
        Atoms a = DataFile.parse(new BufferedReader(new StringReader("LAMMPS data file via write_data\n\n2 atoms\n1 atom types\n\n"
            + "0 10 xlo xhi\n0 10 ylo yhi\n0 10 zlo zhi\n\nMasses\n\n1 2.0\n\nPair Coeffs # lj/cut\n\n1 1 1\n\n"
            + "Atoms # atomic\n\n2 1 3 3 3 0 0 1\n1 1 1 1 1 0 0 0\n\nVelocities\n\n1 0.5 0 0\n2 -0.5 0 0\n")), "ok.data");
        assertEquals(2, a.n);
        assertEquals(2.0, a.mass);
        assertEquals(2, a.tag[0]);
        assertEquals(1, a.image[2]);
        assertEquals(-0.5, a.v[0]);
        assertFalse(Double.isNaN(a.x[5]));
    }
}
