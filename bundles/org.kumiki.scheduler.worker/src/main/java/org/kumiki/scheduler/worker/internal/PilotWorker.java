package org.kumiki.scheduler.worker.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.kumiki.scheduler.api.spi.TaskFunction;
import org.kumiki.scheduler.pilot.protocol.Frames;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pilot mode: a long-lived worker that connects to the container (scheduler.pilot), proves it
 * knows the pilot's secret (HMAC-SHA256 of the container's nonce; the secret comes from a
 * private file, never the command line), then runs the function and command tasks it is sent,
 * {@code slots} at a time, and reports each end. Results stay here until the container
 * acknowledges them: when the connection breaks (the container restarts) the worker keeps
 * running its tasks, reconnects with a growing delay and reports what finished meanwhile.
 */
final class PilotWorker {
    static final String CONNECT = "kumiki.worker.pilot.connect";
    static final String ID = "kumiki.worker.pilot.id";
    static final String NAME = "kumiki.worker.pilot.name";
    static final String SECRET_FILE = "kumiki.worker.pilot.secret.file";
    static final String SLOTS = "kumiki.worker.pilot.slots";
    static final String HEARTBEAT_MS = "kumiki.worker.pilot.heartbeat.ms";
    static final String GIVE_UP_MS = "kumiki.worker.pilot.giveup.ms";

