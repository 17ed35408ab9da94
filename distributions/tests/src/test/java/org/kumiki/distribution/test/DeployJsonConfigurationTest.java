package org.kumiki.distribution.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OSGi Configurator JSON from a README in a running workstation's deploy/: the lab.sim README's
 * example takes effect (lab:devices lists its motors), deleting the file brings the defaults
 * back, and a malformed file is refused with one line naming it.
 */
class DeployJsonConfigurationTest {

    static final Path README = DistributionSmokeTest.DISTRIBUTIONS.resolve("../bundles/org.kumiki.lab.sim/README.md").normalize();

    /** The first ```json block of the README. */
    static String jsonExample() throws Exception {
        Matcher m = Pattern.compile("(?s)```json\\n(.*?)```").matcher(Files.readString(README));
        assertTrue(m.find(), README + " has no ```json block");
        return m.group(1);
    }

    @Test
    void readmeJsonInDeployConfiguresTheBenchAndDeletingItRestoresTheDefaults(@TempDir Path home) throws Exception {
        String json = jsonExample();
        Process p = new ProcessBuilder(DistributionSmokeTest.JAVA, "-jar", DistributionSmokeTest.WORKSTATION.toString())
                .directory(home.toFile()).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = DistributionSmokeTest.pump(p.getInputStream(), out);
        try (OutputStream in = p.getOutputStream()) {
            DistributionSmokeTest.awaitText(out, "g! ", 120);
            PluginArchetypeTest.Shell shell = new PluginArchetypeTest.Shell(in, out);
            shell.until("lab:devices", t -> PluginArchetypeTest.hasRow(t, "m3"), 60);

            Path file = home.resolve("deploy/lab-sim.json");
            Files.writeString(file, json);
            shell.until("lab:devices", t -> PluginArchetypeTest.hasRow(t, "x2") && !PluginArchetypeTest.hasRow(t, "m3"), 60);

            Files.writeString(home.resolve("deploy/broken.json"), "{\"org.kumiki.lab.sim\": {\"motors\": [\"y1\"");
            Path log = home.resolve("log/kumiki.log");
            shell.until("lab:devices", t -> logHas(log, "broken.json ignored: "), 60);
            assertTrue(PluginArchetypeTest.hasRow(shell.run("lab:devices"), "x2"), "a malformed file changes nothing");

            Files.delete(file);
            shell.until("lab:devices", t -> PluginArchetypeTest.hasRow(t, "m3") && !PluginArchetypeTest.hasRow(t, "x2"), 60);
            in.write("stop 0\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
        } finally {
            if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        reader.join(2000);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(!text.contains("Exception"), "no stack trace: " + text);
        // the Configurator logs through org.kumiki.platform's LogService, not to standard output
        assertTrue(!text.contains("[DEBUG]") && !text.contains("[INFO]"), "no Configurator output on the console: " + text);
    }

    static boolean logHas(Path log, String text) {
        try {
            return Files.isRegularFile(log) && Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
