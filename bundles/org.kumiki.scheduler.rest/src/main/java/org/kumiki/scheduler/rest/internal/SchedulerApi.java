package org.kumiki.scheduler.rest.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;

import jakarta.servlet.Servlet;

import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiResult;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Json;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.SseStream;
import org.kumiki.scheduler.api.SchedulerTopics;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /api/scheduler}: the scheduler's tasks and backends. Reading needs the viewer role,
 * submitting and cancelling the operator role. Event streams are fed by Event Admin handlers
 * registered for the stream's life only, so nothing listens while nobody watches.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=scheduler")
@HttpWhiteboardServletPattern({"/api/scheduler", "/api/scheduler/*"})
@HttpWhiteboardServletAsyncSupported
public class SchedulerApi extends ApiServlet {

    private static final long serialVersionUID = 1L;
    static final String TOPICS = SchedulerTopics.ALL;
    static final int MAX_OUTPUT_LINES = 10_000;
    static final int MAX_OUTPUT_BYTES = 4 << 20;
    static final int MAX_BATCH = 1000;

    private final transient Scheduler scheduler;
    private final transient Installation installation;
    private final transient BundleContext context;

    @Activate
    public SchedulerApi(@Reference Scheduler scheduler, @Reference AccessControl access, @Reference Installation installation, BundleContext context) {
        super("scheduler", access);
        this.scheduler = scheduler;
        this.installation = installation;
        this.context = context;
        route("GET", "/tasks", Role.VIEWER, "Tasks, newest first", this::list)
                .page(TaskRecordDTO.class)
                .query("state", "states, comma-separated (PENDING, BLOCKED, RUNNING, COMPLETED, FAILED, CANCELLED, TIMED_OUT, LOST)")
                .query("backend", "backend name")
                .query("label", "labels every task has, comma-separated KEY=VALUE")
                .query("name", "prefix of the task name");
        route("POST", "/tasks", Role.OPERATOR, "Submit a task (command or function)", this::submit)
                .body(TaskSubmission.class).returns(TaskRecordDTO.class).status(201).idempotent().maxBody(256 << 10);
        route("POST", "/batches", Role.OPERATOR, "Submit tasks atomically ('#N' names the N-th of the batch in a dependency)", this::submitBatch)
                .body(BatchSubmission.class).returns(TaskRecordDTO.class).status(201).idempotent().maxBody(4 << 20);
        route("GET", "/tasks/{id}", Role.VIEWER, "One task", this::get).returns(TaskRecordDTO.class);
        route("DELETE", "/tasks/{id}", Role.OPERATOR, "Cancel a task", this::cancel).returns(TaskRecordDTO.class);
        route("POST", "/tasks/{id}/cancel", Role.OPERATOR, "Cancel a task (as DELETE)", this::cancel).returns(TaskRecordDTO.class);
        route("GET", "/tasks/{id}/result", Role.VIEWER, "Outcome of an ended task: state, exit code, a function's JSON result (409 while it runs)", this::result)
                .returns(TaskResultDTO.class);
        route("GET", "/tasks/{id}/output", Role.VIEWER, "The last lines of the task's stdout or stderr", this::output)
                .returns(TaskOutputDTO.class)
                .query("stream", "stdout (default) or stderr")
                .query("lines", "how many last lines, 1 to " + MAX_OUTPUT_LINES + " (default 100)");
        route("GET", "/tasks/{id}/events", Role.VIEWER, "The task's state changes as Server-Sent Events (event: state, data: the task); ends when the task has ended for good", this::taskEvents)
                .sse().returns(TaskRecordDTO.class);
        route("GET", "/events", Role.VIEWER, "Every task's state changes as Server-Sent Events (event: state)", this::allEvents)
                .sse().returns(TaskEventDTO.class)
                .query("state", "only these states, comma-separated");
        route("GET", "/backends", Role.VIEWER, "Execution backends with capacity and usage", call -> scheduler.backends())
                .returns(BackendDTO.class);
        route("GET", "/backends/{name}", Role.VIEWER, "One execution backend", this::backend).returns(BackendDTO.class);
    }

