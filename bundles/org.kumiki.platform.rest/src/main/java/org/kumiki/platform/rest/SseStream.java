package org.kumiki.platform.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonProcessingException;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A Server-Sent Events stream to one client. {@link #send} never blocks the caller (an event
 * listener, a scheduler thread): frames queue (at most {@value #QUEUE} of them) and a shared
 * writer pool sends them; a client too slow to keep up is disconnected after a last
 * {@code event: overflow}. A comment line every {@link #heartbeatMillis} keeps proxies from
 * closing the connection and finds clients that went away. Closing runs the
 * {@link #onClose} callbacks once (unsubscribe listeners there).
 */
public final class SseStream {

    static final int QUEUE = 10_000;
    /** Heartbeat period; tests may lower it. */
    public static volatile long heartbeatMillis = 15_000;

    private static final AtomicInteger THREADS = new AtomicInteger();

    private static final class Pools {
        static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kumiki-sse-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kumiki-sse-heartbeat");
            t.setDaemon(true);
            return t;
        });
    }

    private final AsyncContext async;
    private final OutputStream out;
    private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Runnable> onClose = new ArrayList<>();
    private final ScheduledFuture<?> heartbeat;

    private SseStream(AsyncContext async, OutputStream out) {
        this.async = async;
        this.out = out;
        long hb = heartbeatMillis;
        this.heartbeat = Pools.TIMER.scheduleAtFixedRate(() -> enqueue(": ping\n\n".getBytes(StandardCharsets.UTF_8)), hb, hb, TimeUnit.MILLISECONDS);
    }

    static SseStream start(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!req.isAsyncSupported()) {
            throw new IllegalStateException("the servlet is not registered with async support (osgi.http.whiteboard.servlet.asyncSupported=true)");
        }
        resp.setStatus(200);
        resp.setContentType("text/event-stream");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-cache");
        resp.setHeader("X-Accel-Buffering", "no");
        AsyncContext ac = req.startAsync();
        ac.setTimeout(0);
        OutputStream os = resp.getOutputStream();
        SseStream s = new SseStream(ac, os);
        ac.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                s.close();
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                s.close();
            }

            @Override
            public void onError(AsyncEvent event) {
                s.close();
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
            }
        });
        s.enqueue(("retry: 2000\n\n").getBytes(StandardCharsets.UTF_8));
        return s;
    }

    /**
     * Queues one event; {@code data} is serialised as one line of JSON.
     *
     * @param event the event name (letters, digits, '-', '_', '.'), or null for a plain message
     * @param id the event id a reconnecting client sends back as Last-Event-ID, or null
     * @return false when the stream is closed (stop feeding it)
     */
    public boolean send(String event, String id, Object data) {
        if (closed.get()) {
            return false;
        }
        StringBuilder b = new StringBuilder();
        if (event != null) {
            b.append("event: ").append(clean(event)).append('\n');
        }
        if (id != null) {
            b.append("id: ").append(clean(id)).append('\n');
        }
        String json;
        try {
            json = Json.mapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            json = "{\"error\":\"unserialisable event\"}";
        }
        b.append("data: ").append(json).append("\n\n");
        return enqueue(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String clean(String s) {
        return s.replaceAll("[\\r\\n]", " ");
    }

    private boolean enqueue(byte[] frame) {
        if (closed.get()) {
            return false;
        }
        if (!queue.offer(frame)) {
            queue.clear();
            queue.offer("event: overflow\ndata: {\"error\":\"the client did not keep up; reconnect with Last-Event-ID\"}\n\n".getBytes(StandardCharsets.UTF_8));
            drain(true);
            return false;
        }
        drain(false);
        return true;
    }

    private void drain(boolean thenClose) {
        if (draining.compareAndSet(false, true)) {
            try {
                Pools.WRITERS.execute(() -> write(thenClose));
            } catch (RuntimeException e) {
                draining.set(false);
                close();
            }
        } else if (thenClose) {
            Pools.WRITERS.execute(() -> {
                synchronized (out) {
                    close();
                }
            });
        }
    }

    private void write(boolean thenClose) {
        try {
            synchronized (out) {
                if (closed.get()) {
                    // close() sent what was queued and completed the response: the container may
                    // already have recycled this output stream for the connection's next request
                    return;
                }
                byte[] f;
                while ((f = queue.poll()) != null) {
                    out.write(f);
                }
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            close();
            return;
        } finally {
            draining.set(false);
        }
        if (thenClose) {
            close();
        } else if (!queue.isEmpty() && !closed.get()) {
            drain(false);
        }
    }

    /** Runs {@code r} once when the stream closes (client gone, overflow, {@link #close}). */
    public void onClose(Runnable r) {
        boolean now;
        synchronized (onClose) {
            now = closed.get();
            if (!now) {
                onClose.add(r);
            }
        }
        if (now) {
            r.run();
        }
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Sends what is queued (best effort) and ends the response. */
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        heartbeat.cancel(false);
        synchronized (out) {
            try {
                byte[] f;
                while ((f = queue.poll()) != null) {
                    out.write(f);
                }
                out.flush();
            } catch (IOException | RuntimeException ignored) {
                // the client is gone
            }
            try {
                // under the lock: no writer may touch the stream after the response is complete
                async.complete();
            } catch (RuntimeException ignored) {
                // already completed by the container
            }
        }
        List<Runnable> rs;
        synchronized (onClose) {
            rs = new ArrayList<>(onClose);
            onClose.clear();
        }
        for (Runnable r : rs) {
            try {
                r.run();
            } catch (RuntimeException ignored) {
                // a listener's unsubscribe failing must not stop the others
            }
        }
    }
}
