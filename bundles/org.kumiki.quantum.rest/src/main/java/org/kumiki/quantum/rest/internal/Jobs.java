package org.kumiki.quantum.rest.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.Text;
import org.kumiki.quantum.api.JobStatus;
import org.kumiki.quantum.api.QuantumJob;
import org.kumiki.quantum.api.dto.SampleDTO;
import org.kumiki.quantum.api.dto.SamplerPubResult;

/**
 * The jobs submitted over REST, newest last; at most {@value #MAX}, the oldest ended ones go first.
 * An ended job keeps only its counts (not the backend's job with every shot's bits), so memory
 * stays bounded by the counts.
 */
final class Jobs {

    static final int MAX = 1000;

    /** A job and what the submission said about it. */
    static final class Tracked {
        final String id;
        final String backend;
        final String name;
        final String owner;
        final int shots;
        final int bindings;
        final int numQubits;
        final int numClbits;
        final String qasmVersion;
        final long createdAt;
        /** The running job; null once it has ended and its outcome is kept below. */
        private volatile QuantumJob<List<SamplerPubResult>> job;
        private final CompletionStage<?> ended;
        private volatile JobStatus endStatus;
        private volatile String endError;
        private volatile JobResultDTO result;
        private volatile long endedAt;

        Tracked(QuantumJob<List<SamplerPubResult>> job, String name, String owner, int shots, int bindings, int numQubits, int numClbits,
                String qasmVersion, long createdAt) {
            this.id = job.id();
            this.backend = job.backend();
            this.job = job;
            this.name = name;
            this.owner = owner;
            this.shots = shots;
            this.bindings = bindings;
            this.numQubits = numQubits;
            this.numClbits = numClbits;
            this.qasmVersion = qasmVersion;
            this.createdAt = createdAt;
            this.ended = job.result().handle((r, e) -> {
                end(job, r, e);
                return null;
            });
        }

        private synchronized void end(QuantumJob<List<SamplerPubResult>> j, List<SamplerPubResult> r, Throwable e) {
            if (this.job == null) {
                return;
            }
            JobStatus s = j.status();
            if (s == null || !s.isFinal()) {
                s = e == null ? JobStatus.DONE : JobStatus.ERROR;
            }
            endStatus = s;
            if (s == JobStatus.ERROR) {
                String err = j.error();
                Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                endError = err != null ? err : c == null ? "failed" : QuantumApi.oneLine(c.getMessage());
            }
            if (r != null && s == JobStatus.DONE) {
                result = toResult(r);
            }
            endedAt = System.currentTimeMillis();
            this.job = null;
        }

        JobResultDTO toResult(List<SamplerPubResult> rs) {
            JobResultDTO out = new JobResultDTO();
            out.id = id;
            out.backend = backend;
            out.results = new ArrayList<>();
            Map<String, Object> meta = new LinkedHashMap<>();
            for (SamplerPubResult pr : rs) {
                if (pr.metadata != null) {
                    meta.putAll(pr.metadata);
                }
                for (SampleDTO d : pr.data) {
                    JobResultDTO.Binding b = new JobResultDTO.Binding();
                    b.shots = d.shots;
                    b.counts = d.counts;
                    b.registers = d.registers;
                    out.results.add(b);
                }
            }
            out.metadata = meta;
            return out;
        }

        /** Completes when the job has ended and its outcome is kept. */
        CompletionStage<?> ended() {
            return ended;
        }

        JobStatus status() {
            QuantumJob<?> j = job;
            return j != null ? j.status() : endStatus;
        }

        /** The running job, or null once it has ended. */
        QuantumJob<List<SamplerPubResult>> running() {
            return job;
        }

        /** The counts of a DONE job, waiting for its outcome to be kept when it has just ended. */
        JobResultDTO result() {
            if (job != null) {
                ended.toCompletableFuture().join();
            }
            return result;
        }

        JobDTO dto() {
            JobDTO d = new JobDTO();
            d.id = id;
            d.name = name;
            d.backend = backend;
            QuantumJob<?> j = job;
            d.status = j != null ? j.status() : endStatus;
            d.error = d.status == JobStatus.ERROR ? (j != null ? j.error() : endError) : null;
            d.owner = owner;
            d.shots = shots;
            d.bindings = bindings;
            d.numQubits = numQubits;
            d.numClbits = numClbits;
            d.qasmVersion = qasmVersion;
            d.createdAt = createdAt;
            d.endedAt = d.status != null && d.status.isFinal() ? (endedAt == 0 ? System.currentTimeMillis() : endedAt) : 0;
            return d;
        }
    }

    private final Deque<Tracked> order = new ArrayDeque<>();
    private final Map<String, Tracked> byId = new HashMap<>();

    synchronized void add(Tracked t) {
        order.addLast(t);
        byId.put(t.id, t);
        if (order.size() > MAX) {
            Iterator<Tracked> it = order.iterator();
            while (it.hasNext() && order.size() > MAX) {
                Tracked o = it.next();
                JobStatus s = o.status();
                if (s != null && s.isFinal()) {
                    it.remove();
                    byId.remove(o.id);
                }
            }
        }
    }

    synchronized Tracked get(String id) {
        Tracked t = id.length() > 128 ? null : byId.get(id);
        if (t == null) {
            throw ApiException.notFound("no job " + Text.quote(id) + " (the newest " + MAX + " jobs submitted over REST are kept until restart)");
        }
        return t;
    }

    synchronized List<Tracked> newestFirst() {
        List<Tracked> out = new ArrayList<>(order);
        Collections.reverse(out);
        return out;
    }
}
