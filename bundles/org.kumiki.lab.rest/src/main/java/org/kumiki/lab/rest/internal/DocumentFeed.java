package org.kumiki.lab.rest.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.kumiki.lab.api.DocumentListener;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.platform.rest.SseStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the engine's documents out to the event-stream clients: one subscription to the engine
 * while at least one client listens, none otherwise. Each document gets the id
 * {@code <run uid>:<n>}, its position in the run (1 = the start document), so a client that
 * reconnects with {@code Last-Event-ID} continues where it stopped. A client that joins while a
 * run is open first gets that run's earlier documents, then the live ones, in order and without
 * duplicates.
 */
final class DocumentFeed implements DocumentListener {

    private static final Logger LOG = LoggerFactory.getLogger(DocumentFeed.class);

    private final RunEngine engine;
    private final Object lock = new Object();
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private AutoCloseable subscription;
    /** Only the engine's delivery thread touches these two. */
    private String run;
    private long position;

    DocumentFeed(RunEngine engine) {
        this.engine = engine;
    }

    /** One event-stream client. */
    final class Client {
        final SseStream stream;
        /** The run watched, or null for every run. */
        final String only;
        private List<Object[]> pending = new ArrayList<>();
        private String lastRun;
        private long lastPosition;

        Client(SseStream stream, String only) {
            this.stream = stream;
            this.only = only;
        }

        /** Live document; buffered until the replay is done. */
        void live(String runUid, long pos, String name, Map<String, Object> doc) {
            synchronized (this) {
                if (pending != null) {
                    pending.add(new Object[] {runUid, pos, name, doc});
                    return;
                }
                deliver(runUid, pos, name, doc);
            }
        }

        /** Sends the earlier documents of {@code runUid} after position {@code after}, then what came live meanwhile. */
        void replay(String runUid, List<DocumentDTO> docs, long after) {
            synchronized (this) {
                if (runUid != null) {
                    lastRun = runUid;
                    lastPosition = after;
                    for (int i = (int) Math.min(after, docs.size()); i < docs.size(); i++) {
                        DocumentDTO d = docs.get(i);
                        deliver(runUid, i + 1, d.name, d.doc);
                    }
                }
                List<Object[]> p = pending;
                pending = null;
                for (Object[] o : p) {
                    deliver((String) o[0], (Long) o[1], (String) o[2], castDoc(o[3]));
                }
            }
        }

        private void deliver(String runUid, long pos, String name, Map<String, Object> doc) {
            if (stream.isClosed()) {
                return;
            }
            if (only != null && !only.equals(runUid)) {
                return;
            }
            if (runUid != null && runUid.equals(lastRun) && pos > 0 && pos <= lastPosition) {
                return; // replayed already
            }
            lastRun = runUid;
            if (pos > 0) {
                lastPosition = pos;
            }
            stream.send(name, runUid != null && pos > 0 ? runUid + ":" + pos : null, doc);
            if (only != null && LabConstants.STOP.equals(name)) {
                stream.close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castDoc(Object o) {
        return (Map<String, Object>) o;
    }

    /** Registers a client; call {@link Client#replay} next (the live documents wait until then). */
    Client join(SseStream stream, String only) {
        Client c = new Client(stream, only);
        synchronized (lock) {
            clients.add(c);
            if (subscription == null) {
                run = engine.currentRun().orElse(null);
                position = 0;
                subscription = engine.subscribe(this);
            }
        }
        stream.onClose(() -> leave(c));
        return c;
    }

    private void leave(Client c) {
        AutoCloseable s = null;
        synchronized (lock) {
            clients.remove(c);
            if (clients.isEmpty()) {
                s = subscription;
                subscription = null;
            }
        }
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("unsubscribing the document feed: {}", e.toString());
            }
        }
    }

    /** Closes every stream (the servlet is going away). */
    void close() {
        for (Client c : clients) {
            c.stream.close();
        }
    }

    int clients() {
        return clients.size();
    }

    @Override
    public void document(String name, Map<String, Object> doc) {
        if (LabConstants.START.equals(name)) {
            run = String.valueOf(doc.get("uid"));
            position = 1;
        } else if (run == null || position == 0) {
            locate(doc);
        } else {
            position++;
        }
        for (Client c : clients) {
            c.live(run, position, name, doc);
        }
    }

    /** The first document seen in a run that was open before the subscription: find its position. */
    private void locate(Map<String, Object> doc) {
        Object runStart = doc.get("run_start");
        String r = runStart instanceof String s ? s : run;
        if (r == null) {
            Optional<String> cur = engine.currentRun();
            r = cur.orElse(null);
        }
        run = r;
        position = 0;
        if (r == null) {
            return;
        }
        try {
            List<DocumentDTO> docs = engine.documents(r);
            Object key = key(doc);
            for (int i = docs.size() - 1; i >= 0; i--) {
                if (key != null && key.equals(key(docs.get(i).doc))) {
                    position = i + 1;
                    return;
                }
            }
        } catch (RunRejectedException e) {
            LOG.debug("documents of {}: {}", r, e.getMessage());
        }
    }

    private static Object key(Map<String, Object> doc) {
        Object k = doc.get("uid");
        return k != null ? k : doc.get("datum_id");
    }
}
