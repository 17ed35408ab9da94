package org.kumiki.build.baseline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kumiki's bundle versions, set once: a bundle's version is the {@code <version>} of its own
 * {@code bundles/<bsn>/pom.xml}. The root pom's {@code dependencyManagement} line of the bundle
 * is a copy that {@code scripts/versions --sync} writes (a literal, no per-bundle property), and
 * no other pom states a Kumiki bundle's version. {@link #check} lists every place that
 * disagrees, one line each; the build runs it ({@code VersionsTest}).
 */
public final class Versions {

    /** A module pom's own coordinates: the artifactId right after the parent, then its version. */
    static final Pattern POM_VERSION = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>\\s*<version>([^<]+)</version>");
    /** A one-line managed dependency, as the root pom writes them. */
    static final Pattern MANAGED = Pattern.compile(
        "(<dependency><groupId>org\\.kumiki</groupId><artifactId>([^<]+)</artifactId><version>)([^<]+)(</version>)");
    static final Pattern PROPERTY = Pattern.compile("<(kumiki\\.[a-z0-9.]+\\.version)>([^<]+)</\\1>");
    /** A version stated on a Kumiki bundle dependency (or dependency-plugin artifactItem) in a module pom. */
    static final Pattern STATED = Pattern.compile(
        "<(?:dependency|artifactItem)>\\s*<groupId>org\\.kumiki</groupId>\\s*<artifactId>(org\\.kumiki\\.[^<]+)</artifactId>\\s*<version>([^<]+)</version>");

    /** The files that carry generated copies: the root pom and the BOM for outside plugins. */
    static final List<String> COPIES = List.of("pom.xml", "build/kumiki-bom/pom.xml");

    private Versions() {
    }

    /** Bundle symbolic name (= artifactId) to the version of its pom. */
    static Map<String, String> bundles(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root.resolve("bundles"))) {
            for (Path d : (Iterable<Path>) dirs.sorted()::iterator) {
                Path pom = d.resolve("pom.xml");
                if (!Files.isRegularFile(pom)) {
                    continue;
                }
                Matcher m = POM_VERSION.matcher(Files.readString(pom, StandardCharsets.UTF_8));
                if (m.find()) {
                    out.put(m.group(1), m.group(2));
                }
            }
        }
        return out;
    }

    /** Every disagreement, one line each; empty when the versions are set once. */
    public static List<String> check(Path root) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, String> bundles = bundles(root);
        for (String copy : COPIES) {
            if (Files.isRegularFile(root.resolve(copy))) {
                checkCopy(copy, Files.readString(root.resolve(copy), StandardCharsets.UTF_8), bundles, problems);
            }
        }
        java.util.Set<String> managed = new java.util.TreeSet<>();
        Matcher mm = MANAGED.matcher(Files.readString(root.resolve("pom.xml"), StandardCharsets.UTF_8));
        while (mm.find()) {
            managed.add(mm.group(2));
        }
        try (Stream<Path> poms = Files.walk(root, 3)) {
            for (Path pom : (Iterable<Path>) poms.filter(x -> x.getFileName().toString().equals("pom.xml"))
                    .filter(x -> !COPIES.contains(root.relativize(x).toString()) && !x.toString().contains("/target/")).sorted()::iterator) {
                Matcher s = STATED.matcher(Files.readString(pom, StandardCharsets.UTF_8));
                while (s.find()) {
                    if (bundles.containsKey(s.group(1))) {
                        problems.add(root.relativize(pom) + ": states " + s.group(1) + " " + s.group(2) + (managed.contains(s.group(1))
                            ? "; drop the <version> (the root pom's dependencyManagement has it)"
                            : "; add it to the root pom's dependencyManagement (scripts/versions --sync fills in the version) and drop the <version>"));
                    }
                }
            }
        }
        return problems;
    }

    private static void checkCopy(String copy, String text, Map<String, String> bundles, List<String> problems) {
        Map<String, String> props = new TreeMap<>();
        Matcher p = PROPERTY.matcher(text);
        while (p.find()) {
            props.put(p.group(1), p.group(2));
        }
        Matcher m = MANAGED.matcher(text);
        while (m.find()) {
            String artifact = m.group(2);
            String managed = m.group(3);
            String own = bundles.get(artifact);
            if (own == null) {
                continue;
            }
            if (managed.startsWith("${")) {
                problems.add(copy + ": dependencyManagement of " + artifact + " uses " + managed
                    + "; run scripts/versions --sync (the version is set in bundles/" + artifact + "/pom.xml only)");
            } else if (!managed.equals(own)) {
                problems.add(copy + ": dependencyManagement has " + artifact + " " + managed + " but bundles/" + artifact
                    + "/pom.xml says " + own + "; run scripts/versions --sync");
            }
        }
        for (String prop : props.keySet()) {
            String artifact = "org." + prop.substring(0, prop.length() - ".version".length());
            if (bundles.containsKey(artifact)) {
                problems.add(copy + ": property " + prop + " repeats the version of " + artifact + "; run scripts/versions --sync");
            }
        }
    }

    /**
     * Writes the copies: each managed Kumiki bundle's version as its pom's literal, and drops the
     * per-bundle {@code kumiki.*.version} properties. Returns how many lines changed.
     */
    public static int sync(Path root) throws IOException {
        Map<String, String> bundles = bundles(root);
        int changed = 0;
        for (String copy : COPIES) {
            if (Files.isRegularFile(root.resolve(copy))) {
                changed += syncCopy(root.resolve(copy), bundles);
            }
        }
        return changed;
    }

    private static int syncCopy(Path rootPomFile, Map<String, String> bundles) throws IOException {
        String rootPom = Files.readString(rootPomFile, StandardCharsets.UTF_8);
        int[] changed = {0};
        StringBuilder sb = new StringBuilder();
        Matcher m = MANAGED.matcher(rootPom);
        while (m.find()) {
            String own = bundles.get(m.group(2));
            String v = own == null ? m.group(3) : own;
            if (!v.equals(m.group(3))) {
                changed[0]++;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + v + m.group(4)));
        }
        m.appendTail(sb);
        StringBuilder out = new StringBuilder();
        for (String line : sb.toString().split("(?<=\n)")) {
            Matcher p = PROPERTY.matcher(line);
            if (p.find() && line.strip().equals(p.group()) && (bundles.containsKey("org." + p.group(1).replaceFirst("\\.version$", ""))
                    || !sb.toString().contains("${" + p.group(1) + "}"))) {
                changed[0]++;
                continue;
            }
            out.append(line);
        }
        if (changed[0] > 0) {
            Files.writeString(rootPomFile, out.toString(), StandardCharsets.UTF_8);
        }
        return changed[0];
    }

    /** {@code [--sync] [ROOT]}: prints the problems (after syncing) and exits 1 when any is left. */
    public static int run(List<String> args, PrintStream out) throws IOException {
        boolean sync = args.contains("--sync");
        Path root = Paths.get(args.stream().filter(a -> !a.startsWith("--")).findFirst().orElse(".")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("bundles"))) {
            out.println("versions: " + root + " is not the Kumiki source tree (no bundles/)");
            return 2;
        }
        if (sync) {
            out.println("versions: " + sync(root) + " line(s) of pom.xml rewritten");
        }
        List<String> problems = check(root);
        problems.forEach(out::println);
        return problems.isEmpty() ? 0 : 1;
    }

    public static void main(String[] args) throws IOException {
        System.exit(run(List.of(args), System.out));
    }
}
