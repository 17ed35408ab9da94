import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.osgi.resource.Resource;

import aQute.bnd.osgi.Domain;
import aQute.bnd.osgi.repository.XMLResourceGenerator;
import aQute.bnd.osgi.resource.CapReqBuilder;
import aQute.bnd.osgi.resource.ResourceBuilder;
import aQute.bnd.version.Version;

/**
 * Writes the Kumiki bundle repository (run from source by distributions/repository/pom.xml, with
 * bnd's library on the class path):
 *
 * <pre>
 * java -cp bndlib... RepositoryBuilder.java STAGING_DIR FEATURES_TXT OUT_DIR
 * </pre>
 *
 * OUT_DIR/bundles/BSN-VERSION.jar for every bundle in STAGING_DIR (a jar without
 * Bundle-SymbolicName is not a bundle and is left out, named on stdout), OUT_DIR/index.xml (an
 * OSGi R5 repository written with bnd's repository library: osgi.identity, osgi.content with the SHA-256,
 * the manifest's capabilities and requirements; it refers to features.xml) and
 * OUT_DIR/features.xml (the features of FEATURES_TXT as R5 resources of type kumiki.feature).
 * Any error ends the build with one line.
 */
public class RepositoryBuilder {

    static final Pattern FEATURE_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    static final Pattern BSN = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_-]+)*");
    static final Pattern HARDWARE = Pattern.compile("(arch|gpu\\.vendor|slurm)=([A-Za-z0-9_]+)");

    record Feature(String name, Version version, String description, Map<String, String> hardware, List<String> bundles, int line) {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            fail("usage: RepositoryBuilder STAGING_DIR FEATURES_TXT OUT_DIR");
        }
        Path staging = Path.of(args[0]);
        Path featuresTxt = Path.of(args[1]);
        Path out = Path.of(args[2]);
        ParsedFeatures parsed = parseFeatures(featuresTxt);

        Path bundles = out.resolve("bundles");
        deleteTree(out);
        Files.createDirectories(bundles);

        // one jar per BSN and version, named by them
        Map<String, Path> byName = new TreeMap<>();
        Set<String> bsns = new LinkedHashSet<>();
        List<Path> staged;
        try (Stream<Path> s = Files.list(staging)) {
            staged = s.filter(p -> p.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
        }
        for (Path jar : staged) {
            Manifest mf;
            try (JarFile jf = new JarFile(jar.toFile())) {
                mf = jf.getManifest();
            }
            String bsn = mf == null ? null : mf.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                System.out.println("repository: left out " + jar.getFileName() + " (no Bundle-SymbolicName: not an OSGi bundle)");
                continue;
            }
            bsn = bsn.split(";")[0].trim();
            String v = mf.getMainAttributes().getValue("Bundle-Version");
            Version version = Version.parseVersion(v == null ? "0.0.0" : v.trim());
            String name = bsn + "-" + version + ".jar";
            if (byName.containsKey(name)) {
                fail("two jars are bundle " + bsn + " " + version + ": " + byName.get(name).getFileName() + " and " + jar.getFileName());
            }
            byName.put(name, jar);
            bsns.add(bsn);
        }
        List<File> files = new ArrayList<>();
        for (Map.Entry<String, Path> e : byName.entrySet()) {
            Path target = bundles.resolve(e.getKey());
            Files.copy(e.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
            files.add(target.toFile());
        }

        // every member of a feature is in the repository (or is built only with a profile)
        for (Feature f : parsed.features) {
            for (String b : f.bundles) {
                if (!bsns.contains(b)) {
                    String profile = parsed.profileBuilt.get(b);
                    if (profile == null) {
                        fail(featuresTxt.getFileName() + ":" + f.line + ": feature " + f.name + " names bundle " + b + ", which is not in the repository");
                    }
                    System.out.println("repository: feature " + f.name + " names " + b + ", built only with -P" + profile + ": not in this repository");
                }
            }
        }

        long increment = System.currentTimeMillis();
        List<Resource> resources = new ArrayList<>();
        for (File f : files) {
            resources.add(index(f, "bundles/" + f.getName()));
        }
        new XMLResourceGenerator().name("kumiki").increment(increment).resources(resources)
                .referral(URI.create("features.xml"), 0).save(out.resolve("index.xml").toFile());

        List<Resource> features = new ArrayList<>();
        for (Feature f : parsed.features) {
            features.add(toResource(f));
        }
        new XMLResourceGenerator().name("kumiki-features").increment(increment).resources(features)
                .save(out.resolve("features.xml").toFile());
        System.out.println("repository: " + files.size() + " bundles, " + parsed.features.size() + " features in " + out);
    }

    /**
     * One resource per jar, as bnd's indexer describes a bundle from its manifest (identity,
     * osgi.wiring.*, osgi.service, osgi.extender, osgi.ee, ...), with osgi.content = the
     * jar's SHA-256 in lower-case hex, its size and its URL relative to index.xml. (bnd's
     * SimpleIndexer would add one extra urn: resource per Java release of a multi-release jar
     * and writes the digest in upper case.)
     */
    static Resource index(File jar, String url) throws Exception {
        ResourceBuilder rb = new ResourceBuilder();
        Manifest mf;
        try (JarFile jf = new JarFile(jar)) {
            mf = jf.getManifest();
        }
        if (!rb.addManifest(Domain.domain(mf))) {
            fail("not a bundle: " + jar);
        }
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(jar.toPath())) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0;) {
                sha.update(buffer, 0, n);
            }
        }
        rb.addContentCapability(URI.create(url), HexFormat.of().formatHex(sha.digest()), jar.length(), "application/vnd.osgi.bundle");
        return rb.build();
    }

    static Resource toResource(Feature f) throws Exception {
        ResourceBuilder rb = new ResourceBuilder();
        rb.addCapability(new CapReqBuilder("osgi.identity")
                .addAttribute("osgi.identity", f.name)
                .addAttribute("version", f.version)
                .addAttribute("type", "kumiki.feature")
                .addAttribute("description", f.description));
        // (bnd's resource keeps requirements grouped by namespace: osgi.identity before kumiki.hardware)
        if (!f.hardware.isEmpty()) {
            rb.addRequirement(new CapReqBuilder("kumiki.hardware").addDirective("filter", hardwareFilter(f.hardware)));
        }
        for (String b : f.bundles) {
            rb.addRequirement(new CapReqBuilder("osgi.identity")
                    .addDirective("filter", "(&(osgi.identity=" + b + ")(version>=1.0.0)(!(version>=2.0.0)))"));
        }
        return rb.build();
    }

    static String hardwareFilter(Map<String, String> hardware) {
        String terms = hardware.entrySet().stream().map(e -> "(" + e.getKey() + "=" + e.getValue() + ")").collect(Collectors.joining());
        return hardware.size() == 1 ? terms : "(&" + terms + ")";
    }

    record ParsedFeatures(List<Feature> features, Map<String, String> profileBuilt) {}

    /** The format is described at the top of features.txt. */
    static ParsedFeatures parseFeatures(Path file) throws IOException {
        List<Feature> features = new ArrayList<>();
        Map<String, String> profileBuilt = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        String name = null;
        Version version = null;
        String description = null;
        Map<String, String> hardware = null;
        List<String> bundles = null;
        int start = 0;
        for (int i = 0; i <= lines.size(); i++) {
            String raw = i < lines.size() ? lines.get(i) : "feature";
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file.getFileName() + ":" + (i + 1) + ": ";
            String[] words = line.split("\\s+");
            String key = words[0];
            if (key.equals("feature") || key.equals("profile-built")) {
                if (name != null) {
                    if (description == null || bundles == null) {
                        fail(file.getFileName() + ":" + start + ": feature " + name + " needs a description and bundles line");
                    }
                    for (Feature f : features) {
                        if (f.name.equals(name) && f.hardware.equals(hardware)) {
                            fail(file.getFileName() + ":" + start + ": feature " + name + " is defined twice for the same hardware");
                        }
                    }
                    features.add(new Feature(name, version, description, hardware, bundles, start));
                    name = null;
                }
                if (i == lines.size()) {
                    break;
                }
                if (key.equals("profile-built")) {
                    if (words.length != 3 || !BSN.matcher(words[1]).matches()) {
                        fail(where + "expected: profile-built BSN PROFILE");
                    }
                    profileBuilt.put(words[1], words[2]);
                    continue;
                }
                if (words.length != 3 || !FEATURE_NAME.matcher(words[1]).matches()) {
                    fail(where + "expected: feature NAME VERSION (NAME in lower case, words joined by -)");
                }
                name = words[1];
                try {
                    version = Version.parseVersion(words[2]);
                } catch (IllegalArgumentException e) {
                    fail(where + "not a version: " + words[2]);
                }
                description = null;
                hardware = new TreeMap<>();
                bundles = null;
                start = i + 1;
                continue;
            }
            if (name == null) {
                fail(where + "'" + key + "' outside a feature");
            }
            switch (key) {
                case "description":
                    description = line.substring(key.length()).strip();
                    break;
                case "hardware":
                    for (int w = 1; w < words.length; w++) {
                        var m = HARDWARE.matcher(words[w]);
                        if (!m.matches()) {
                            fail(where + "hardware needs KEY=VALUE with KEY arch, gpu.vendor or slurm: " + words[w]);
                        }
                        hardware.put(m.group(1), m.group(2));
                    }
                    break;
                case "bundles":
                    bundles = new ArrayList<>();
                    for (int w = 1; w < words.length; w++) {
                        if (!BSN.matcher(words[w]).matches()) {
                            fail(where + "not a bundle symbolic name: " + words[w]);
                        }
                        bundles.add(words[w]);
                    }
                    if (bundles.isEmpty()) {
                        fail(where + "a feature needs at least one bundle");
                    }
                    break;
                default:
                    fail(where + "unknown line '" + key + "' (feature, description, hardware, bundles, profile-built)");
            }
        }
        return new ParsedFeatures(features, profileBuilt);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    static void fail(String message) {
        System.err.println("repository: " + message);
        System.exit(1);
    }
}
