package org.kumiki.data.command.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EndpointDTO;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.FileErrorDTO;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code data} Gogo scope. */
@Component(service = Object.class)
@GogoCommand(scope = "data", function = {"endpoints", "ls", "transfer", "tasks", "show", "cancel"})
public class DataCommands {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final TransferService service;
    /** Where progress lines go (the session's output in Gogo). */
    private final PrintStream progressOut;
    private final long progressEveryMs;

    @Activate
    public DataCommands(@Reference TransferService service) {
        this(service, null, 1000);
    }

    DataCommands(TransferService service, PrintStream progressOut, long progressEveryMs) {
        this.service = service;
        this.progressOut = progressOut;
        this.progressEveryMs = progressEveryMs;
    }

    @Descriptor("List the registered endpoints (URI schemes)")
    public String endpoints() {
        List<EndpointDTO> eps = service.endpoints();
        if (eps.isEmpty()) return "No endpoints.\n";
        TextTable t = new TextTable("SCHEMES", "WRITABLE", "DESCRIPTION", "BUNDLE");
        for (EndpointDTO e : eps) t.row(String.join(",", e.schemes), e.writable ? "yes" : "no (source only)", Text.oneLine(e.description), e.bundle);
        return t.toString();
    }

    @Descriptor("List a folder (or show one file) at any endpoint")
    public String ls(@Descriptor("URI, e.g. file:///data, sftp://user@host/path, or an absolute path") String uri) throws IOException {
        URI u;
        try {
            u = new URI(TransferArgs.uriText(uri));
        } catch (Exception e) {
            throw new IllegalArgumentException("not a URI: " + Text.oneLine(String.valueOf(uri)));
        }
        List<EntryDTO> entries = service.list(u);
        if (entries.isEmpty()) return "Empty.\n";
        TextTable t = new TextTable("TYPE", "SIZE", "MODIFIED (UTC)", "NAME");
        for (EntryDTO e : entries) {
            t.row(e.kind != null ? e.kind : e.type, e.isFile() ? Text.bytes(e.size, "?") : "-", e.modified > 0 ? TIME.format(Instant.ofEpochMilli(e.modified)) : "-",
                    Text.oneLine(e.name) + (e.isDirectory() ? "/" : ""));
        }
        return t.toString();
    }

