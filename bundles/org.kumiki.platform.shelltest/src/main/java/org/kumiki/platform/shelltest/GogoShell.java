package org.kumiki.platform.shelltest;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;

/**
 * A real Felix Gogo command processor and session, outside a framework, for the command
 * bundles' unit tests: lines go through Gogo's parser and argument coercion exactly as an
 * operator's do at the {@code g!} prompt.
 *
 * <pre>
 * try (GogoShell shell = new GogoShell().add("data", commands, "ls", "transfer")) {
 *     String out = shell.run("data:ls file:///tmp");
 * }
 * </pre>
 */
public final class GogoShell implements AutoCloseable {

    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private final CommandProcessorImpl processor;
    private final CommandSession session;

    public GogoShell() {
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        session = processor.createSession(InputStream.nullInputStream(), out, out);
    }

    /** Registers {@code functions} of {@code commands} under {@code scope}, as DS does for osgi.command.* properties. */
    public GogoShell add(String scope, Object commands, String... functions) {
        for (String f : functions) {
            processor.addCommand(scope, commands, f);
        }
        return this;
    }

    public CommandSession session() {
        return session;
    }

    /** Runs one line; returns what the command returned, as text. */
    public String run(String line) throws Exception {
        return String.valueOf(session.execute(line));
    }

    /**
     * Runs a line that must fail and returns the exception; fails (AssertionError) when the
     * line succeeds or when the message is not a single harmless line (no control characters,
     * no bidi controls), as operators' errors must be.
     */
    public Exception failure(String line) {
        Object result;
        try {
            result = session.execute(line);
        } catch (Exception e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("\n")) {
                throw new AssertionError("'" + line + "' failed with a message of several lines: " + e.getMessage(), e);
            }
            // no control character (ESC, CSI, BEL ...) or bidi control may reach the operator's terminal
            if (m.codePoints().anyMatch(c -> Character.isISOControl(c) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))) {
                throw new AssertionError("'" + line + "' failed with control characters in its message: " + m.replaceAll("\\p{Cntrl}", "?"), e);
            }
            return e;
        }
        throw new AssertionError("'" + line + "' should have failed, returned: " + result);
    }

    @Override
    public void close() {
        session.close();
        threadIO.stop();
    }
}
