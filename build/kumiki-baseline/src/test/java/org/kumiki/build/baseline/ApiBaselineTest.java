package org.kumiki.build.baseline;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The build's check: every Kumiki API bundle on this module's test class path (see the pom)
 * against the previous published repository, {@code -Dkumiki.baseline.repository=FOLDER|URL}.
 * Without one (no release yet) each bundle is a warning.
 */
class ApiBaselineTest {

    static final Pattern API = Pattern.compile("org\\.kumiki\\.[a-z.]+\\.(api|oip)([-/].*)?");

    @Test
    void apiBundlesAreBaselinedAgainstThePreviousRelease() throws Exception {
        List<File> apis = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            File f = new File(e);
            // a jar from the local repository, or target/classes of a module in the same reactor
            String name = f.getName().equals("classes") ? f.getParentFile().getParentFile().getName() : f.getName();
            if (API.matcher(name).matches() && (f.isDirectory() ? new File(f, "META-INF/MANIFEST.MF").isFile() : f.isFile())) {
                apis.add(f);
            }
        }
        assertFalse(apis.isEmpty(), "no API bundles on the class path");
        RepositoryBaseline rb = RepositoryBaseline.open(System.getProperty("kumiki.baseline.repository"),
            Boolean.getBoolean("kumiki.baseline.failOnMissing"));
        List<String> errors = new ArrayList<>();
        for (File f : apis) {
            RepositoryBaseline.Result r = rb.check(f);
            r.warnings().forEach(w -> System.out.println("[WARNING] " + w));
            errors.addAll(r.errors());
        }
        assertTrue(errors.isEmpty(), () -> "API baseline:\n  " + String.join("\n  ", errors));
    }
}
