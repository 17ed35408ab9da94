package org.kumiki.platform.command.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.kumiki.platform.text.Text;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Runs a Gogo script non-interactively when the framework property {@code kumiki.script}
 * names a file, prints each command's result, and exits the JVM with 0 when every line
 * succeeded or 1 at the first failing line (whose error goes to stderr).
 *
 * <p>The script runs once the distribution has started (see {@link Startup#await}), so every
 * command of the distribution is registered. The servers (Felix Jetty, the consoles, the REST
 * servlets, the SSH console) are not started in script mode: they start, and the script waits for
 * them, only before the first line that {@link #usesServers needs them}.
 */
@Component(immediate = true)
public class ScriptRunner {

    public static final String PROPERTY = "kumiki.script";
    /** The command scopes searched for an unscoped name, in order. */
    static final String SCOPE = "gogo:felix:*";

    private final Thread thread;
    private final Startup startup;

    @Activate
    public ScriptRunner(BundleContext context, @Reference CommandProcessor processor) {
        String script = context.getProperty(PROPERTY);
        if (script == null || script.isBlank()) {
            thread = null;
            startup = null;
            return;
        }
        startup = new Startup(context);
        thread = new Thread(() -> {
            int status;
            try {
                startup.await(120_000);
                // The process's own stdout/stderr, not System.out/err: Gogo replaces those with
                // per-thread streams that route to the running session, and a session built on
                // them would write into itself.
                PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
                PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
                status = run(processor, Path.of(script), out, err, () -> {
                    // org.kumiki.platform leaves the servers un-started in script mode: start them
                    // for this line, then wait until they are up
                    startup.startServers();
                    startup.await(120_000, true);
                });
            } catch (InterruptedException e) {
                return;
            }
            exit(status);
        }, "kumiki-script");
        thread.setDaemon(true);
        thread.start();
    }

    @Deactivate
    void deactivate() {
        if (startup != null) startup.close();
        if (thread != null) thread.interrupt();
    }

    private static void exit(int status) {
        // the launcher's shutdown hook stops the framework cleanly
        System.exit(status);
    }

    /** Waits for the container's servers (see {@link Startup#await(long, boolean)}). */
    interface ServerWait {
        void await() throws InterruptedException;
    }

    /** The commands whose output shows the servers' bundles or the HTTP service. */
    private static final java.util.Set<String> SHOWS_SERVERS = java.util.Set.of(
            "status", "kumiki:status", "lb", "felix:lb", "frameworklevel", "felix:frameworklevel");

    /**
     * Whether a script line needs the servers (start level {@code kumiki.startlevel.servers}),
     * which in script mode start only before the first such line: it runs a command that shows them (kumiki:status, lb,
     * frameworklevel) or mentions HTTP anywhere (a URL of this container, say).
     */
    static boolean usesServers(String line) {
        String first = line.strip().split("\\s+", 2)[0];
        return SHOWS_SERVERS.contains(first) || line.toLowerCase(java.util.Locale.ROOT).contains("http");
    }

    /** Runs a script, one command per line; '#' starts a comment line. Returns the exit status. */
    static int run(CommandProcessor processor, Path script, PrintStream out, PrintStream err) throws InterruptedException {
        return run(processor, script, out, err, () -> { });
    }

    /**
     * As {@link #run(CommandProcessor, Path, PrintStream, PrintStream)}; {@code servers} is called
     * once, before the first line that {@link #usesServers uses the servers}.
     */
    static int run(CommandProcessor processor, Path script, PrintStream out, PrintStream err, ServerWait servers) throws InterruptedException {
        List<String> lines;
        try {
            lines = Files.readAllLines(script, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            err.println("kumiki-script: cannot read " + script + ": " + e.getMessage());
            return 2;
        }
        List<String> commands = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            commands.add(l);
            numbers.add(i + 1);
        }
        try (CommandSession session = processor.createSession(InputStream.nullInputStream(), out, err)) {
            // as the interactive shell's profile does for gogo: an unscoped name (stop, ls, set) is the
            // framework's before any domain's, whatever order the commands were registered in
            session.put("SCOPE", SCOPE);
            boolean serversUp = false;
            for (int i = 0; i < commands.size(); i++) {
                if (!serversUp && usesServers(commands.get(i))) {
                    servers.await();
                    serversUp = true;
                }
                try {
                    Object result = session.execute(commands.get(i));
                    if (result != null) {
                        CharSequence text = session.format(result, Converter.INSPECT);
                        out.print(text);
                        if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') out.println();
                    }
                } catch (Exception e) {
                    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                    err.println("kumiki-script: " + Text.oneLine(String.valueOf(script.getFileName())) + ":" + numbers.get(i) + ": " + Text.oneLine(commands.get(i))
                            + ": " + Text.oneLine(msg));
                    out.flush();
                    return 1;
                }
            }
        }
        out.flush();
        return 0;
    }

}
