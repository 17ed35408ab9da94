package org.kumiki.data.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Kernel file systems whose files report a size that is not their content's: {@code /proc}
 * files stat as 0 bytes and read as text, {@code /sys} files stat as 4096. Their files are
 * listed with an unknown size (-1), so the engine reads them to the end. The mount table
 * ({@code /proc/self/mountinfo}) is read at most once every few seconds.
 */
final class PseudoFileSystems {

    static final Set<String> TYPES = Set.of("proc", "sysfs", "debugfs", "tracefs", "securityfs", "configfs", "cgroup", "cgroup2", "pstore",
            "efivarfs", "bpf", "fusectl", "binfmt_misc", "selinuxfs", "rpc_pipefs", "nsfs");
    private static final long REFRESH_NANOS = 5_000_000_000L;
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** A mount point and whether its file system is a pseudo one. */
    record Mount(String point, boolean pseudo) {
    }

    private static volatile List<Mount> mounts;
    private static volatile long readAt;

    private PseudoFileSystems() {
    }

    /**
     * Whether a regular file's stat size cannot be trusted: it lies on a pseudo file system.
     * Only files whose size is a pseudo file system's usual one (0 or 4096) are looked at
     * closely; {@code followed}: resolve links first (the attributes were a link target's).
     */
    static boolean sizeUnknown(Path p, long statSize, boolean followed) {
        if (statSize != 0 && statSize != 4096) return false;
        Path q = p.toAbsolutePath().normalize();
        if (followed) {
            try {
                q = p.toRealPath();
            } catch (IOException | RuntimeException e) {
                // gone meanwhile: the path as given
            }
        }
        return onPseudo(q.toString(), table());
    }

    /** Whether {@code path} (absolute, normalised) lies on a pseudo file system of {@code table} (longest mount points first). */
    static boolean onPseudo(String path, List<Mount> table) {
        for (Mount m : table) {
            String mp = m.point();
            if (path.equals(mp) || mp.equals("/") || path.startsWith(mp + "/")) return m.pseudo();
        }
        return false;
    }

    private static List<Mount> table() {
        long now = System.nanoTime();
        List<Mount> t = mounts;
        if (t == null || now - readAt > REFRESH_NANOS) {
            try {
                t = parse(Files.readAllLines(MOUNTINFO));
            } catch (IOException | RuntimeException e) {
                t = List.of(new Mount("/proc", true), new Mount("/sys", true)); // no mount table: the usual places
            }
            mounts = t;
            readAt = now;
        }
        return t;
    }

    /** Parses mountinfo lines: field 5 is the mount point (octal escapes), the type follows " - ". */
    static List<Mount> parse(List<String> lines) {
        List<Mount> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int sep = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    sep = i;
                    break;
                }
            }
            if (f.length < 5 || sep < 0 || sep + 1 >= f.length) continue;
            out.add(new Mount(unescape(f[4]), TYPES.contains(f[sep + 1])));
        }
        out.sort(Comparator.comparingInt((Mount m) -> m.point().length()).reversed());
        return out;
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
