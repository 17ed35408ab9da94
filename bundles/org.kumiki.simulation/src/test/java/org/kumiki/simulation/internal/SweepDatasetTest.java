package org.kumiki.simulation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.simulation.api.dto.SweepPointDTO;

/** The dataset from typed points: hostile messages stay in their cell, NaN is empty or null. */
class SweepDatasetTest {
    @TempDir
    Path dir;

    static List<SweepPointDTO> points() {
        SweepPointDTO ok = new SweepPointDTO();
        ok.point = 0;
        ok.parameters.put("temperature", 1.5);
        ok.state = "COMPLETED";
        ok.finalTemperature = 1.25;
        ok.atoms = 256;
        ok.steps = 100;
        ok.runId = "run-1";
        ok.taskId = "task-1";
        SweepPointDTO bad = new SweepPointDTO();
        bad.point = 1;
        bad.parameters.put("temperature", 2.0);
        bad.state = "FAILED";
        bad.taskId = "task-2";
        bad.message = "LAMMPS: ERROR: \"lost\" atoms,\nnew line";
        return List.of(ok, bad);
    }

    @Test
    void writesCsvWithQuotedMessagesAndEmptyNaN() throws Exception {
        Path out = SweepDataset.write(dir, "sweep-1", "csv", List.of("temperature"), points());
        assertEquals("dataset.csv", out.getFileName().toString());
        String csv = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(csv.startsWith("point,temperature,state,finalTemperature,finalPairEnergy"), csv);
        assertTrue(csv.contains("\n0,1.5,COMPLETED,1.25,,"), csv);
        assertTrue(csv.contains(",256,100,0.0,run-1,task-1,\n"), csv);
        assertTrue(csv.endsWith(",task-2,\"LAMMPS: ERROR: \"\"lost\"\" atoms,\nnew line\"\n"), csv);
        assertEquals(List.of(), List.of(dir.toFile().list((d, n) -> n.endsWith(".tmp"))), "no temporary file left");
    }

    @Test
    void writesColumnarJsonWithNulls() throws Exception {
        Path out = SweepDataset.write(dir, "sweep-1", "json", List.of("temperature"), points());
        var root = Json.MAPPER.readTree(out.toFile());
        assertEquals("sweep-1", root.get("sweep").asText());
        assertEquals(2, root.get("rows").asInt());
        var cols = root.get("columns");
        assertEquals(1.25, cols.get("finalTemperature").get(0).asDouble());
        assertTrue(cols.get("finalTemperature").get(1).isNull());
        assertEquals(256, cols.get("atoms").get(0).asLong());
        assertEquals("FAILED", cols.get("state").get(1).asText());
        assertEquals(2.0, cols.get("temperature").get(1).asDouble());
    }
}
