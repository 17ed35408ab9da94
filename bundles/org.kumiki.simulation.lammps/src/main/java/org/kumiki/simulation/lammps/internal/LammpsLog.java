package org.kumiki.simulation.lammps.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kumiki.simulation.api.dto.ThermoDTO;

/**
 * Parses LAMMPS screen/log output line by line: thermo blocks (a header starting with
 * {@code Step}, numeric rows until {@code Loop time}), {@code WARNING:} and {@code ERROR:}
 * lines, the {@code Loop time} and {@code Performance:} lines and dangerous builds.
 */
final class LammpsLog {
    private static final Pattern LOOP = Pattern.compile(
        "Loop time of (\\S+) on (\\d+) procs for (\\d+) steps with (\\d+) atoms");
    private static final Pattern DANGEROUS = Pattern.compile("Dangerous builds\\s*=\\s*(\\d+)");

    final List<ThermoDTO> thermo = new ArrayList<>();
    final List<String> warnings = new ArrayList<>();
    String error;
    String performance;
    String version;
    double loopSeconds;
    long steps;
    long atoms;
    long dangerous;
    /** The first step whose thermo row held nan or inf, or -1. */
    long firstNonFiniteStep = -1;
    private String[] columns;
    /** Called for each new thermo row (may be null). */
    java.util.function.Consumer<ThermoDTO> onRow;

    void line(String raw) {
        String t = raw.trim();
        if (t.isEmpty()) {
            return;
        }
        if (version == null && t.startsWith("LAMMPS (")) {
            version = t;
            return;
        }
        if (t.startsWith("ERROR")) {
            if (error == null) {
                error = t;
            }
            columns = null;
            return;
        }
        if (t.startsWith("WARNING")) {
            if (warnings.size() < 1000) {
                warnings.add(t);
            }
            return;
        }
        if (t.startsWith("Step ") || t.equals("Step")) {
            columns = t.split("\\s+");
            return;
        }
        if (t.startsWith("Loop time")) {
            columns = null;
            Matcher m = LOOP.matcher(t);
            if (m.find()) {
                try {
                    loopSeconds += Double.parseDouble(m.group(1));
                    steps += Long.parseLong(m.group(3));
                    atoms = Long.parseLong(m.group(4));
                } catch (NumberFormatException e) {
                    // keep what we have
                }
            }
            return;
        }
        if (t.startsWith("Performance:")) {
            performance = t;
            return;
        }
        Matcher d = DANGEROUS.matcher(t);
        if (d.find()) {
            dangerous += Long.parseLong(d.group(1));
            return;
        }
        if (columns != null) {
            String[] w = t.split("\\s+");
            if (w.length != columns.length) {
                return;
            }
            double[] values = new double[w.length];
            boolean nonFinite = false;
            try {
                for (int i = 0; i < w.length; i++) {
                    String v = w[i].toLowerCase(java.util.Locale.ROOT);
                    if (v.equals("nan") || v.equals("-nan") || v.equals("+nan")) {
                        values[i] = Double.NaN;
                        nonFinite = true;
                    } else if (v.equals("inf") || v.equals("+inf") || v.equals("-inf")) {
                        values[i] = v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                        nonFinite = true;
                    } else {
                        values[i] = Double.parseDouble(w[i]);
                        nonFinite |= !Double.isFinite(values[i]);
                    }
                }
            } catch (NumberFormatException e) {
                return; // not a thermo row (e.g. a message between rows)
            }
            if (nonFinite && firstNonFiniteStep < 0) {
                firstNonFiniteStep = (long) values[0];
            }
            ThermoDTO row = ThermoDTO.of((long) values[0], Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            for (int i = 1; i < columns.length; i++) {
                switch (columns[i]) {
                    case "Temp":
                        row.temperature = values[i];
                        break;
                    case "E_pair":
                        row.pairEnergy = values[i];
                        break;
                    case "TotEng":
                        row.totalEnergy = values[i];
                        break;
                    case "Press":
                        row.pressure = values[i];
                        break;
                    default:
                        break;
                }
            }
            // a new run repeats the last step of the previous one: keep one row per step
            if (!thermo.isEmpty() && thermo.get(thermo.size() - 1).step == row.step) {
                thermo.set(thermo.size() - 1, row);
            } else {
                thermo.add(row);
                if (onRow != null) {
                    onRow.accept(row);
                }
            }
        }
    }
}
