package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The org.kumiki.platform.command bundle installed for one test (from the deployables), and Gogo runs. */
final class PlatformCommands implements AutoCloseable {

    private final Bundle bundle;
    private final CommandProcessor gogo;

    PlatformCommands(BundleContext context, CommandProcessor gogo, String... functions) throws Exception {
        this.gogo = gogo;
        bundle = context.installBundle(Path.of(context.getProperty("kumiki.test.deployables")).resolve("org.kumiki.platform.command.jar").toUri().toString());
        bundle.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String f : functions) {
            while (context.getAllServiceReferences(null, "(&(osgi.command.scope=kumiki)(osgi.command.function=" + f + "))") == null) {
                if (System.nanoTime() > deadline) fail("kumiki:" + f + " did not register");
                Thread.sleep(50);
            }
        }
    }

    /** What the command printed and returned (formatted as the console would). */
    String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession s = gogo.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object r = s.execute(command);
            return out.toString(StandardCharsets.UTF_8) + (r == null ? "" : s.format(r, Converter.INSPECT).toString());
        }
    }

    @Override
    public void close() throws Exception {
        bundle.uninstall();
    }
}
