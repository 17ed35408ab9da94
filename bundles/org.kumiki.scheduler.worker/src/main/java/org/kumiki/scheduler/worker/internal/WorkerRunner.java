package org.kumiki.scheduler.worker.internal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

import org.kumiki.scheduler.api.spi.TaskFunction;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.ServiceTracker;

/**
 * When the framework property {@code kumiki.worker.function} names a function, waits for that
 * {@code TaskFunction} service, runs it once with the JSON in {@code kumiki.worker.arguments.file}
 * (or none), writes its result to {@code kumiki.worker.result.file} (atomically) and exits the
 * JVM: 0 on success, 1 when the function failed (message on stderr), 2 when the function never
 * appeared or the arguments cannot be read, 3 when the result cannot be written. When
 * {@code kumiki.worker.pilot.connect} is set instead, runs as a pilot worker ({@link PilotWorker}).
 */
@Component(immediate = true)
public class WorkerRunner {

    public static final String FUNCTION = "kumiki.worker.function";
    public static final String ARGUMENTS_FILE = "kumiki.worker.arguments.file";
    public static final String RESULT_FILE = "kumiki.worker.result.file";
    public static final String WAIT_MS = "kumiki.worker.wait.ms";

    private final Thread thread;

    @Activate
    public WorkerRunner(BundleContext context) {
        String pilot = context.getProperty(PilotWorker.CONNECT);
        if (pilot != null && !pilot.isBlank()) {
            thread = new Thread(() -> System.exit(pilot(context)), "kumiki-pilot-worker");
            thread.setDaemon(true);
            thread.start();
            return;
        }
        String name = context.getProperty(FUNCTION);
        if (name == null || name.isBlank()) {
            thread = null;
            return;
        }
        thread = new Thread(() -> System.exit(run(context, name)), "kumiki-worker");
        thread.setDaemon(true);
        thread.start();
    }

    /** Pilot mode ({@code kumiki.worker.pilot.connect} set): serve the container until told to stop. */
    static int pilot(BundleContext context) {
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        PilotWorker w;
        try {
            w = new PilotWorker(context, err);
        } catch (IllegalArgumentException e) {
            err.println("kumiki-worker: " + e.getMessage());
            return 2;
        }
        return w.run();
    }

    static int run(BundleContext context, String name) {
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        String args = null;
        String argsFile = context.getProperty(ARGUMENTS_FILE);
        try {
            if (argsFile != null && !argsFile.isBlank()) args = Files.readString(Path.of(argsFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("kumiki-worker: cannot read arguments " + argsFile + ": " + e.getMessage());
            return 2;
        }
        long wait = 30_000;
        try {
            String w = context.getProperty(WAIT_MS);
            if (w != null) wait = Long.parseLong(w.trim());
        } catch (NumberFormatException e) {
            err.println("kumiki-worker: " + WAIT_MS + " is not a number");
            return 2;
        }
        ServiceTracker<TaskFunction, TaskFunction> tracker;
        try {
            tracker = new ServiceTracker<>(context, context.createFilter(
                    "(&(objectClass=" + TaskFunction.class.getName() + ")(" + TaskFunction.NAME + "=" + escape(name) + "))"), null);
        } catch (InvalidSyntaxException e) {
            err.println("kumiki-worker: invalid function name " + name);
            return 2;
        }
        tracker.open();
        try {
            TaskFunction fn = tracker.waitForService(wait);
            if (fn == null) {
                err.println("kumiki-worker: no function '" + name + "' in this worker after " + wait + " ms; installed: " + installed(context));
                return 2;
            }
            CountDownLatch never = new CountDownLatch(1);
            String taskId = System.getenv().getOrDefault("KUMIKI_TASK_ID", System.getenv().getOrDefault("SLURM_JOB_ID", "worker"));
            String result;
            try {
                result = fn.apply(args, new TaskFunction.Context() {
                    @Override public String taskId() { return taskId; }
                    @Override public boolean isCancelled() { return never.getCount() == 0 || Thread.currentThread().isInterrupted(); }
                });
            } catch (Exception e) {
                err.println("kumiki-worker: " + name + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return 1;
            }
            String resultFile = context.getProperty(RESULT_FILE);
            if (resultFile != null && !resultFile.isBlank()) {
                try {
                    Path target = Path.of(resultFile);
                    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
                    Files.writeString(tmp, result == null ? "null" : result, StandardCharsets.UTF_8);
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    err.println("kumiki-worker: cannot write result " + resultFile + ": " + e.getMessage());
                    return 3;
                }
            } else {
                new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8).println(result);
            }
            return 0;
        } catch (InterruptedException e) {
            return 2;
        } finally {
            tracker.close();
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') b.append('\\');
            b.append(c);
        }
        return b.toString();
    }

    private static String installed(BundleContext context) {
        try {
            ServiceReference<?>[] refs = context.getAllServiceReferences(TaskFunction.class.getName(), null);
            if (refs == null) return "none";
            StringBuilder b = new StringBuilder();
            for (ServiceReference<?> r : refs) b.append(b.length() == 0 ? "" : ", ").append(r.getProperty(TaskFunction.NAME));
            return b.toString();
        } catch (InvalidSyntaxException e) {
            return "?";
        }
    }

    @Deactivate
    void deactivate() {
        if (thread != null) thread.interrupt();
    }

}
