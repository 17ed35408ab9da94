import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Runtime assembly: Kumiki's {@code kumiki:install FEATURE} in the running workstation container against
 * Apache Karaf's {@code feature:install} of the same bundles, in the same run (benchmarks/assemble/run.sh).
 *
 * Both sides start from a running container that already has the feature's members that the workstation
 * runs anyway (Karaf: an untimed {@code kumiki-base} feature of those members, resolved from the same
 * index), then resolve, install and start the rest from the same repository folder: Kumiki from its
 * index.xml (SHA-256 checked), Karaf from the same index as a features-XML resource repository.
 * Timed from sending the install command to the shell's answer to the next line; CPU is the container
 * JVM's own (ProcessHandle totalCpuDuration, all threads), so the figures mean something on a loaded
 * machine too.
 *
 * java AssembleBenchmark.java ROUNDS FEATURE REPO_DIR WORKSTATION_JAR KARAF_HOME WORK_DIR [karaf-only]
 */
public class AssembleBenchmark {

    record Sample(long wallMs, long cpuMs, int bundles) {}

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: AssembleBenchmark ROUNDS FEATURE REPO_DIR WORKSTATION_JAR KARAF_HOME WORK_DIR [karaf-only]");
            System.exit(2);
        }
        int rounds = Integer.parseInt(args[0]);
        String feature = args[1];
        Path source = Path.of(args[2]).toAbsolutePath().normalize();
        Path workstation = Path.of(args[3]).toAbsolutePath().normalize();
        Path karafHome = Path.of(args[4]).toAbsolutePath().normalize();
        Path work = Path.of(args[5]).toAbsolutePath().normalize();
        boolean karafOnly = args.length > 6 && "karaf-only".equals(args[6]);
        Files.createDirectories(work);
        // one snapshot of the repository folder for both sides and every round (a rebuild meanwhile changes nothing)
        Path repo = work.resolve("repository");
        if (Files.exists(repo)) run("rm", "-rf", repo.toString());
        run("cp", "-a", source.toString(), repo.toString());

        List<String> members = featureMembers(repo.resolve("features.xml"), feature);
        Map<String, String> jars = bundleUrls(repo.resolve("index.xml"), repo);
        List<String> inWorkstation = workstationBundles(workstation);
        List<String> base = members.stream().filter(inWorkstation::contains).toList();
        for (String m : members) {
            if (!jars.containsKey(m)) throw new IllegalStateException("feature " + feature + " member " + m + " is not in " + repo.resolve("index.xml"));
        }
        System.out.printf("feature %s: members %s; already in the workstation (Karaf's untimed base): %s%n", feature, members, base);
        Path features = writeKarafFeatures(work, repo, feature, members, base, jars);

        List<Sample> kumiki = new ArrayList<>(), karaf = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            if (!karafOnly) {
                Sample k = kumikiRound(workstation, repo, feature, work.resolve("kumiki-" + i));
                kumiki.add(k);
                System.out.printf("round %d kumiki: %6d ms wall %6d ms cpu  %d bundles installed%n", i, k.wallMs, k.cpuMs, k.bundles);
            }
            Sample c = karafRound(karafHome, features, feature, work.resolve("karaf-" + i));
            karaf.add(c);
            System.out.printf("round %d karaf:  %6d ms wall %6d ms cpu  %d bundles installed%n", i, c.wallMs, c.cpuMs, c.bundles);
        }
        System.out.printf("median of %d: karaf feature:install %s  %d ms wall, %d ms cpu%n", rounds, feature,
                median(karaf, Sample::wallMs), median(karaf, Sample::cpuMs));
        if (!karafOnly) {
            long kw = median(kumiki, Sample::wallMs), kc = median(kumiki, Sample::cpuMs);
            System.out.printf("median of %d: kumiki:install %s         %d ms wall, %d ms cpu%n", rounds, feature, kw, kc);
            System.out.printf("ratio karaf/kumiki: %.2fx wall, %.2fx cpu (above 1: Kumiki is faster)%n",
                    median(karaf, Sample::wallMs) / (double) Math.max(1, kw), median(karaf, Sample::cpuMs) / (double) Math.max(1, kc));
        }
    }

    // --- Kumiki ---------------------------------------------------------------------------

    static Sample kumikiRound(Path jar, Path repo, String feature, Path dir) throws Exception {
        Files.createDirectories(dir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar.toString()).directory(dir.toFile());
        pb.environment().put("PATH", "/usr/bin:/bin");
        try (Shell sh = new Shell(pb.start(), dir.resolve("console.txt"))) {
            sh.await("kumiki:repos", 180);
            sh.send("kumiki:repo-add " + repo);
            String added = sh.mark(180);
            if (!Pattern.compile("(?m)^kumiki\\s+\\d+").matcher(added).find()) throw new IllegalStateException("kumiki:repo-add " + repo + " failed:\n" + added);
            long c0 = sh.cpuMs(), t0 = System.nanoTime();
            sh.send("kumiki:install " + feature);
            String out = sh.mark(300);
            long wall = (System.nanoTime() - t0) / 1_000_000, cpu = sh.cpuMs() - c0;
            if (!out.contains("applied as deployment")) throw new IllegalStateException("kumiki:install " + feature + " failed:\n" + out);
            int n = count(out, "(?m)^\\s+install\\s+\\S+");
            sh.send("stop 0");
            return new Sample(wall, cpu, n);
        }
    }

    /** The bundle symbolic names the workstation jar runs (its embedded jar/BSN-VERSION.jar entries). */
    static List<String> workstationBundles(Path jar) throws IOException {
        List<String> out = new ArrayList<>();
        Pattern p = Pattern.compile("jar/(.+?)-\\d+\\.\\d+.*\\.jar");
        try (ZipFile z = new ZipFile(jar.toFile())) {
            z.stream().forEach(e -> {
                Matcher m = p.matcher(e.getName());
                if (m.matches()) out.add(m.group(1));
            });
        }
        return out;
    }

    // --- Karaf ----------------------------------------------------------------------------

    static Sample karafRound(Path home, Path features, String feature, Path dir) throws Exception {
        if (Files.exists(dir)) run("rm", "-rf", dir.toString());
        run("cp", "-a", home.toString(), dir.toString()); // a fresh instance each round (data/ empty)
        ProcessBuilder pb = new ProcessBuilder(dir.resolve("bin/karaf").toString()).directory(dir.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("TERM", "dumb");
        try (Shell sh = new Shell(pb.start(), dir.resolve("console.txt"))) {
            sh.await("feature:repo-list", 180);
            sh.send("feature:repo-add " + features.toUri());
            // with its default refresh: deferring it (-r) only moves the refresh of Karaf's own stack into the timed install
            sh.send("feature:install kumiki-base");
            String base = sh.mark(300);
            if (base.contains("Error executing command") || base.contains("Command not found")) throw new IllegalStateException("Karaf base feature failed:\n" + base);
            // installing the base refreshes Karaf's feature commands bundle (its imports were rewired): wait until they are back
            sh.await("feature:repo-list", 180);
            Thread.sleep(3000);
            sh.await("feature:repo-list", 180);
            long c0 = sh.cpuMs(), t0 = System.nanoTime();
            sh.send("feature:install -v kumiki-" + feature);
            String out = sh.mark(300);
            long wall = (System.nanoTime() - t0) / 1_000_000, cpu = sh.cpuMs() - c0;
            if (out.contains("Error executing command") || !out.contains("Done.")) {
                throw new IllegalStateException("Karaf feature:install kumiki-" + feature + " failed:\n" + out);
            }
            String installing = out.substring(out.indexOf("Installing bundles:"), Math.max(out.indexOf("Installing bundles:"), out.indexOf("Starting bundles:")));
            int n = count(installing, "(?m)^\\s+file:");
            sh.send("logout");
            return new Sample(wall, cpu, n);
        }
    }

    /**
     * The Karaf side's features XML: the feature's members as bundles (the very jars of the repository),
     * their dependencies from the same index.xml as a resource repository. Karaf 4.4.8 cannot follow the
     * index's relative referral (MalformedURLException: no protocol: features.xml) nor, there, relative
     * content URLs: the copy it reads has the referral dropped and absolute file: URLs; nothing else changes.
     */
    static Path writeKarafFeatures(Path work, Path repo, String feature, List<String> members, List<String> base, Map<String, String> jars)
            throws IOException {
        String index = Files.readString(repo.resolve("index.xml"));
        index = index.replaceAll("(?m)^\\s*<referral [^>]*/>\\s*$\\n?", "");
        index = index.replace("name=\"url\" value=\"bundles/", "name=\"url\" value=\"" + repo.resolve("bundles").toUri());
        Path karafIndex = Files.writeString(work.resolve("index-karaf.xml"), index);
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<features name=\"kumiki-bench\" xmlns=\"http://karaf.apache.org/xmlns/features/v1.6.0\">\n")
                .append("  <resource-repository>").append(karafIndex.toUri()).append("</resource-repository>\n")
                .append("  <feature name=\"kumiki-base\" version=\"1.0.0\">\n");
        for (String b : base) sb.append("    <bundle>").append(jars.get(b)).append("</bundle>\n");
        sb.append("  </feature>\n  <feature name=\"kumiki-").append(feature).append("\" version=\"1.0.0\">\n");
        for (String m : members) sb.append("    <bundle>").append(jars.get(m)).append("</bundle>\n");
        sb.append("  </feature>\n</features>\n");
        return Files.writeString(work.resolve("karaf-features.xml"), sb.toString());
    }

    // --- repository documents --------------------------------------------------------------

    static List<String> featureMembers(Path featuresXml, String feature) throws Exception {
        Pattern bsn = Pattern.compile("\\(osgi\\.identity=([^)]+)\\)");
        for (Element res : elements(parse(featuresXml).getDocumentElement(), "resource")) {
            if (!feature.equals(identity(res))) continue;
            List<String> out = new ArrayList<>();
            for (Element req : elements(res, "requirement")) {
                if (!"osgi.identity".equals(req.getAttribute("namespace"))) continue;
                for (Element d : elements(req, "directive")) {
                    Matcher m = bsn.matcher(d.getAttribute("value"));
                    if ("filter".equals(d.getAttribute("name")) && m.find()) out.add(m.group(1));
                }
            }
            return out; // the first variant of a name
        }
        throw new IllegalArgumentException("no feature '" + feature + "' in " + featuresXml);
    }

    /** BSN to the file: URL of its jar in the repository (the highest version when there are several). */
    static Map<String, String> bundleUrls(Path indexXml, Path repo) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> versions = new LinkedHashMap<>();
        for (Element res : elements(parse(indexXml).getDocumentElement(), "resource")) {
            String id = identity(res), version = "", url = null;
            for (Element cap : elements(res, "capability")) {
                for (Element a : elements(cap, "attribute")) {
                    if ("osgi.identity".equals(cap.getAttribute("namespace")) && "version".equals(a.getAttribute("name"))) version = a.getAttribute("value");
                    if ("osgi.content".equals(cap.getAttribute("namespace")) && "url".equals(a.getAttribute("name"))) url = a.getAttribute("value");
                }
            }
            if (id == null || url == null) continue;
            if (!versions.containsKey(id) || compareVersions(version, versions.get(id)) > 0) {
                versions.put(id, version);
                out.put(id, repo.resolve(url).toUri().toString());
            }
        }
        return out;
    }

    static int compareVersions(String a, String b) {
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i] : "0", q = i < y.length ? y[i] : "0";
            int c = i < 3 && p.matches("\\d+") && q.matches("\\d+") ? Long.compare(Long.parseLong(p), Long.parseLong(q)) : p.compareTo(q);
            if (c != 0) return c;
        }
        return 0;
    }

    static String identity(Element res) {
        for (Element cap : elements(res, "capability")) {
            if (!"osgi.identity".equals(cap.getAttribute("namespace"))) continue;
            for (Element a : elements(cap, "attribute")) {
                if ("osgi.identity".equals(a.getAttribute("name"))) return a.getAttribute("value");
            }
        }
        return null;
    }

    static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    static List<Element> elements(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nl = parent.getChildNodes();
        for (int i = 0; i < nl.getLength(); i++) {
            if (nl.item(i) instanceof Element e && name.equals(e.getLocalName() != null ? e.getLocalName() : e.getTagName())) out.add(e);
        }
        return out;
    }

    // --- helpers ----------------------------------------------------------------------------

    static long median(List<Sample> s, java.util.function.ToLongFunction<Sample> f) {
        long[] v = s.stream().mapToLong(f).sorted().toArray();
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (p.waitFor() != 0) throw new IllegalStateException(Arrays.toString(cmd) + " failed");
    }

    /** A container's console on piped stdin/stdout; a marker line ({@code echo MARK-n}) ends each step. */
    static final class Shell implements AutoCloseable {
        private final Process process;
        private final OutputStream in;
        private final StringBuilder out = new StringBuilder();
        private final Path log;
        private int marks, consumed;

        Shell(Process process, Path log) {
            this.process = process;
            this.in = process.getOutputStream();
            this.log = log;
            Thread t = new Thread(() -> pump(process.getInputStream()));
            t.setDaemon(true);
            t.start();
            Thread e = new Thread(() -> pump(process.getErrorStream()));
            e.setDaemon(true);
            e.start();
        }

        private void pump(InputStream s) {
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = s.read(buf)) > 0;) {
                    synchronized (out) {
                        out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        out.notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }

        void send(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        /** Sends a marker and returns what the console printed since the previous one, once the marker is printed. */
        String mark(int seconds) throws Exception {
            String m = "MARK-" + (++marks) + "-DONE";
            send("echo " + m);
            Pattern done = Pattern.compile("(?m)(?:^|g! )" + m + "\\r?$"); // Gogo prints its prompt before the answer; Karaf echoes the line after its own
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (out) {
                while (true) {
                    Matcher x = done.matcher(out);
                    if (x.find(consumed)) {
                        String seg = out.substring(consumed, x.start());
                        consumed = x.end();
                        return seg.replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "").replace("\r", "");
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive() && !done.matcher(out).find(consumed)) {
                        Files.writeString(log, out);
                        throw new IllegalStateException("no '" + m + "' within " + seconds + " s; console in " + log);
                    }
                    out.wait(Math.max(1, Math.min(200, left / 1_000_000)));
                }
            }
        }

        /** Waits until the shell knows a command (its bundle and commands are up: the same check on both sides). */
        void await(String command, int seconds) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                send(command);
                String seg = mark(seconds);
                if (!seg.contains("Command not found") && !seg.contains("CommandNotFoundException")) return;
                if (System.nanoTime() > deadline) throw new IllegalStateException("'" + command + "' still unknown after " + seconds + " s:\n" + seg);
                Thread.sleep(250);
            }
        }

        /** CPU time of the container's JVM: the process itself, or the java process a launcher script started. */
        long cpuMs() {
            ProcessHandle jvm = process.toHandle().descendants()
                    .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst()
                    .orElse(process.toHandle());
            Optional<Duration> d = jvm.info().totalCpuDuration();
            return d.map(Duration::toMillis).orElse(-1L);
        }

        @Override
        public void close() throws Exception {
            try {
                in.close();
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            synchronized (out) {
                Files.writeString(log, out);
            }
        }
    }
}
