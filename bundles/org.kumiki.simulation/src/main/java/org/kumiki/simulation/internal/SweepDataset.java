package org.kumiki.simulation.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import org.kumiki.simulation.api.dto.SweepPointDTO;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Writes a sweep's dataset from its typed point results: CSV, or columnar JSON (column name to
 * array of values, non-finite numbers as null). One row per point: {@code point}, the grid
 * parameters, then {@link #COLUMNS}.
 */
final class SweepDataset {
    private SweepDataset() {
    }

    static final List<String> COLUMNS = List.of("state", "finalTemperature", "finalPairEnergy", "finalTotalEnergy", "finalPressure",
        "meanTemperature", "meanPairEnergy", "meanTotalEnergy", "meanPressure", "atoms", "steps", "atomStepsPerSecond",
        "runId", "taskId", "message");

    /** The file name of a dataset in {@code format} ({@code csv} or {@code json}). */
    static String fileName(String format) {
        return "json".equals(format) ? "dataset.json" : "dataset.csv";
    }

    /** Writes {@code dir/dataset.csv} or {@code dir/dataset.json} atomically and returns it. */
    static Path write(Path dir, String sweepId, String format, List<String> parameters, List<SweepPointDTO> points) throws IOException {
        List<String> header = new ArrayList<>();
        header.add("point");
        header.addAll(parameters);
        header.addAll(COLUMNS);
        List<List<Object>> rows = new ArrayList<>();
        for (SweepPointDTO p : points) {
            rows.add(row(p, parameters));
        }
        Files.createDirectories(dir);
        Path out = dir.resolve(fileName(format));
        byte[] bytes;
        if ("json".equals(format)) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.put("sweep", sweepId);
            root.put("rows", rows.size());
            ObjectNode cols = root.putObject("columns");
            for (int c = 0; c < header.size(); c++) {
                ArrayNode arr = cols.putArray(header.get(c));
                for (List<Object> row : rows) {
                    Object v = row.get(c);
                    if (v instanceof Double) {
                        double d = (Double) v;
                        if (Double.isFinite(d)) {
                            arr.add(d);
                        } else {
                            arr.addNull();
                        }
                    } else if (v instanceof Number) {
                        arr.add(((Number) v).longValue());
                    } else {
                        arr.add(String.valueOf(v));
                    }
                }
            }
            bytes = Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } else {
            StringBuilder b = new StringBuilder();
            b.append(String.join(",", header)).append('\n');
            for (List<Object> row : rows) {
                for (int i = 0; i < row.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    b.append(csv(row.get(i)));
                }
                b.append('\n');
            }
            bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        }
        Path tmp = dir.resolve(out.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    static List<Object> row(SweepPointDTO p, List<String> parameters) {
        List<Object> row = new ArrayList<>();
        row.add(p.point);
        for (String k : parameters) {
            Double v = p.parameters.get(k);
            row.add(v == null ? Double.NaN : v);
        }
        row.add(p.state == null ? "" : p.state);
        row.add(p.finalTemperature);
        row.add(p.finalPairEnergy);
        row.add(p.finalTotalEnergy);
        row.add(p.finalPressure);
        row.add(p.meanTemperature);
        row.add(p.meanPairEnergy);
        row.add(p.meanTotalEnergy);
        row.add(p.meanPressure);
        row.add(p.atoms);
        row.add(p.steps);
        row.add(p.atomStepsPerSecond);
        row.add(p.runId == null ? "" : p.runId);
        row.add(p.taskId == null ? "" : p.taskId);
        row.add(p.message == null ? "" : p.message);
        return row;
    }

    static String csv(Object v) {
        if (v instanceof Double) {
            double d = (Double) v;
            return Double.isFinite(d) ? Double.toString(d) : "";
        }
        String s = String.valueOf(v);
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
