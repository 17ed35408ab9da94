package org.kumiki.platform.ssh.internal;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.service.command.Converter;
import org.apache.felix.service.command.Job;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.ExternalTerminal;
import org.kumiki.platform.api.access.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH channel running Gogo: an interactive shell (JLine line editing when the client asked for
 * a terminal, plain lines otherwise) or one command ({@code ssh host 'sched:list'}). Runs on its
 * own thread; the exit status is 0, or 1 when the (last) command failed.
 */
final class ConsoleCommand implements Command {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCommand.class);
    private static final String PROMPT = "g! ";

    private final CommandProcessorImpl processor;
    private final Function<ChannelSession, CommandGuard> guards;
    private final String command; // null: a shell
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Thread thread;
    private volatile GuardedSession session;
    private volatile Terminal terminal;

    ConsoleCommand(CommandProcessorImpl processor, Function<ChannelSession, CommandGuard> guards, String command) {
        this.processor = processor;
        this.guards = guards;
        this.command = command;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        CommandGuard guard = guards.apply(channel);
        Caller caller = guard.caller();
        Map<String, String> vars = env.getEnv();
        boolean pty = vars.containsKey(Environment.ENV_TERM) || !env.getPtyModes().isEmpty();
        thread = new Thread(() -> run(guard, env, pty), "kumiki-ssh " + caller.name());
        thread.setDaemon(true);
        thread.start();
    }

    private void run(CommandGuard guard, Environment env, boolean pty) {
        int status = 0;
        try {
            if (command != null) {
                status = one(guard);
            } else if (pty) {
                status = interactive(guard, env);
            } else {
                status = lines(guard);
            }
        } catch (Throwable t) {
            LOG.warn("SSH session of {} ended: {}", guard.caller(), t.toString());
            status = 1;
        } finally {
            GuardedSession s = session;
            if (s != null) {
                s.close();
            }
            Terminal t = terminal;
            if (t != null) {
                try {
                    t.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            try {
                out.flush();
                err.flush();
            } catch (IOException e) {
                // the client went away
            }
            exit.onExit(status);
        }
    }

    /** {@code ssh host 'command'}: runs it, prints its result, and says whether it failed. */
    private int one(CommandGuard guard) throws IOException {
        PrintStream pout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream perr = new PrintStream(err, true, StandardCharsets.UTF_8);
        session = newSession(guard, in, pout, perr);
        int status = execute(command, pout, perr) ? 0 : 1;
        pout.flush();
        perr.flush();
        return status;
    }

    /** A shell without a terminal ({@code ssh -T host < script}): one command per line, no prompt. */
    private int lines(CommandGuard guard) throws IOException {
        PrintStream pout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream perr = new PrintStream(err, true, StandardCharsets.UTF_8);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        session = newSession(guard, InputStream.nullInputStream(), pout, perr);
        boolean ok = true;
        for (String line; (line = reader.readLine()) != null;) {
            if (line.isBlank()) {
                continue;
            }
            if (isExit(line)) {
                break;
            }
            ok = execute(line, pout, perr);
        }
        return ok ? 0 : 1;
    }

    /** A terminal: JLine line editing and history; Ctrl-C interrupts the running command. */
    private int interactive(CommandGuard guard, Environment env) throws IOException {
        String type = env.getEnv().getOrDefault(Environment.ENV_TERM, "xterm");
        ExternalTerminal term = new ExternalTerminal("kumiki-ssh", type, in, out, StandardCharsets.UTF_8);
        terminal = term;
        term.setSize(new Size(number(env.getEnv().get(Environment.ENV_COLUMNS), 80),
                number(env.getEnv().get(Environment.ENV_LINES), 24)));
        env.addSignalListener((channel, signal) -> term.setSize(new Size(
                number(env.getEnv().get(Environment.ENV_COLUMNS), 80),
                number(env.getEnv().get(Environment.ENV_LINES), 24))), Signal.WINCH);
        PrintStream pout = new PrintStream(term.output(), true, StandardCharsets.UTF_8);
        session = newSession(guard, term.input(), pout, pout);
        term.handle(Terminal.Signal.INT, s -> interrupt());
        LineReader reader = LineReaderBuilder.builder().terminal(term).appName("kumiki")
                .variable(LineReader.HISTORY_SIZE, 500).build();
        pout.println("Kumiki console: " + guard.caller() + ". 'help' lists the commands, 'exit' leaves.");
        boolean ok = true;
        while (true) {
            String line;
            try {
                line = reader.readLine(PROMPT);
            } catch (UserInterruptException e) {
                continue; // Ctrl-C at the prompt: a fresh line
            } catch (EndOfFileException e) {
                break; // Ctrl-D
            }
            if (line == null || isExit(line)) {
                break;
            }
            if (!line.isBlank()) {
                Thread.interrupted(); // a Ctrl-C that reached the line reader is spent
                ok = execute(line, pout, pout);
                settle();
            }
        }
        pout.flush();
        return ok ? 0 : 1;
    }

    private GuardedSession newSession(CommandGuard guard, InputStream sin, PrintStream sout, PrintStream serr) {
        GuardedSession s = new GuardedSession(processor, sin, sout, serr, guard);
        s.put("SCOPE", "gogo:*"); // as the local console
        s.put(".caller", guard.caller().toString());
        return s;
    }

    /** Runs one line; prints its result, or its error as one line. */
    private boolean execute(String line, PrintStream pout, PrintStream perr) {
        try {
            Object result = session.execute(line);
            if (result != null) {
                pout.println(session.format(result, Converter.INSPECT));
            }
            pout.flush();
            return true;
        } catch (InterruptedException e) {
            perr.println("interrupted");
            return false;
        } catch (EOFException e) {
            perr.println("error: incomplete command: " + oneLine(e.getMessage()));
            return false;
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof java.lang.reflect.InvocationTargetException)) {
                cause = cause.getCause();
            }
            if (cause instanceof InterruptedException) {
                perr.println("interrupted");
            } else {
                String message = cause.getMessage();
                perr.println(cause instanceof SecurityException || message != null && !message.isBlank()
                        ? "error: " + oneLine(message)
                        : "error: " + cause.getClass().getSimpleName());
            }
            perr.flush();
            return false;
        }
    }

    /**
     * Makes sure no job is left in the foreground after a line (an interrupted wait returns before
     * the command's thread has ended): interrupts it and waits a little for it to end.
     */
    private void settle() {
        GuardedSession s = session;
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (Job job; s != null && (job = s.foregroundJob()) != null && System.nanoTime() < deadline;) {
            job.interrupt();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                // Ctrl-C again: keep waiting for the command to end
            }
        }
        Thread.interrupted();
    }

    private void interrupt() {
        GuardedSession s = session;
        Job job = s == null ? null : s.foregroundJob();
        if (job != null) {
            job.interrupt();
        }
    }

    private static boolean isExit(String line) {
        String t = line.trim();
        return t.equals("exit") || t.equals("logout") || t.equals("quit");
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 500; i++) {
            char c = s.charAt(i);
            b.append(c == '\n' || c == '\r' ? ' ' : Character.isISOControl(c) ? '?' : c);
        }
        return b.toString().strip();
    }

    private static int number(String value, int fallback) {
        try {
            int n = Integer.parseInt(value == null ? "" : value.trim());
            return n > 0 && n < 10_000 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    @Override
    public void destroy(ChannelSession channel) {
        Thread t = thread;
        if (t != null) {
            interrupt();
            t.interrupt();
        }
    }
}
