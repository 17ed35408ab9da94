package org.kumiki.data.internal;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.FileErrorDTO;
import org.kumiki.data.api.dto.TransferTaskDTO;

/** A task: its record plus live counters. */
final class Task {
    final TransferTaskDTO dto;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile boolean cancelled;
    final AtomicLong filesDone = new AtomicLong();
    final AtomicLong filesSkipped = new AtomicLong();
    final AtomicLong filesFailed = new AtomicLong();
    final AtomicLong filesTotal = new AtomicLong();
    final AtomicLong bytesTotal = new AtomicLong();
    final AtomicLong bytesDone = new AtomicLong();
    final AtomicLong bytesTransferred = new AtomicLong();
    final AtomicLong chunksReused = new AtomicLong();
    final AtomicLong chunksResent = new AtomicLong();
    final AtomicLong linksSkipped = new AtomicLong();
    final AtomicLong specialsSkipped = new AtomicLong();
    /** bytesTransferred when this run started, and when: for the rate. */
    volatile long runStartNanos;
    volatile long runStartBytes;
    volatile long runEndNanos;

    Task(TransferTaskDTO dto) {
        this.dto = dto;
        if (dto.errors == null) dto.errors = new ArrayList<>();
        if (dto.notices == null) dto.notices = new ArrayList<>();
        // counters of a task replayed from the journal: kept for finished tasks, recounted by a resumed run
        filesDone.set(dto.filesDone);
        filesSkipped.set(dto.filesSkipped);
        filesFailed.set(dto.filesFailed);
        filesTotal.set(dto.filesTotal);
        bytesTotal.set(dto.bytesTotal);
        bytesDone.set(dto.bytesDone);
        bytesTransferred.set(dto.bytesTransferred);
        chunksReused.set(dto.chunksReused);
        chunksResent.set(dto.chunksResent);
        linksSkipped.set(dto.linksSkipped);
        specialsSkipped.set(dto.specialsSkipped);
    }

    TransferState state() {
        return dto.state;
    }

    synchronized void error(String source, String destination, String message, int attempts) {
        filesFailed.incrementAndGet();
        if (dto.errors.size() >= 1000) return;
        FileErrorDTO e = new FileErrorDTO();
        e.source = source;
        e.destination = destination;
        e.message = message;
        e.attempts = attempts;
        dto.errors.add(e);
        if (dto.message == null) dto.message = message;
    }

    /** An entry left alone without failing the task (a skipped link, a special file). */
    synchronized void notice(String source, String destination, String message) {
        if (dto.notices.size() >= 1000) return;
        FileErrorDTO e = new FileErrorDTO();
        e.source = source;
        e.destination = destination;
        e.message = message;
        dto.notices.add(e);
    }

    synchronized TransferTaskDTO snapshot() {
        TransferTaskDTO d = new TransferTaskDTO();
        d.id = dto.id;
        d.label = dto.label;
        d.clientSubmissionId = dto.clientSubmissionId;
        d.state = dto.state;
        d.request = dto.request;
        d.submittedAt = dto.submittedAt;
        d.startedAt = dto.startedAt;
        d.finishedAt = dto.finishedAt;
        d.filesTotal = filesTotal.get();
        d.filesDone = filesDone.get();
        d.filesSkipped = filesSkipped.get();
        d.filesFailed = filesFailed.get();
        d.bytesTotal = bytesTotal.get();
        d.bytesDone = bytesDone.get();
        d.bytesTransferred = bytesTransferred.get();
        d.chunksReused = chunksReused.get();
        d.chunksResent = chunksResent.get();
        d.resumes = dto.resumes;
        d.errors = new ArrayList<>(dto.errors);
        d.linksSkipped = linksSkipped.get();
        d.specialsSkipped = specialsSkipped.get();
        d.notices = new ArrayList<>(dto.notices);
        d.message = dto.message;
        long start = runStartNanos;
        if (start != 0) {
            long end = runEndNanos != 0 ? runEndNanos : System.nanoTime();
            double secs = Math.max(1e-3, (end - start) / 1e9);
            d.rate = (d.bytesTransferred - runStartBytes) / secs;
        } else {
            d.rate = dto.rate;
        }
        return d;
    }
}
