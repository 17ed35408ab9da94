package org.kumiki.platform.repotest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/**
 * Writes a repository folder laid out as distributions/repository publishes one: bundles/BSN-VERSION.jar (real bundle
 * jars), index.xml (osgi.identity, osgi.content with SHA-256, osgi.wiring.* capabilities and
 * requirements, kumiki.hardware requirements, a referral to features.xml) and features.xml.
 * Used by org.kumiki.platform.assembly's unit tests, its in-framework tests and its REST tests.
 */
public final class TestRepo {
    private final Path root;
    private final List<String> bundles = new ArrayList<>();
    private final List<String> features = new ArrayList<>();

    public TestRepo(Path root) throws IOException {
        this.root = root;
        Files.createDirectories(root.resolve("bundles"));
    }

    public Path root() {
        return root;
    }

    /** A bundle exporting {@code exports} (packages at the bundle's version), importing {@code imports}, optionally needing hardware. */
    public Path bundle(String bsn, String version, List<String> exports, List<String> imports, String hardwareFilter) throws Exception {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", version);
        if (!exports.isEmpty()) a.putValue("Export-Package", String.join(",", exports.stream().map(p -> p + ";version=\"" + version + "\"").toList()));
        if (!imports.isEmpty()) a.putValue("Import-Package", String.join(",", imports));
        if (hardwareFilter != null) a.putValue("Require-Capability", "kumiki.hardware;filter:=\"" + hardwareFilter + "\"");
        String rel = "bundles/" + bsn + "-" + version + ".jar";
        Path jar = root.resolve(rel);
        try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, m)) {
            for (String p : exports) {
                jos.putNextEntry(new ZipEntry(p.replace('.', '/') + "/marker.txt"));
                jos.write((bsn + " " + version).getBytes(StandardCharsets.UTF_8));
                jos.closeEntry();
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("  <resource>\n");
        sb.append(cap("osgi.identity", attr("osgi.identity", null, bsn) + attr("type", null, "osgi.bundle") + attr("version", "Version", version)));
        sb.append(cap("osgi.content", attr("osgi.content", null, sha256(jar)) + attr("url", null, rel) + attr("size", "Long", String.valueOf(Files.size(jar)))
                + attr("mime", null, "application/vnd.osgi.bundle")));
        sb.append(cap("osgi.wiring.bundle", attr("osgi.wiring.bundle", null, bsn) + attr("bundle-version", "Version", version)));
        sb.append(cap("osgi.wiring.host", attr("osgi.wiring.host", null, bsn) + attr("bundle-version", "Version", version)));
        for (String p : exports) {
            sb.append(cap("osgi.wiring.package", attr("osgi.wiring.package", null, p) + attr("version", "Version", version)
                    + attr("bundle-symbolic-name", null, bsn) + attr("bundle-version", "Version", version)));
        }
        for (String p : imports) {
            String name = p.split(";")[0];
            sb.append(req("osgi.wiring.package", "(osgi.wiring.package=" + name + ")"));
        }
        if (hardwareFilter != null) sb.append(req("kumiki.hardware", hardwareFilter));
        sb.append("  </resource>\n");
        bundles.add(sb.toString());
        return jar;
    }

    /** A feature: members by bsn (version [1,2)), optional hardware filter. */
    public void feature(String name, String version, String description, List<String> members, String hardwareFilter) {
        StringBuilder sb = new StringBuilder();
        sb.append("  <resource>\n");
        sb.append(cap("osgi.identity", attr("osgi.identity", null, name) + attr("version", "Version", version) + attr("type", null, "kumiki.feature")
                + attr("description", null, description)));
        for (String bsn : members) {
            sb.append(req("osgi.identity", "(&(osgi.identity=" + bsn + ")(version>=1.0.0)(!(version>=2.0.0)))"));
        }
        if (hardwareFilter != null) sb.append(req("kumiki.hardware", hardwareFilter));
        sb.append("  </resource>\n");
        features.add(sb.toString());
    }

    /** Writes index.xml (with the referral) and features.xml; returns index.xml. */
    public Path write() throws IOException {
        String head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<repository xmlns=\"http://www.osgi.org/xmlns/repository/v1.0.0\" name=\"%s\" increment=\"%d\">\n";
        Files.writeString(root.resolve("index.xml"), String.format(head, "test", 1) + String.join("", bundles) + "  <referral url=\"features.xml\"/>\n</repository>\n");
        Files.writeString(root.resolve("features.xml"), String.format(head, "test-features", 1) + String.join("", features) + "</repository>\n");
        return root.resolve("index.xml");
    }

    private static String cap(String ns, String body) {
        return "    <capability namespace=\"" + ns + "\">\n" + body + "    </capability>\n";
    }

    private static String req(String ns, String filter) {
        return "    <requirement namespace=\"" + ns + "\">\n      <directive name=\"filter\" value=\"" + filter.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "\"/>\n    </requirement>\n";
    }

    private static String attr(String name, String type, String value) {
        return "      <attribute name=\"" + name + "\"" + (type == null ? "" : " type=\"" + type + "\"") + " value=\"" + value + "\"/>\n";
    }

    public static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }
}