    private Object list(ApiCall call) {
        TaskFilter f = new TaskFilter();
        f.states = states(call.query("state"));
        String b = call.query("backend");
        if (b != null && !b.isBlank()) {
            f.backend = b.trim();
        }
        String n = call.query("name");
        if (n != null && !n.isEmpty()) {
            f.namePrefix = n;
        }
        String labels = call.query("label");
        if (labels != null && !labels.isBlank()) {
            for (String kv : labels.split(",")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw ApiException.badRequest("label=" + kv + " is not KEY=VALUE");
                }
                f.labels.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
        }
        return Page.of(call, scheduler.list(f), r -> r.id, false);
    }

    static Set<TaskState> states(String q) {
        Set<TaskState> out = EnumSet.noneOf(TaskState.class);
        if (q == null || q.isBlank()) {
            return out;
        }
        for (String s : q.split(",")) {
            String t = s.trim().toUpperCase(Locale.ROOT);
            try {
                out.add(TaskState.valueOf(t));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("state=" + s.trim() + " is not one of " + Arrays.toString(TaskState.values()).replaceAll("[\\[\\]]", ""));
            }
        }
        return out;
    }

    private Object submit(ApiCall call) throws IOException {
        TaskSpec spec = call.body(TaskSubmission.class).toSpec("");
        TaskRecordDTO r;
        try {
            r = scheduler.submit(spec);
        } catch (TaskRejectedException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return ApiResult.created(path("/tasks/" + r.id), r);
    }

    private Object submitBatch(ApiCall call) throws IOException {
        BatchSubmission b = call.body(BatchSubmission.class);
        if (b.tasks == null || b.tasks.isEmpty() || b.tasks.size() > MAX_BATCH) {
            throw ApiException.badRequest("tasks: give 1 to " + MAX_BATCH + " tasks");
        }
        List<TaskSpec> specs = new ArrayList<>();
        for (int i = 0; i < b.tasks.size(); i++) {
            if (b.tasks.get(i) == null) {
                throw ApiException.badRequest("tasks[" + i + "]: is null");
            }
            specs.add(b.tasks.get(i).toSpec("tasks[" + i + "]."));
        }
        List<TaskRecordDTO> rs;
        try {
            rs = scheduler.submitAll(specs);
        } catch (TaskRejectedException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        return ApiResult.created(path("/tasks/" + rs.get(0).id), rs);
    }

    private TaskRecordDTO task(String id) {
        if (id.length() > 128) {
            throw ApiException.notFound("no task with that id");
        }
        return scheduler.get(id).orElseThrow(() -> ApiException.notFound("no task " + quote(id)));
    }

    private Object get(ApiCall call) {
        return task(call.param("id"));
    }

    private Object cancel(ApiCall call) {
        TaskRecordDTO t = task(call.param("id"));
        boolean cancelled;
        try {
            cancelled = scheduler.cancel(t.id);
        } catch (TaskRejectedException e) {
            throw ApiException.notFound(e.getMessage());
        }
        TaskRecordDTO now = scheduler.get(t.id).orElse(t);
        if (!cancelled && now.state != TaskState.CANCELLED) {
            throw ApiException.conflict(t.id + " has already ended (" + now.state + "): nothing to cancel");
        }
        return now;
    }

    private Object result(ApiCall call) {
        TaskRecordDTO t = task(call.param("id"));
        if (!t.state.isTerminal()) {
            throw ApiException.conflict(t.id + " is " + t.state + ": no result yet (watch " + path("/tasks/" + t.id + "/events") + ")");
        }
        TaskResultDTO r = new TaskResultDTO();
        r.id = t.id;
        r.state = t.state;
        r.exitCode = t.exitCode;
        r.reason = t.reason;
        r.attempt = t.attempt;
        r.startedAt = t.startedAt;
        r.finishedAt = t.finishedAt;
        if (t.result != null) {
            try {
                r.result = Json.mapper().readTree(t.result);
            } catch (JsonProcessingException e) {
                r.result = Json.mapper().getNodeFactory().textNode(t.result);
            }
        }
        return r;
    }

    private Object output(ApiCall call) throws IOException {
        TaskRecordDTO t = task(call.param("id"));
        String stream = call.query("stream");
        stream = stream == null || stream.isEmpty() ? "stdout" : stream.trim().toLowerCase(Locale.ROOT);
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw ApiException.badRequest("stream=" + quote(stream) + " is not stdout or stderr");
        }
        int lines = call.queryInt("lines", 100, 1, MAX_OUTPUT_LINES);
        if (t.spec.function != null) {
            throw ApiException.notFound(t.id + " is a function task: it has no " + stream + " (see " + path("/tasks/" + t.id + "/result") + ")");
        }
        if (t.attempt == 0 && t.startedAt == 0) {
            throw ApiException.notFound(t.id + " has not started (" + t.state + "): no " + stream + " yet");
        }
        Path file = outputFile(t, stream);
        if (file == null) {
            throw ApiException.notFound(t.id + ": no " + stream + " file found (backend " + t.backend + " keeps it elsewhere)");
        }
        TaskOutputDTO out = new TaskOutputDTO();
        out.id = t.id;
        out.stream = stream;
        out.path = file.toString();
        tail(file, lines, out);
        return out;
    }

    /** The spec's file, else where the backends put it by default (state/scheduler/tasks/ID/). */
    private Path outputFile(TaskRecordDTO t, String stream) {
        String named = stream.equals("stdout") ? t.spec.stdout : t.spec.stderr;
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            if (!p.isAbsolute() && t.spec.workingDirectory != null) {
                p = Path.of(t.spec.workingDirectory).resolve(p);
            }
            return Files.isRegularFile(p) ? p : null;
        }
        Path dir = installation.stateDirectory("scheduler").resolve("tasks").resolve(t.id);
        for (String n : new String[] {stream + ".log", stream}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    static void tail(Path file, int lines, TaskOutputDTO out) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            out.size = size;
            int n = (int) Math.min(size, MAX_OUTPUT_BYTES);
            byte[] b = new byte[n];
            f.seek(size - n);
            f.readFully(b);
            String text = new String(b, StandardCharsets.UTF_8);
            boolean cut = size > n;
            if (cut) {
                int nl = text.indexOf('\n');
                text = nl >= 0 ? text.substring(nl + 1) : "";
            }
            List<String> all = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
            if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all.remove(all.size() - 1);
            }
            int from = Math.max(0, all.size() - lines);
            out.lines = new ArrayList<>(all.subList(from, all.size()));
            out.truncated = cut || from > 0;
        }
    }

    private Object taskEvents(ApiCall call) throws IOException {
        TaskRecordDTO t = task(call.param("id"));
        SseStream sse = call.sse();
        String id = t.id;
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        ServiceRegistration<EventHandler> reg = subscribe("(task.id=" + escape(id) + ")", ev -> scheduler.get(id).ifPresent(r -> {
            synchronized (ended) {
                if (!ended.get()) {
                    sse.send("state", null, r);
                }
            }
        }));
        sse.onClose(() -> unregister(reg));
        TaskRecordDTO now = scheduler.get(id).orElse(t);
        sse.send("state", null, now);
        scheduler.await(id).whenComplete((r, e) -> {
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

    private Object allEvents(ApiCall call) throws IOException {
        Set<TaskState> states = states(call.query("state"));
        SseStream sse = call.sse();
        ServiceRegistration<EventHandler> reg = subscribe(null, ev -> {
            Object s = ev.getProperty(SchedulerTopics.TASK_STATE);
            if (!states.isEmpty() && (s == null || states.stream().noneMatch(x -> x.name().equals(String.valueOf(s))))) {
                return;
            }
            TaskEventDTO d = new TaskEventDTO();
            d.id = str(ev.getProperty(SchedulerTopics.TASK_ID));
            d.name = str(ev.getProperty(SchedulerTopics.TASK_NAME));
            d.state = str(s);
            d.backend = str(ev.getProperty(SchedulerTopics.TASK_BACKEND));
            Object x = ev.getProperty(SchedulerTopics.TASK_EXIT_CODE);
            d.exitCode = x instanceof Number num ? num.intValue() : null;
            if (!sse.send("state", null, d)) {
                // closed: the onClose callback unregisters
                return;
            }
        });
        sse.onClose(() -> unregister(reg));
        return sse;
    }

    private ServiceRegistration<EventHandler> subscribe(String filter, EventHandler h) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {TOPICS});
        if (filter != null) {
            props.put(EventConstants.EVENT_FILTER, filter);
        }
        return context.registerService(EventHandler.class, h, props);
    }

    private static void unregister(ServiceRegistration<?> reg) {
        try {
            reg.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the bundle stopped first
        }
    }

    private Object backend(ApiCall call) {
        String name = call.param("name");
        return scheduler.backends().stream().filter(b -> b.name.equals(name)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no backend " + quote(name)));
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

    private static String str(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    static String quote(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + t.replaceAll("\\p{Cntrl}", "?") + "'";
    }

}
