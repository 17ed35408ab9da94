package org.kumiki.platform.rest;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Answers kept per {@code Idempotency-Key} (and caller, method and path): at most {@code max}
 * keys for {@code ttlMillis} each, oldest dropped first. A second call with a key whose first
 * call is still running waits for it (up to a minute).
 */
final class Idempotency {

    static final class Entry {
        final byte[] digest;
        final long created = System.currentTimeMillis();
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile ApiServlet.Stored stored;

        Entry(byte[] digest) {
            this.digest = digest;
        }

        void complete(ApiServlet.Stored s) {
            stored = s;
            done.countDown();
        }

        /** The first call's answer, or null when it failed with a 5xx. */
        ApiServlet.Stored await() throws InterruptedException {
            if (!done.await(60, TimeUnit.SECONDS)) {
                throw new ApiException(409, "a request with this Idempotency-Key is still being processed: retry later");
            }
            return stored;
        }
    }

    /** An entry and whether this call made it (and so must do the work and complete it). */
    record Claim(Entry entry, boolean owner) {
    }

    private final int max;
    private final long ttlMillis;
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    Idempotency(int max, long ttlMillis) {
        this.max = max;
        this.ttlMillis = ttlMillis;
    }

    synchronized Claim claim(String scope, byte[] digest) {
        long now = System.currentTimeMillis();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
            Entry e = it.next();
            if (now - e.created > ttlMillis || entries.size() >= max) {
                it.remove();
            } else {
                break;
            }
        }
        Entry e = entries.get(scope);
        if (e != null) {
            return new Claim(e, false);
        }
        Entry mine = new Entry(digest);
        entries.put(scope, mine);
        return new Claim(mine, true);
    }

    synchronized void forget(String scope, Entry e) {
        if (entries.get(scope) == e) {
            entries.remove(scope);
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