    @Descriptor("Transfer files or folders; waits with live progress unless --no-wait")
    public String transfer(@Descriptor(TransferArgs.USAGE) String... args) throws Exception {
        if (TransferArgs.isHelp(args)) return "data:transfer " + TransferArgs.USAGE.replace("\n         ", "\n  ") + "\n";
        TransferArgs a = TransferArgs.parse(args);
        TransferRequest r = a.request;
        long before = System.currentTimeMillis();
        TransferTaskDTO t = service.submit(r);
        // the same client id and request as before: the task submitted then, not a new one
        String submitted = t.submittedAt < before ? "Already submitted as " + t.id + " (--id " + t.clientSubmissionId + ")" : "Submitted " + t.id;
        if (a.noWait) return submitted + " (" + t.state + ")\n";
        PrintStream out = progressOut != null ? progressOut : System.out;
        out.println(submitted + "; waiting (data:cancel " + t.id + " stops it)");
        CompletableFuture<TransferTaskDTO> done = service.await(t.id).toCompletableFuture();
        while (true) {
            try {
                t = done.get(progressEveryMs, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                service.task(t.id).ifPresent(x -> out.println(progress(x)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "Stopped waiting; " + t.id + " goes on (data:show " + t.id + ")\n";
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause().getMessage());
            }
        }
        return summary(t);
    }

    static String progress(TransferTaskDTO t) {
        double pct = t.bytesTotal > 0 ? 100.0 * t.bytesDone / t.bytesTotal : 0;
        String eta = "-";
        if (t.rate > 1 && t.bytesTotal > t.bytesDone) eta = duration((long) ((t.bytesTotal - t.bytesDone) / t.rate));
        return String.format(Locale.ROOT, "  %s  %s / %s (%.0f%%)  %s/s  ETA %s  files %d/%d", t.state, Text.bytes(t.bytesDone, "?"),
                Text.bytes(t.bytesTotal, "?"), pct, Text.bytes((long) t.rate, "?"), eta, t.filesDone + t.filesSkipped, t.filesTotal);
    }

    static String duration(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String summary(TransferTaskDTO t) {
        StringBuilder sb = new StringBuilder();
        sb.append(t.id).append(' ').append(t.state).append(": ").append(t.filesDone).append(" copied, ").append(t.filesSkipped)
                .append(" skipped, ").append(t.filesFailed).append(" failed of ").append(t.filesTotal).append(" files; ")
                .append(Text.bytes(t.bytesDone, "?")).append(" done, ").append(Text.bytes(t.bytesTransferred, "?")).append(" sent at ")
                .append(Text.bytes((long) t.rate, "?")).append("/s\n");
        appendSkipped(sb, t, 10);
        appendErrors(sb, t, 10);
        return sb.toString();
    }

    /** Symbolic links and special files left alone (reported, not failures). */
    private static void appendSkipped(StringBuilder sb, TransferTaskDTO t, int max) {
        if (t.linksSkipped > 0) sb.append("  ").append(t.linksSkipped).append(" symbolic link(s) skipped (--links copy or follow copies them)\n");
        if (t.specialsSkipped > 0) sb.append("  ").append(t.specialsSkipped).append(" device(s), FIFO(s) or socket(s) not copied\n");
        if (t.notices == null) return;
        int n = 0;
        for (FileErrorDTO e : t.notices) {
            if (n++ >= max) {
                sb.append("  ... ").append(t.notices.size() - max).append(" more (data:show ").append(t.id).append(")\n");
                break;
            }
            String where = e.source != null ? e.source : e.destination;
            sb.append("  note: ").append(where == null ? "" : Text.oneLine(where) + ": ").append(Text.oneLine(String.valueOf(e.message))).append('\n');
        }
    }

    private static void appendErrors(StringBuilder sb, TransferTaskDTO t, int max) {
        if (t.errors == null) return;
        int n = 0;
        for (FileErrorDTO e : t.errors) {
            if (n++ >= max) {
                sb.append("  ... ").append(t.errors.size() - max).append(" more (data:show ").append(t.id).append(")\n");
                break;
            }
            sb.append("  error: ").append(e.source == null ? "" : Text.oneLine(e.source) + ": ").append(Text.oneLine(String.valueOf(e.message)))
                    .append(e.attempts > 1 ? " (" + e.attempts + " attempts)" : "").append('\n');
        }
    }

    @Descriptor("List transfer tasks, newest first")
    public String tasks() {
        List<TransferTaskDTO> all = service.tasks();
        if (all.isEmpty()) return "No tasks.\n";
        TextTable t = new TextTable("ID", "STATE", "LABEL", "FILES", "BYTES", "RATE", "SUBMITTED (UTC)");
        for (TransferTaskDTO x : all) {
            t.row(x.id, x.state, x.label == null ? "" : Text.oneLine(x.label), (x.filesDone + x.filesSkipped) + "/" + x.filesTotal
                    + (x.filesFailed > 0 ? " (" + x.filesFailed + " failed)" : ""), Text.bytes(x.bytesDone, "?") + " / " + Text.bytes(x.bytesTotal, "?"),
                    Text.bytes((long) x.rate, "?") + "/s", TIME.format(Instant.ofEpochMilli(x.submittedAt)));
        }
        return t.toString();
    }

    @Descriptor("Show a transfer task: request, progress, errors")
    public String show(@Descriptor("task id (xfer-...)") String id) {
        TransferTaskDTO t = service.task(id).orElseThrow(() -> unknown(id));
        StringBuilder sb = new StringBuilder();
        sb.append("id:          ").append(t.id).append('\n');
        sb.append("state:       ").append(t.state).append(t.message != null ? " (" + Text.oneLine(t.message) + ")" : "").append('\n');
        if (t.label != null) sb.append("label:       ").append(Text.oneLine(t.label)).append('\n');
        if (t.clientSubmissionId != null) sb.append("client id:   ").append(t.clientSubmissionId).append('\n');
        for (var i : t.request.items) {
            sb.append("item:        ").append(Text.oneLine(i.source)).append(" -> ").append(Text.oneLine(i.destination)).append(i.recursive ? " (recursive)" : "").append('\n');
        }
        TransferRequest r = t.request;
        sb.append("options:     sync ").append(r.syncLevel).append(", checksum ").append(r.checksum).append(Boolean.TRUE.equals(r.verify) ? " verified" : " not verified")
                .append(", ").append(r.concurrency).append(" files at once, ").append(r.parallelStreams).append(" streams, chunk ").append(Text.bytes(r.chunkSize, "?"))
                .append(r.bandwidthLimit > 0 ? ", limit " + Text.bytes(r.bandwidthLimit, "?") + "/s" : "").append(r.deleteExtraneous ? ", delete extraneous" : "")
                .append(", retries ").append(r.retries).append(r.links != null && !"SKIP".equals(r.links) ? ", links " + r.links.toLowerCase(Locale.ROOT) : "").append('\n');
        sb.append("submitted:   ").append(TIME.format(Instant.ofEpochMilli(t.submittedAt))).append('\n');
        if (t.startedAt > 0) sb.append("started:     ").append(TIME.format(Instant.ofEpochMilli(t.startedAt))).append('\n');
        if (t.finishedAt > 0 && t.state.isTerminal()) sb.append("finished:    ").append(TIME.format(Instant.ofEpochMilli(t.finishedAt))).append('\n');
        sb.append("files:       ").append(t.filesDone).append(" copied, ").append(t.filesSkipped).append(" skipped, ").append(t.filesFailed).append(" failed of ").append(t.filesTotal).append('\n');
        sb.append("bytes:       ").append(Text.bytes(t.bytesDone, "?")).append(" of ").append(Text.bytes(t.bytesTotal, "?")).append(", ")
                .append(Text.bytes(t.bytesTransferred, "?")).append(" sent, ").append(Text.bytes((long) t.rate, "?")).append("/s\n");
        sb.append("chunks:      ").append(t.chunksReused).append(" kept after a restart, ").append(t.chunksResent).append(" sent again; resumed ").append(t.resumes).append(" time(s)\n");
        appendSkipped(sb, t, 100);
        appendErrors(sb, t, 100);
        return sb.toString();
    }

    @Descriptor("Cancel a transfer task; partial files are removed, finished files stay")
    public String cancel(@Descriptor("task id (xfer-...)") String id) {
        TransferTaskDTO t = service.cancel(id).orElseThrow(() -> unknown(id));
        return t.id + " " + t.state + "\n";
    }

    static IllegalArgumentException unknown(String id) {
        return new IllegalArgumentException("no transfer task '" + Text.oneLine(String.valueOf(id)) + "' (data:tasks lists them)");
    }
}