    private final BundleContext context;
    private final PrintStream err;
    private final String host;
    private final int port;
    private final String pilot;
    private final String name;
    private final byte[] secret;
    private final int slots;
    private final long heartbeatMs;
    private final long giveUpMs;
    private final ExecutorService pool;
    private final Map<String, TaskFunction> functions = new ConcurrentHashMap<>();
    private final ServiceTracker<TaskFunction, TaskFunction> tracker;
    /** Running tasks by key (taskId#attempt). */
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    /** Ended tasks whose report the container has not acknowledged, by key. */
    private final Map<String, ObjectNode> unacked = new ConcurrentHashMap<>();
    /**
     * The last acknowledged ends, reported again after every reconnect: a container killed right
     * after its acknowledgement may not have recorded the end yet, and must not run the task again.
     */
    private final Map<String, ObjectNode> recent = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ObjectNode> eldest) {
            return size() > 10_000;
        }
    });
    private volatile DataOutputStream out;
    private volatile boolean stopping;

    private static final class Running {
        volatile boolean cancelled;
        volatile Process process;
        volatile Thread thread;
    }

    /** Reads and checks the properties; throws IllegalArgumentException with one line. */
    PilotWorker(BundleContext context, PrintStream err) {
        this.context = context;
        this.err = err;
        String c = prop(CONNECT, null);
        int colon = c.lastIndexOf(':');
        if (colon <= 0) throw new IllegalArgumentException(CONNECT + " must be HOST:PORT, not '" + c + "'");
        host = c.substring(0, colon);
        port = (int) number(CONNECT + " port", c.substring(colon + 1), 1, 65535);
        pilot = prop(ID, null);
        name = prop(NAME, "worker");
        String file = prop(SECRET_FILE, null);
        try {
            secret = Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the pilot secret " + file + ": " + e.getMessage());
        }
        if (secret.length < 16) throw new IllegalArgumentException("the pilot secret in " + file + " is shorter than 16 bytes");
        slots = (int) number(SLOTS, prop(SLOTS, "8"), 1, 1024);
        heartbeatMs = number(HEARTBEAT_MS, prop(HEARTBEAT_MS, "2000"), 50, 600_000);
        giveUpMs = number(GIVE_UP_MS, prop(GIVE_UP_MS, "600000"), 1000, Long.MAX_VALUE);
        pool = Executors.newFixedThreadPool(slots, r -> {
            Thread t = new Thread(r, "kumiki-pilot-task");
            t.setDaemon(true);
            return t;
        });
        tracker = new ServiceTracker<>(context, TaskFunction.class, null) {
            @Override
            public TaskFunction addingService(ServiceReference<TaskFunction> ref) {
                TaskFunction f = super.addingService(ref);
                Object n = ref.getProperty(TaskFunction.NAME);
                if (f != null && n != null) functions.put(n.toString(), f);
                return f;
            }

            @Override
            public void removedService(ServiceReference<TaskFunction> ref, TaskFunction f) {
                Object n = ref.getProperty(TaskFunction.NAME);
                if (n != null) functions.remove(n.toString(), f);
                super.removedService(ref, f);
            }
        };
    }

    private String prop(String key, String dflt) {
        String v = context.getProperty(key);
        if (v == null || v.isBlank()) {
            if (dflt == null) throw new IllegalArgumentException(key + " is not set");
            return dflt;
        }
        return v.trim();
    }

    private static long number(String what, String v, long min, long max) {
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", not " + n);
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number: '" + v + "'");
        }
    }

    /** Runs until the container says stop, rejects the secret, or cannot be reached for giveUpMs. Returns the exit status. */
    int run() {
        tracker.open();
        long delay = 100;
        long lostSince = System.currentTimeMillis();
        try {
            while (!stopping) {
                try (Socket s = new Socket()) {
                    s.setTcpNoDelay(true);
                    s.connect(new InetSocketAddress(host, port), (int) Math.min(10_000, heartbeatMs * 5));
                    s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, heartbeatMs * 4));
                    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
                    DataOutputStream o = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
                    ObjectNode challenge = Frames.read(in);
                    ObjectNode hello = Frames.MAPPER.createObjectNode();
                    hello.put("t", "hello").put("pilot", pilot).put("worker", name).put("slots", slots)
                            .put("mac", Frames.hmac(secret, challenge.path("nonce").asText()));
                    ArrayNode run = hello.putArray("running");
                    running.keySet().forEach(run::add);
                    ArrayNode done = hello.putArray("done");
                    synchronized (recent) {
                        recent.values().forEach(done::add);
                    }
                    unacked.values().forEach(done::add);
                    Frames.write(o, hello);
                    ObjectNode answer = Frames.read(in);
                    if (!"welcome".equals(answer.path("t").asText())) {
                        err.println("kumiki-worker: the container refused this pilot worker: " + answer.path("reason").asText("no reason"));
                        return 2;
                    }
                    out = o;
                    delay = 100;
                    serve(in, o);
                } catch (SocketTimeoutException e) {
                    // no frame for 4 heartbeats: the container is gone; reconnect
                } catch (IOException e) {
                    // connection refused or broken: reconnect
                } finally {
                    out = null;
                }
                if (stopping) break;
                long now = System.currentTimeMillis();
                if (delay == 100) lostSince = now;
                if (now - lostSince > giveUpMs) {
                    err.println("kumiki-worker: container " + host + ":" + port + " unreachable for " + giveUpMs + " ms; exiting");
                    return 1;
                }
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    return 1;
                }
                delay = Math.min(5_000, delay * 2);
            }
            return 0;
        } finally {
            stopping = true;
            running.values().forEach(this::kill);
            pool.shutdownNow();
            tracker.close();
        }
    }

    private void serve(DataInputStream in, DataOutputStream o) throws IOException {
        Thread pinger = new Thread(() -> {
            ObjectNode ping = Frames.MAPPER.createObjectNode().put("t", "ping");
            try {
                while (out == o) {
                    Thread.sleep(heartbeatMs);
                    Frames.write(o, ping);
                }
            } catch (InterruptedException | IOException e) {
                // the reader notices the broken connection
            }
        }, "kumiki-pilot-heartbeat");
        pinger.setDaemon(true);
        pinger.start();
        try {
            while (true) {
                ObjectNode m = Frames.read(in);
                switch (m.path("t").asText()) {
                    case "task" -> start(m);
                    case "ack" -> {
                        ObjectNode r = unacked.remove(m.path("key").asText());
                        if (r != null) recent.put(m.path("key").asText(), r);
                    }
                    case "cancel" -> {
                        Running r = running.get(m.path("key").asText());
                        if (r != null) kill(r);
                    }
                    case "stop" -> {
                        stopping = true;
                        return;
                    }
                    default -> { } // pong and anything newer
                }
            }
        } finally {
            out = null;
            pinger.interrupt();
        }
    }

    private void start(ObjectNode m) {
        String key = m.path("key").asText();
        if (running.containsKey(key) || unacked.containsKey(key)) return; // sent twice: run once
        Running r = new Running();
        running.put(key, r);
        pool.execute(() -> {
            r.thread = Thread.currentThread();
            ObjectNode result = Frames.MAPPER.createObjectNode().put("t", "result").put("key", key).put("task", m.path("task").asText());
            try {
                if (m.hasNonNull("function")) function(m, r, result);
                else command(m, r, result);
            } catch (Exception e) {
                result.put("kind", "failed").put("reason", m.path("function").asText("command") + " failed: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage());
            } finally {
                r.thread = null;
            }
            if (r.cancelled) result.put("kind", "cancelled").put("reason", "cancelled on the pilot");
            unacked.put(key, result);
            running.remove(key);
            DataOutputStream o = out;
            if (o != null) {
                try {
                    Frames.write(o, result);
                } catch (IOException e) {
                    // reported again after the reconnect
                }
            }
        });
    }

    private void function(ObjectNode m, Running r, ObjectNode result) throws Exception {
        String fn = m.path("function").asText();
        TaskFunction f = functions.get(fn);
        for (long until = System.currentTimeMillis() + 30_000; f == null && System.currentTimeMillis() < until;) {
            Thread.sleep(50); // the function's bundle may still be starting
            f = functions.get(fn);
        }
        if (f == null) {
            result.put("kind", "failed").put("reason", "no function '" + fn + "' on pilot worker " + name + "; installed: " + String.join(", ", functions.keySet()));
            return;
        }
        String taskId = m.path("task").asText();
        JsonNode args = m.get("arguments");
        String value = f.apply(args == null || args.isNull() ? null : args.asText(), new TaskFunction.Context() {
            @Override public String taskId() { return taskId; }
            @Override public boolean isCancelled() { return r.cancelled || stopping; }
        });
        result.put("kind", "completed");
        if (value != null) result.put("result", value);
    }

    private void command(ObjectNode m, Running r, ObjectNode result) throws Exception {
        List<String> cmd = new ArrayList<>();
        m.path("command").forEach(n -> cmd.add(n.asText()));
        if (cmd.isEmpty()) {
            result.put("kind", "failed").put("reason", "a task with neither command nor function");
            return;
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        m.path("env").fields().forEachRemaining(e -> pb.environment().put(e.getKey(), e.getValue().asText()));
        pb.environment().put("KUMIKI_TASK_ID", m.path("task").asText());
        if (m.hasNonNull("cwd")) pb.directory(new File(m.get("cwd").asText()));
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(m.path("stdout").asText())));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(new File(m.path("stderr").asText())));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        r.process = p;
        if (r.cancelled) kill(r);
        int code = p.waitFor();
        result.put("kind", "exited").put("exit", code);
    }

    private void kill(Running r) {
        r.cancelled = true;
        Process p = r.process;
        if (p != null) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
