package org.kumiki.build.baseline;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import org.osgi.resource.Resource;

import aQute.bnd.differ.Baseline;
import aQute.bnd.differ.DiffPluginImpl;
import aQute.bnd.osgi.Jar;
import aQute.bnd.osgi.Processor;
import aQute.bnd.osgi.repository.XMLResourceParser;
import aQute.bnd.osgi.resource.ResourceUtils;
import aQute.bnd.version.Version;

/**
 * Compares bundles with their previous release in a published OSGi repository (an R5
 * {@code index.xml}, as {@code distributions/repository} writes it) with bnd's baseline: a package
 * whose API changed more than its {@code @Version} says, or a bundle whose version is lower than
 * its packages' changes need, is an error naming the package and the version it must have.
 *
 * <p>A bundle absent from the repository, or no repository at all (before the first release),
 * is a warning unless {@code failOnMissing}.
 */
public final class RepositoryBaseline {

    /** The outcome for one bundle: errors fail the build; warnings do not. */
    public record Result(String bsn, String newer, String older, List<String> errors, List<String> warnings) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private final String where;
    private final URI indexUri;
    /** Null when no repository is configured. */
    private final List<Resource> resources;
    private final boolean failOnMissing;

    private RepositoryBaseline(String where, URI indexUri, List<Resource> resources, boolean failOnMissing) {
        this.where = where;
        this.indexUri = indexUri;
        this.resources = resources;
        this.failOnMissing = failOnMissing;
    }

