package org.kumiki.data.rest.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.Servlet;

import org.kumiki.data.api.DataTopics;
import org.kumiki.data.api.TransferRejectedException;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EndpointDTO;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.data.api.TransferService;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiResult;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.SseStream;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /api/data}: endpoints and transfers. Reading needs the viewer role; submitting,
 * cancelling and listing a folder the operator role. Progress streams sample the task on one
 * shared timer thread, made when the first stream starts.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=data")
@HttpWhiteboardServletPattern({"/api/data", "/api/data/*"})
@HttpWhiteboardServletAsyncSupported
public class DataApi extends ApiServlet {

    private static final long serialVersionUID = 1L;

    private static final class Timer {
        static final ScheduledExecutorService TIMER;
        static {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "kumiki-data-rest-progress");
                th.setDaemon(true);
                return th;
            });
            t.setRemoveOnCancelPolicy(true);
            TIMER = t;
        }
    }

    private final transient TransferService transfers;
    private final transient BundleContext context;

    @Activate
    public DataApi(@Reference TransferService transfers, @Reference AccessControl access, BundleContext context) {
        super("data", access);
        this.transfers = transfers;
        this.context = context;
        route("GET", "/endpoints", Role.VIEWER, "Registered endpoints (URI schemes)", call -> transfers.endpoints())
                .returns(EndpointDTO.class);
        route("GET", "/list", Role.OPERATOR, "List a folder (or stat a file) through its endpoint", this::listFolder)
                .returns(EntryDTO.class).query("uri", "the folder or file, e.g. file:///data/run1");
        route("GET", "/transfers", Role.VIEWER, "Transfers, newest first", this::list)
                .page(TransferTaskDTO.class)
                .query("state", "states, comma-separated (QUEUED, ACTIVE, SUCCEEDED, FAILED, CANCELED)")
                .query("label", "exact label");
        route("POST", "/transfers", Role.OPERATOR, "Submit a transfer", this::submit)
                .body(TransferSubmission.class).returns(TransferTaskDTO.class).status(201).idempotent().maxBody(4 << 20);
        route("GET", "/transfers/{id}", Role.VIEWER, "One transfer", this::get).returns(TransferTaskDTO.class);
        route("DELETE", "/transfers/{id}", Role.OPERATOR, "Cancel a transfer", this::cancel).returns(TransferTaskDTO.class);
        route("POST", "/transfers/{id}/cancel", Role.OPERATOR, "Cancel a transfer (as DELETE)", this::cancel).returns(TransferTaskDTO.class);
        route("GET", "/transfers/{id}/events", Role.VIEWER,
                "Progress as Server-Sent Events: 'progress' (bytes, files, rates) every interval while it moves, 'state' on each change, 'end' with the final record; then the stream ends",
                this::events).sse().returns(ProgressDTO.class)
                .query("interval", "milliseconds between progress events, 100 to 60000 (default 1000)");
    }

    private Object list(ApiCall call) {
        List<TransferState> states = new ArrayList<>();
        String q = call.query("state");
        if (q != null && !q.isBlank()) {
            for (String s : q.split(",")) {
                String t = s.trim().toUpperCase(Locale.ROOT);
                try {
                    states.add(TransferState.valueOf(t));
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("state=" + TransferSubmission.clean(s.trim()) + " is not one of QUEUED, ACTIVE, SUCCEEDED, FAILED, CANCELED");
                }
            }
        }
        String label = call.query("label");
        List<TransferTaskDTO> all = new ArrayList<>();
        for (TransferTaskDTO t : transfers.tasks()) {
            if ((states.isEmpty() || states.contains(t.state)) && (label == null || label.equals(t.label))) {
                all.add(t);
            }
        }
        return Page.of(call, all, t -> t.id, false);
    }

    private Object listFolder(ApiCall call) throws IOException {
        String u = call.query("uri");
        if (u == null || u.isBlank()) {
            throw ApiException.badRequest("uri: give the folder or file to list, e.g. uri=file:///data");
        }
        URI uri;
        try {
            uri = new URI(u.trim());
        } catch (URISyntaxException e) {
            throw ApiException.badRequest("uri=" + TransferSubmission.clean(u) + " is not a URI: " + e.getReason());
        }
        try {
            return transfers.list(uri);
        } catch (TransferRejectedException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw ApiException.notFound("no such file or folder: " + TransferSubmission.clean(u));
        }
    }

    private Object submit(ApiCall call) throws IOException {
        TransferSubmission s = call.body(TransferSubmission.class);
        TransferTaskDTO t;
        try {
            t = transfers.submit(s.toRequest());
        } catch (TransferRejectedException | IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return ApiResult.created(path("/transfers/" + t.id), t);
    }

    private TransferTaskDTO task(String id) {
        if (id.length() > 128) {
            throw ApiException.notFound("no transfer with that id");
        }
        return transfers.task(id).orElseThrow(() -> ApiException.notFound("no transfer '" + TransferSubmission.clean(id) + "'"));
    }

    private Object get(ApiCall call) {
        return task(call.param("id"));
    }

    private Object cancel(ApiCall call) {
        TransferTaskDTO t = task(call.param("id"));
        TransferState before = t.state;
        if (before.isTerminal() && before != TransferState.CANCELED) {
            throw ApiException.conflict(t.id + " has already ended (" + t.state + "): nothing to cancel");
        }
        return transfers.cancel(t.id).orElseThrow(() -> ApiException.notFound("no transfer '" + t.id + "'"));
    }

    static ProgressDTO progress(TransferTaskDTO t, long lastBytes, long lastNanos, long nowNanos) {
        ProgressDTO p = new ProgressDTO();
        p.id = t.id;
        p.state = t.state.name();
        p.filesTotal = t.filesTotal;
        p.filesDone = t.filesDone;
        p.filesFailed = t.filesFailed;
        p.bytesTotal = t.bytesTotal;
        p.bytesDone = t.bytesDone;
        p.bytesTransferred = t.bytesTransferred;
        p.rate = t.rate;
        double secs = (nowNanos - lastNanos) / 1e9;
        p.currentRate = secs > 0 && lastBytes >= 0 ? Math.max(0, (t.bytesTransferred - lastBytes) / secs) : t.rate;
        if (t.bytesTotal > 0) {
            p.percent = Math.min(100.0, 100.0 * t.bytesDone / t.bytesTotal);
        }
        return p;
    }

    private Object events(ApiCall call) throws IOException {
        TransferTaskDTO t = task(call.param("id"));
        int interval = call.queryInt("interval", 1000, 100, 60_000);
        SseStream sse = call.sse();
        String id = t.id;
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {DataTopics.ALL});
        props.put(EventConstants.EVENT_FILTER, "(" + DataTopics.TASK_ID + "=" + escape(id) + ")");
        ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class,
                ev -> transfers.task(id).ifPresent(now -> {
                    synchronized (ended) {
                        if (!ended.get() && !now.state.isTerminal()) {
                            sse.send("state", null, progress(now, -1, 0, 0));
                        }
                    }
                }), props);
        long[] last = {t.bytesTransferred, System.nanoTime()};
        ScheduledFuture<?> sampler = Timer.TIMER.scheduleWithFixedDelay(() -> {
            transfers.task(id).ifPresent(now -> {
                long n = System.nanoTime();
                synchronized (ended) {
                    if (!ended.get() && (now.state == TransferState.ACTIVE || now.state == TransferState.QUEUED)) {
                        sse.send("progress", null, progress(now, last[0], last[1], n));
                    }
                }
                last[0] = now.bytesTransferred;
                last[1] = n;
            });
        }, interval, interval, TimeUnit.MILLISECONDS);
        sse.onClose(() -> {
            sampler.cancel(false);
            try {
                reg.unregister();
            } catch (IllegalStateException gone) {
                // the bundle stopped first
            }
        });
        sse.send("progress", null, progress(transfers.task(id).orElse(t), -1, 0, 0));
        transfers.await(id).whenComplete((r, e) -> {
            synchronized (ended) {
                ended.set(true);
                if (r != null) {
                    sse.send("end", null, r);
                }
            }
            sse.close();
        });
        return sse;
    }

    static String escape(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
