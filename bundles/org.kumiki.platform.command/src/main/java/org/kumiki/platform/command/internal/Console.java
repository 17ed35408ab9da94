package org.kumiki.platform.command.internal;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Function;
import org.kumiki.platform.text.Text;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interactive {@code g! } prompt, reading and writing UTF-8 whatever the locale. Gogo's own
 * console (gogo.shell 1.1.4) turns each byte of stdin into one char (Latin-1) and its session
 * prints through the default charset (US-ASCII under {@code LANG=C} on Java 17), so the
 * distributions keep it off ({@code gosh.args=}{@value #GOSH_ARGS}) and this component runs the
 * same loop instead: Gogo's profile (prompt, {@code SCOPE=gogo:*}, the welcome text), each result
 * printed as {@code session.format(result, INSPECT)}, an error as one line
 * {@code gogo: ExceptionClass: message}, and at the end of input (Ctrl-D)
 * "gosh: stopping shell and framework" and the framework stopped (see {@link ExitOnStop}).
 *
 * <p>It runs only when {@code gosh.args} is exactly the distribution's {@value #GOSH_ARGS}: an
 * operator's {@code -Dgosh.args=--nointeractive} (headless: no console, runs until SIGTERM), or
 * any other value (then Gogo's own console may run), turns it off; so does {@code kumiki.script}.
 */
@Component(immediate = true)
public class Console {

    /** The {@code gosh.args} the distributions set: Gogo starts no console, this one runs. */
    public static final String GOSH_ARGS = "--nointeractive --noshutdown";
    static final String STOPPING = "gosh: stopping shell and framework";
    static final String PROMPT = "g! ";
    private static final Logger LOG = LoggerFactory.getLogger(Console.class);

    private final Thread thread;
    private final Startup startup;
    private volatile boolean closed;

    @Activate
    public Console(BundleContext context, @Reference CommandProcessor processor) {
        if (!wanted(context.getProperty("gosh.args"), context.getProperty(ScriptRunner.PROPERTY))) {
            thread = null;
            startup = null;
            return;
        }
        startup = new Startup(context);
        thread = new Thread(() -> {
            try {
                // as Gogo's shell at start level 100: the prompt comes up once every command is registered
                startup.await(120_000);
            } catch (InterruptedException e) {
                return;
            }
            // the process's own streams, not System.in/out/err (Gogo routes those to the running session)
            InputStream in = new FileInputStream(FileDescriptor.in);
            PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
            PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
            boolean endOfInput;
            try (CommandSession session = processor.createSession(in, out, err)) {
                profile(context, session);
                endOfInput = run(session, in, out, () -> closed);
            }
            if (endOfInput && !closed) {
                out.println(STOPPING);
                stopFramework(context);
            }
        }, "kumiki-console");
        thread.setDaemon(true);
        thread.start();
    }

    @Deactivate
    void deactivate() {
        closed = true;
        if (startup != null) startup.close();
        if (thread != null) thread.interrupt();
    }

    /** Whether the console runs for these framework properties. */
    static boolean wanted(String goshArgs, String script) {
        return goshArgs != null && GOSH_ARGS.equals(goshArgs.strip()) && (script == null || script.isBlank());
    }

    private static void stopFramework(BundleContext context) {
        try {
            context.getBundle(0).stop();
        } catch (BundleException | IllegalStateException e) {
            // already stopping (stop 0 came first)
        }
    }

    /**
     * Sources Gogo's profile into the session, as {@code gosh --login} does: {@code etc/gosh_profile}
     * under {@code gosh.home} (or the working directory) if there is one, else the one inside
     * gogo.shell. Without gogo.shell: {@code SCOPE=gogo:*} and the default prompt.
     */
    static void profile(BundleContext context, CommandSession session) {
        session.put(".gosh_login", true);
        session.put(".gosh_interactive", true);
        session.put(".gosh_quiet", false);
        URI uri = profileUri(context);
        if (uri == null) {
            session.put("SCOPE", "gogo:*");
            return;
        }
        try {
            String text;
            try (InputStream in = uri.toURL().openStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            session.put("0", uri);
            try {
                session.execute(text);
            } finally {
                session.put("0", null);
            }
        } catch (Exception e) {
            LOG.warn("cannot run the Gogo profile {}: {}", uri, Text.oneLine(String.valueOf(e.getMessage())));
            session.put("SCOPE", "gogo:*");
        }
    }

    private static URI profileUri(BundleContext context) {
        String home = context.getProperty("gosh.home");
        File etc = new File(home == null ? System.getProperty("user.dir") : home, "etc/gosh_profile");
        if (etc.isFile()) return etc.toURI();
        for (Bundle b : context.getBundles()) {
            if (!"org.apache.felix.gogo.shell".equals(b.getSymbolicName())) continue;
            URL url = b.getEntry("ext/gosh_profile");
            if (url == null) url = b.getEntry("gosh_profile");
            try {
                if (url != null) return url.toURI();
            } catch (URISyntaxException e) {
                return null;
            }
        }
        return null;
    }

    /** Whether to stop reading (the component was deactivated). */
    interface Closed {
        boolean get();
    }

    /**
     * The read-eval-print loop, as Gogo's {@code Console.run}: the prompt, a line decoded as
     * UTF-8, its result formatted as Gogo does (unless {@code .Gogo.format} is false), an error as
     * one line. Returns true at the end of input (or Ctrl-D), false when interrupted or closed.
     */
    static boolean run(CommandSession session, InputStream in, PrintStream out, Closed closed) {
        while (!Thread.currentThread().isInterrupted() && !closed.get()) {
            String line;
            try {
                line = readLine(in, out, prompt(session, out));
            } catch (IOException e) {
                LOG.warn("cannot read the console's input: {}", Text.oneLine(String.valueOf(e.getMessage())));
                return true;
            }
            if (line == null) return true;
            if (closed.get()) return false;
            try {
                Object result = session.execute(line);
                session.put("_", result); // $_ is the last result
                if (result != null && !Boolean.FALSE.equals(session.get(".Gogo.format"))) {
                    out.println(session.format(result, Converter.INSPECT));
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                if (e instanceof IllegalStateException && "session is closed".equals(e.getMessage())) {
                    out.println("gosh: " + e);
                    return false;
                }
                session.put("exception", e);
                out.println(errorLine(session.get(".location"), e));
            }
        }
        return false;
    }

    /** Gogo's one line for a failed command, control characters escaped. */
    static String errorLine(Object location, Throwable e) {
        String loc = location == null || !location.toString().contains(":") ? "gogo" : Text.oneLine(location.toString());
        String msg = e.getMessage() == null ? "null" : Text.oneLine(e.getMessage());
        return loc + ": " + e.getClass().getSimpleName() + ": " + msg;
    }

    static String prompt(CommandSession session, PrintStream out) {
        Object prompt = session.get("prompt");
        if (prompt instanceof Function) {
            try {
                prompt = ((Function) prompt).execute(session, null);
            } catch (Exception e) {
                out.println(prompt + ": " + e.getClass().getSimpleName() + ": " + Text.oneLine(String.valueOf(e.getMessage())));
                prompt = null;
            }
        }
        return prompt == null ? PROMPT : prompt.toString();
    }

    /**
     * Reads one non-empty line, as Gogo's console does (an empty line shows the prompt again,
     * '\r' is ignored, backspace removes the last character, EOT (Ctrl-D from telnet) or the end
     * of input ends it) but decodes the bytes as UTF-8 (malformed bytes become U+FFFD). Reads
     * byte by byte: what follows the line stays in the input for the command.
     *
     * @return the line, or null at the end of input
     */
    static String readLine(InputStream in, PrintStream out, String prompt) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        out.print(prompt);
        while (true) {
            out.flush();
            int c = in.read();
            switch (c) {
                case -1:
                case 4:
                    return null;
                case '\r':
                    break;
                case '\n':
                    if (line.size() > 0) return line.toString(StandardCharsets.UTF_8);
                    out.print(prompt);
                    break;
                case '\b':
                    if (line.size() > 0) {
                        out.print("\b \b");
                        dropLastCharacter(line);
                    }
                    break;
                default:
                    line.write(c);
            }
        }
    }

    /** Removes the last UTF-8 encoded character: its continuation bytes and its lead byte. */
    private static void dropLastCharacter(ByteArrayOutputStream line) {
        byte[] b = line.toByteArray();
        int end = b.length - 1;
        while (end > 0 && (b[end] & 0xC0) == 0x80) end--;
        line.reset();
        line.write(b, 0, end);
    }
}