    /**
     * Opens the previous repository: a folder holding {@code index.xml} or {@code index.xml.gz},
     * the index file itself, or a {@code file:}/{@code http(s):} URL of it. Null or blank: none.
     *
     * @throws IOException with one line when the repository cannot be read
     */
    public static RepositoryBaseline open(String location, boolean failOnMissing) throws IOException {
        if (location == null || location.isBlank()) {
            return new RepositoryBaseline("(no previous release configured)", null, null, failOnMissing);
        }
        String loc = location.trim();
        URI uri;
        if (loc.matches("(?i)(https?|file):.*")) {
            uri = URI.create(loc);
        } else {
            Path p = Paths.get(loc).toAbsolutePath().normalize();
            if (Files.isDirectory(p)) {
                Path plain = p.resolve("index.xml");
                p = Files.isRegularFile(plain) || !Files.isRegularFile(p.resolve("index.xml.gz")) ? plain : p.resolve("index.xml.gz");
            }
            if (!Files.isRegularFile(p)) {
                throw new IOException("previous repository " + loc + ": no index.xml at " + p);
            }
            uri = p.toUri();
        }
        try (InputStream raw = uri.toURL().openStream();
                InputStream in = uri.getPath() != null && uri.getPath().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            try (XMLResourceParser parser = new XMLResourceParser(in, loc, uri)) {
                List<Resource> resources = parser.parse();
                if (!parser.isOk()) {
                    throw new IOException("previous repository " + loc + " is not an OSGi repository index: "
                        + String.join("; ", parser.getErrors()).replaceAll("[\\r\\n]+", " "));
                }
                return new RepositoryBaseline(loc, uri, resources, failOnMissing);
            }
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("previous repository ")) {
                throw e;
            }
            throw new IOException("previous repository " + loc + " cannot be read: " + e, e);
        } catch (Exception e) {
            throw new IOException("previous repository " + loc + " is not an OSGi repository index: " + e.getMessage(), e);
        }
    }

    /**
     * The release to compare a bundle with: the highest version of {@code bsn} below
     * {@code current} (qualifiers ignored), else the highest equal one.
     */
    Optional<Resource> previous(String bsn, Version current) {
        if (resources == null) {
            return Optional.empty();
        }
        Version base = current.getWithoutQualifier();
        List<Resource> same = new ArrayList<>();
        for (Resource r : resources) {
            ResourceUtils.IdentityCapability id = ResourceUtils.getIdentityCapability(r);
            if (id != null && bsn.equals(id.osgi_identity()) && id.version() != null
                    && id.version().getWithoutQualifier().compareTo(base) <= 0) {
                same.add(r);
            }
        }
        Comparator<Resource> byVersion = Comparator.comparing(r -> ResourceUtils.getIdentityCapability(r).version());
        Optional<Resource> lower = same.stream()
            .filter(r -> ResourceUtils.getIdentityCapability(r).version().getWithoutQualifier().compareTo(base) < 0)
            .max(byVersion);
        return lower.isPresent() ? lower : same.stream().max(byVersion);
    }

    /** Baselines one bundle jar (or a folder with its META-INF/MANIFEST.MF). */
    public Result check(File bundle) throws Exception {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try (Jar newer = new Jar(bundle)) {
            String bsn = newer.getBsn();
            if (bsn == null) {
                errors.add(bundle + " is not a bundle (no Bundle-SymbolicName)");
                return new Result(String.valueOf(bundle), null, null, errors, warnings);
            }
            Version version = Version.parseVersion(newer.getVersion());
            Optional<Resource> prev = previous(bsn, version);
            if (prev.isEmpty()) {
                String line = "No previous version of " + bsn + " " + version + " in " + where + ": not baselined";
                (failOnMissing ? errors : warnings).add(line);
                return new Result(bsn, version.toString(), null, errors, warnings);
            }
            Version olderVersion = ResourceUtils.getIdentityCapability(prev.get()).version();
            File olderFile = fetch(prev.get(), bsn);
            try (Jar older = new Jar(olderFile); Processor reporter = new Processor()) {
                Baseline baseline = new Baseline(reporter, new DiffPluginImpl());
                Set<Baseline.Info> infos = baseline.baseline(newer, older, null);
                for (Baseline.Info info : infos) {
                    if (info.mismatch) {
                        errors.add(bsn + ": package " + info.packageName + " " + info.olderVersion + " -> " + info.newerVersion
                            + " has " + info.packageDiff.getDelta() + " changes; its version must be " + info.suggestedVersion
                            + " (@Version in its package-info.java)" + oneLine(info.reason));
                    }
                    if (info.warning != null && !info.warning.isBlank()) {
                        warnings.add(bsn + ": package " + info.packageName + ": " + info.warning);
                    }
                }
                Baseline.BundleInfo b = baseline.getBundleInfo();
                if (b.mismatch) {
                    errors.add(bsn + ": bundle version " + b.newerVersion + " must be at least " + b.suggestedVersion
                        + " (its pom <version>)" + oneLine(b.reason));
                }
                errors.addAll(reporter.getErrors());
            } finally {
                if (!olderFile.toURI().equals(contentUri(prev.get()))) {
                    Files.deleteIfExists(olderFile.toPath());
                }
            }
            return new Result(bsn, version.toString(), olderVersion.toString(), errors, warnings);
        }
    }

    /** bnd's reason (one diff line per change) as ": a, b, c", or nothing. */
    static String oneLine(String reason) {
        return reason == null || reason.isBlank() ? "" : ": " + String.join(", ", reason.strip().split("\\s*\\R\\s*"));
    }

    private URI contentUri(Resource r) {
        ResourceUtils.ContentCapability c = ResourceUtils.getContentCapability(r);
        if (c == null || c.url() == null) {
            return null;
        }
        return c.url().isAbsolute() ? c.url() : indexUri.resolve(c.url());
    }

    /** The previous jar as a local file (downloaded to a temporary file unless it is one). */
    private File fetch(Resource r, String bsn) throws IOException {
        URI u = contentUri(r);
        if (u == null) {
            throw new IOException("previous repository " + where + ": " + bsn + " has no osgi.content URL");
        }
        if ("file".equalsIgnoreCase(u.getScheme())) {
            File f = new File(u);
            if (!f.isFile()) {
                throw new IOException("previous repository " + where + ": " + bsn + " jar missing at " + f);
            }
            return f;
        }
        Path tmp = Files.createTempFile("baseline-", ".jar");
        try (InputStream in = u.toURL().openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        return tmp.toFile();
    }

    /**
     * Command line: {@code [--fail-on-missing] --previous LOCATION BUNDLE...}; prints one line per
     * finding and returns 0 when no bundle has an error, 1 otherwise, 2 on bad arguments.
     */
    public static int run(List<String> args, PrintStream out) {
        String previous = null;
        boolean failOnMissing = false;
        List<File> bundles = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--previous") && i + 1 < args.size()) {
                previous = args.get(++i);
            } else if (a.equals("--fail-on-missing")) {
                failOnMissing = true;
            } else if (a.startsWith("-")) {
                out.println("baseline: unknown option " + a + " (usage: [--fail-on-missing] --previous LOCATION BUNDLE...)");
                return 2;
            } else {
                bundles.add(new File(a));
            }
        }
        try {
            RepositoryBaseline rb = open(previous, failOnMissing);
            int failed = 0;
            for (File f : bundles) {
                Result r = rb.check(f);
                r.warnings().forEach(w -> out.println("[WARNING] " + w));
                r.errors().forEach(e -> out.println("[ERROR] " + e));
                if (r.ok() && r.older() != null) {
                    out.println("[INFO] " + r.bsn() + " " + r.newer() + " baselined against " + r.older() + ": OK");
                }
                failed += r.ok() ? 0 : 1;
            }
            return failed == 0 ? 0 : 1;
        } catch (Exception e) {
            out.println("[ERROR] baseline: " + e.getMessage());
            return 1;
        }
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out));
    }
}
