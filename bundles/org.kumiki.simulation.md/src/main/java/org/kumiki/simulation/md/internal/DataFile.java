package org.kumiki.simulation.md.internal;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * LAMMPS data files, atomic style ({@code read_data} / {@code write_data}): header counts and
 * box, Masses, Atoms ({@code id type x y z [ix iy iz]}), Velocities ({@code id vx vy vz}).
 * One atom type, orthogonal boxes. Malformed input fails with the line number.
 */
final class DataFile {
    private DataFile() {
    }

    /** Refuses files larger than this (about 10 million atoms). */
    static final long MAX_BYTES = 2L << 30;

    static Atoms read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("data file not found: " + file);
        }
        if (Files.size(file) > MAX_BYTES) {
            throw new IOException("data file too large: " + file);
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            // an Atoms line has at least 10 bytes: a count beyond that is a lie, not a reason to allocate
            return parse(r, file.toString(), Math.min(MAX_ATOMS, Files.size(file) / 10 + 1));
        }
    }

    /** The most atoms a data file may declare. */
    static final long MAX_ATOMS = 50_000_000L;

    static Atoms parse(BufferedReader r, String name) throws IOException {
        return parse(r, name, MAX_ATOMS);
    }

    static Atoms parse(BufferedReader r, String name, long maxAtoms) throws IOException {
        int lineNo = 1;
        r.readLine(); // the first line is a title, always skipped (as LAMMPS does)
        long natoms = -1;
        long ntypes = 1;
        double[] box = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        Atoms atoms = null;
        Map<Integer, Integer> index = null;
        boolean haveAtoms = false;
        double mass = Double.NaN;
        String line;
        String section = null;
        while ((line = r.readLine()) != null) {
            lineNo++;
            String s = strip(line);
            if (s.isEmpty()) {
                continue;
            }
            String[] w = s.split("\\s+");
            if (section == null && !isSection(w[0])) {
                // header
                try {
                    if (s.endsWith("atoms") && w.length == 2) {
                        natoms = Long.parseLong(w[0]);
                    } else if (s.endsWith("atom types") && w.length == 3) {
                        ntypes = Long.parseLong(w[0]);
                    } else if (s.endsWith("xlo xhi") && w.length == 4) {
                        box[0] = Double.parseDouble(w[0]);
                        box[3] = Double.parseDouble(w[1]);
                    } else if (s.endsWith("ylo yhi") && w.length == 4) {
                        box[1] = Double.parseDouble(w[0]);
                        box[4] = Double.parseDouble(w[1]);
                    } else if (s.endsWith("zlo zhi") && w.length == 4) {
                        box[2] = Double.parseDouble(w[0]);
                        box[5] = Double.parseDouble(w[1]);
                    } else if (s.endsWith("xy xz yz")) {
                        throw error(name, lineNo, "triclinic boxes are not supported");
                    } else if (s.matches("\\d+\\s+(bonds|angles|dihedrals|impropers)")) {
                        if (Long.parseLong(w[0]) != 0) {
                            throw error(name, lineNo, "molecular topology is not supported (atomic style only)");
                        }
                    } else if (s.matches("\\d+\\s+(bond|angle|dihedral|improper) types")
                        || s.matches("\\d+\\s+extra .*")) {
                        // ignored
                    } else {
                        throw error(name, lineNo, "unknown header line: " + abbreviate(s));
                    }
                } catch (NumberFormatException e) {
                    throw error(name, lineNo, "bad number in header line: " + abbreviate(s));
                }
                continue;
            }
            if (isSection(w[0])) {
                section = sectionName(s);
                if (section.equals("Atoms") || section.equals("Velocities") || section.equals("Masses")) {
                    if (section.equals("Atoms")) {
                        if (line.contains("#") && !line.substring(line.indexOf('#') + 1).trim().startsWith("atomic")) {
                            throw error(name, lineNo, "atom style must be atomic: " + abbreviate(line.trim()));
                        }
                        if (natoms < 0) {
                            throw error(name, lineNo, "Atoms section before the atom count");
                        }
                        if (natoms > maxAtoms) {
                            throw error(name, lineNo, "too many atoms for this file: " + natoms + " (at most " + maxAtoms + ")");
                        }
                        for (double b : box) {
                            if (!Double.isFinite(b)) {
                                throw error(name, lineNo, "box bounds missing before the Atoms section");
                            }
                        }
                        if (!(box[3] > box[0] && box[4] > box[1] && box[5] > box[2])) {
                            throw error(name, lineNo, "box has non-positive size");
                        }
                        if (ntypes != 1) {
                            throw error(name, lineNo, "only one atom type is supported, the file declares " + ntypes);
                        }
                        atoms = new Atoms((int) natoms);
                        atoms.xlo = box[0];
                        atoms.ylo = box[1];
                        atoms.zlo = box[2];
                        atoms.xhi = box[3];
                        atoms.yhi = box[4];
                        atoms.zhi = box[5];
                        index = new HashMap<>((int) Math.min(natoms * 2, Integer.MAX_VALUE / 2));
                        lineNo = readAtoms(r, atoms, index, name, lineNo);
                        haveAtoms = true;
                        section = null;
                    } else if (section.equals("Velocities")) {
                        if (!haveAtoms) {
                            throw error(name, lineNo, "Velocities before Atoms");
                        }
                        lineNo = readVelocities(r, atoms, index, name, lineNo);
                        section = null;
                    } else {
                        lineNo = skipBlank(r, name, lineNo);
                        for (long t = 0; t < ntypes; t++) {
                            line = r.readLine();
                            lineNo++;
                            if (line == null) {
                                throw error(name, lineNo, "unexpected end of file in Masses");
                            }
                            String[] m = strip(line).split("\\s+");
                            try {
                                if (m.length < 2 || Integer.parseInt(m[0]) != 1) {
                                    throw error(name, lineNo, "bad Masses line: " + abbreviate(line));
                                }
                                mass = Double.parseDouble(m[1]);
                            } catch (NumberFormatException e) {
                                throw error(name, lineNo, "bad Masses line: " + abbreviate(line));
                            }
                            if (!(mass > 0) || !Double.isFinite(mass)) {
                                throw error(name, lineNo, "mass must be positive: " + abbreviate(line));
                            }
                        }
                        section = null;
                    }
                } else {
                    // a section we do not use (Pair Coeffs, ...): skip its lines up to the next section
                    section = "skip";
                }
                continue;
            }
            // inside a skipped section: skip until a section keyword
        }
        if (!haveAtoms) {
            throw new IOException(name + ": no Atoms section");
        }
        if (Double.isFinite(mass)) {
            atoms.mass = mass;
        }
        return atoms;
    }

    private static int skipBlank(BufferedReader r, String name, int lineNo) throws IOException {
        r.mark(1 << 16);
        String line = r.readLine();
        lineNo++;
        if (line == null || !strip(line).isEmpty()) {
            throw error(name, lineNo, "a blank line must follow a section keyword");
        }
        return lineNo;
    }

    private static int readAtoms(BufferedReader r, Atoms a, Map<Integer, Integer> index, String name, int lineNo)
        throws IOException {
        lineNo = skipBlank(r, name, lineNo);
        for (int i = 0; i < a.n; i++) {
            String line = r.readLine();
            lineNo++;
            if (line == null) {
                throw error(name, lineNo, "unexpected end of file: expected " + a.n + " atoms, found " + i);
            }
            String[] w = strip(line).split("\\s+");
            if (w.length != 5 && w.length != 8) {
                throw error(name, lineNo, "an atomic Atoms line has 5 or 8 words: " + abbreviate(line));
            }
            try {
                int id = Integer.parseInt(w[0]);
                int type = Integer.parseInt(w[1]);
                if (id <= 0) {
                    throw error(name, lineNo, "atom id must be positive: " + abbreviate(line));
                }
                if (type != 1) {
                    throw error(name, lineNo, "atom type " + type + " out of range");
                }
                if (index.put(id, i) != null) {
                    throw error(name, lineNo, "duplicate atom id " + id);
                }
                a.tag[i] = id;
                for (int d = 0; d < 3; d++) {
                    double c = Double.parseDouble(w[2 + d]);
                    if (!Double.isFinite(c)) {
                        throw error(name, lineNo, "non-finite coordinate: " + abbreviate(line));
                    }
                    a.x[3 * i + d] = c;
                    if (w.length == 8) {
                        a.image[3 * i + d] = Integer.parseInt(w[5 + d]);
                    }
                }
            } catch (NumberFormatException e) {
                throw error(name, lineNo, "bad number in Atoms line: " + abbreviate(line));
            }
        }
        return lineNo;
    }

    private static int readVelocities(BufferedReader r, Atoms a, Map<Integer, Integer> index, String name, int lineNo)
        throws IOException {
        lineNo = skipBlank(r, name, lineNo);
        for (int i = 0; i < a.n; i++) {
            String line = r.readLine();
            lineNo++;
            if (line == null) {
                throw error(name, lineNo, "unexpected end of file in Velocities");
            }
            String[] w = strip(line).split("\\s+");
            if (w.length != 4) {
                throw error(name, lineNo, "an atomic Velocities line has 4 words: " + abbreviate(line));
            }
            try {
                Integer k = index.get(Integer.parseInt(w[0]));
                if (k == null) {
                    throw error(name, lineNo, "velocity for unknown atom id " + w[0]);
                }
                for (int d = 0; d < 3; d++) {
                    double c = Double.parseDouble(w[1 + d]);
                    if (!Double.isFinite(c)) {
                        throw error(name, lineNo, "non-finite velocity: " + abbreviate(line));
                    }
                    a.v[3 * k + d] = c;
                }
            } catch (NumberFormatException e) {
                throw error(name, lineNo, "bad number in Velocities line: " + abbreviate(line));
            }
        }
        return lineNo;
    }

    static void write(Atoms a, long timestep, double cutoff, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write("LAMMPS data file via Kumiki simulation.md, timestep = " + timestep + "\n\n");
            w.write(a.n + " atoms\n1 atom types\n\n");
            w.write(fmt(a.xlo) + " " + fmt(a.xhi) + " xlo xhi\n");
            w.write(fmt(a.ylo) + " " + fmt(a.yhi) + " ylo yhi\n");
            w.write(fmt(a.zlo) + " " + fmt(a.zhi) + " zlo zhi\n\n");
            w.write("Masses\n\n1 " + fmt(a.mass) + "\n\n");
            w.write("Atoms # atomic\n\n");
            StringBuilder sb = new StringBuilder(128);
            for (int i = 0; i < a.n; i++) {
                sb.setLength(0);
                sb.append(a.tag[i]).append(" 1 ").append(fmt(a.x[3 * i])).append(' ').append(fmt(a.x[3 * i + 1]))
                    .append(' ').append(fmt(a.x[3 * i + 2])).append(' ').append(a.image[3 * i]).append(' ')
                    .append(a.image[3 * i + 1]).append(' ').append(a.image[3 * i + 2]).append('\n');
                w.write(sb.toString());
            }
            w.write("\nVelocities\n\n");
            for (int i = 0; i < a.n; i++) {
                sb.setLength(0);
                sb.append(a.tag[i]).append(' ').append(fmt(a.v[3 * i])).append(' ').append(fmt(a.v[3 * i + 1]))
                    .append(' ').append(fmt(a.v[3 * i + 2])).append('\n');
                w.write(sb.toString());
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Shortest representation that reads back to the same double. */
    private static String fmt(double d) {
        return Double.toString(d).replace("E", "e").toLowerCase(Locale.ROOT);
    }

    private static boolean isSection(String word) {
        switch (word) {
            case "Atoms":
            case "Velocities":
            case "Masses":
            case "Pair":
            case "PairIJ":
                return true;
            default:
                return false;
        }
    }

    private static String sectionName(String s) {
        String w = s.split("\\s+")[0];
        return w;
    }

    private static String strip(String line) {
        int h = line.indexOf('#');
        return (h >= 0 ? line.substring(0, h) : line).trim();
    }

    private static String abbreviate(String s) {
        s = s.strip();
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static IOException error(String name, int line, String message) {
        return new IOException(name + ":" + line + ": " + message);
    }
}
