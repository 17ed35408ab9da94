package org.kumiki.lab.engine.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.kumiki.lab.api.DocumentListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers documents to listeners: one queue and one thread per listener, so each sees every
 * document in order and a slow one delays only the run (a full queue blocks the publisher;
 * nothing is dropped).
 */
final class Subscribers {

    private static final Logger LOG = LoggerFactory.getLogger(Subscribers.class);
    private static final Object[] END = new Object[0];
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final int capacity;

    Subscribers(int capacity) {
        this.capacity = Math.max(16, capacity);
    }

    final class Delivery implements AutoCloseable, Runnable {
        final DocumentListener listener;
        final BlockingQueue<Object[]> queue = new ArrayBlockingQueue<>(capacity);
        final Thread thread;
        volatile boolean closed;

        Delivery(DocumentListener listener) {
            this.listener = listener;
            this.thread = new Thread(this, "kumiki-lab-docs-" + listener.getClass().getSimpleName());
            thread.setDaemon(true);
        }

        @Override
        @SuppressWarnings("unchecked")
        public void run() {
            try {
                while (true) {
                    Object[] item = queue.take();
                    if (item == END) return;
                    try {
                        listener.document((String) item[0], (Map<String, Object>) item[1]);
                    } catch (RuntimeException | LinkageError e) {
                        LOG.warn("document listener {} failed on a {} document: {}", listener, item[0], e.toString());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops after delivering what is queued. */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            deliveries.remove(this);
            try {
                if (!queue.offer(END, 5, TimeUnit.SECONDS)) thread.interrupt();
            } catch (InterruptedException e) {
                thread.interrupt();
                Thread.currentThread().interrupt();
            }
        }
    }

    AutoCloseable add(DocumentListener l) {
        Delivery d = new Delivery(l);
        d.thread.start();
        deliveries.add(d);
        return d;
    }

    void remove(DocumentListener l) {
        for (Delivery d : deliveries) {
            if (d.listener == l) d.close();
        }
    }

    void publish(String name, Map<String, Object> doc) {
        Object[] item = {name, doc};
        for (Delivery d : deliveries) {
            if (d.closed) continue;
            try {
                d.queue.put(item);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void closeAll() {
        for (Delivery d : deliveries) d.close();
    }
}
