package org.kumiki.scheduler.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.resttest.RestClient;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.spi.TaskFunction;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * /api/scheduler over real HTTP (Felix Jetty on a free loopback port), with bearer tokens made by
 * the platform's AccessAdmin (state/access/tokens of the test installation).
 */
class SchedulerRestIT {

    private static final AtomicInteger N = new AtomicInteger();

    @InjectBundleContext
    BundleContext context;

    @InjectService
    Scheduler scheduler;

    @InjectService(timeout = 30_000)
    AccessAdmin admin;

    RestClient viewer;
    RestClient operator;
    RestClient anonymous;
    String base;
    final List<String> tokens = new ArrayList<>();
    final List<ServiceRegistration<?>> regs = new ArrayList<>();

    @BeforeEach
    void tokens() throws Exception {
        base = RestClient.base(context);
        viewer = new RestClient(base, token("rest-viewer", Role.VIEWER));
        operator = new RestClient(base, token("rest-operator", Role.OPERATOR));
        anonymous = new RestClient(base, null);
    }

    private String token(String prefix, Role role) {
        String name = prefix + "-" + N.incrementAndGet();
        tokens.add(name);
        return admin.addToken(name, role);
    }

    @AfterEach
    void cleanUp() {
        tokens.forEach(admin::removeToken);
        regs.forEach(ServiceRegistration::unregister);
    }

    /** A function that waits until the test opens its gate, so that a dependent task stays BLOCKED meanwhile. */
    private CountDownLatch gate(String name) {
        CountDownLatch latch = new CountDownLatch(1);
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(TaskFunction.NAME, name);
        regs.add(context.registerService(TaskFunction.class, (args, ctx) -> {
            while (!latch.await(50, TimeUnit.MILLISECONDS)) {
                if (ctx.isCancelled()) {
                    return "null";
                }
            }
            return "\"opened\"";
        }, p));
        return latch;
    }

    @Test
    void submitWatchOverSseAndReadOutputAndResult() throws Exception {
        String fn = "rest.gate." + N.incrementAndGet();
        CountDownLatch latch = gate(fn);
        RestClient.Answer a = operator.post("/api/scheduler/tasks", "{\"name\": \"gate\", \"function\": \"" + fn + "\"}");
        assertEquals(201, a.status(), a.text());
        String gateId = a.json().get("id").asText();
        String body = "{\"name\": \"hello\", \"command\": [\"sh\", \"-c\", \"echo line1; echo line2; echo oops >&2; echo done\"],"
                + " \"labels\": {\"suite\": \"rest\"}, \"dependencies\": [{\"taskId\": \"" + gateId + "\"}]}";
        RestClient.Answer s = operator.post("/api/scheduler/tasks", body, "Idempotency-Key", "k-" + gateId);
        assertEquals(201, s.status(), s.text());
        String id = s.json().get("id").asText();
        assertEquals("/api/scheduler/tasks/" + id, s.header("Location"));
        assertEquals("BLOCKED", s.json().get("state").asText());
        // a retry with the same key and body: the same task, not a second one
        RestClient.Answer again = operator.post("/api/scheduler/tasks", body, "Idempotency-Key", "k-" + gateId);
        assertEquals(201, again.status());
        assertEquals(id, again.json().get("id").asText());
        assertEquals("true", again.header("Idempotent-Replayed"));
        // the same key with another body is refused
        RestClient.Answer other = operator.post("/api/scheduler/tasks", body.replace("hello", "other"), "Idempotency-Key", "k-" + gateId);
        assertEquals(422, other.status(), other.text());

        assertEquals(409, viewer.get("/api/scheduler/tasks/" + id + "/result").status());
        List<RestClient.Event> events = viewer.events("/api/scheduler/tasks/" + id + "/events", null, 60, latch::countDown);
        assertEquals("state", events.get(0).name());
        assertEquals("BLOCKED", events.get(0).data().get("state").asText(), events.toString());
        assertTrue(events.stream().anyMatch(e -> "state".equals(e.name()) && "RUNNING".equals(e.data().get("state").asText())), events.toString());
        RestClient.Event last = events.get(events.size() - 1);
        assertEquals("end", last.name(), events.toString());
        assertEquals("COMPLETED", last.data().get("state").asText());

        RestClient.Answer out = viewer.get("/api/scheduler/tasks/" + id + "/output");
        assertEquals(200, out.status(), out.text());
        assertEquals(List.of("line1", "line2", "done"), texts(out.json().get("lines")));
        RestClient.Answer tail = viewer.get("/api/scheduler/tasks/" + id + "/output?lines=1");
        assertEquals(List.of("done"), texts(tail.json().get("lines")));
        assertTrue(tail.json().get("truncated").asBoolean());
        RestClient.Answer err = viewer.get("/api/scheduler/tasks/" + id + "/output?stream=stderr");
        assertEquals(List.of("oops"), texts(err.json().get("lines")));
        RestClient.Answer result = viewer.get("/api/scheduler/tasks/" + id + "/result");
        assertEquals(200, result.status());
        assertEquals("COMPLETED", result.json().get("state").asText());
        assertEquals(0, result.json().get("exitCode").asInt());
        RestClient.Answer gateResult = viewer.get("/api/scheduler/tasks/" + gateId + "/result");
        assertEquals("opened", gateResult.json().get("result").asText(), gateResult.text());
    }

    @Test
    void functionTaskResultIsItsJson() throws Exception {
        String fn = "rest.square." + N.incrementAndGet();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(TaskFunction.NAME, fn);
        regs.add(context.registerService(TaskFunction.class, (args, ctx) -> {
            long x = RestClient.JSON.readTree(args).get("x").asLong();
            return "{\"square\": " + (x * x) + "}";
        }, p));
        RestClient.Answer a = operator.post("/api/scheduler/tasks", "{\"function\": \"" + fn + "\", \"arguments\": {\"x\": 7}}");
        assertEquals(201, a.status(), a.text());
        String id = a.json().get("id").asText();
        TaskRecordDTO end = scheduler.await(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(TaskState.COMPLETED, end.state);
        JsonNode r = viewer.get("/api/scheduler/tasks/" + id + "/result").json();
        assertEquals(49, r.get("result").get("square").asInt(), r.toString());
        RestClient.Answer noOutput = viewer.get("/api/scheduler/tasks/" + id + "/output");
        assertEquals(404, noOutput.status());
        assertTrue(noOutput.error().contains("function task"), noOutput.text());
    }

    @Test
    void listFiltersAndPages() throws Exception {
        String run = "r" + N.incrementAndGet();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RestClient.Answer a = operator.post("/api/scheduler/tasks", "{\"name\": \"p" + i + "\", \"command\": [\"true\"], \"labels\": {\"run\": \"" + run + "\"}}");
            assertEquals(201, a.status(), a.text());
            ids.add(a.json().get("id").asText());
        }
        RestClient.Answer p1 = viewer.get("/api/scheduler/tasks?label=run=" + run + "&limit=2");
        assertEquals(200, p1.status(), p1.text());
        assertEquals(2, p1.json().get("items").size());
        assertEquals(ids.get(2), p1.json().get("items").get(0).get("id").asText(), "newest first");
        String next = p1.json().get("next").asText();
        RestClient.Answer p2 = viewer.get("/api/scheduler/tasks?label=run=" + run + "&limit=2&after=" + next);
        assertEquals(1, p2.json().get("items").size());
        assertEquals(ids.get(0), p2.json().get("items").get(0).get("id").asText());
        assertNull(p2.json().get("next"));
        for (String id : ids) {
            scheduler.await(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        RestClient.Answer done = viewer.get("/api/scheduler/tasks?label=run=" + run + "&state=completed,failed&backend=local");
        assertEquals(3, done.json().get("items").size(), done.text());
        assertEquals(0, viewer.get("/api/scheduler/tasks?label=run=" + run + "&state=RUNNING").json().get("items").size());
        assertEquals(0, viewer.get("/api/scheduler/tasks?label=run=" + run + "&name=zz").json().get("items").size());
        RestClient.Answer one = viewer.get("/api/scheduler/tasks/" + ids.get(1));
        assertEquals("p1", one.json().get("spec").get("name").asText());
    }

    @Test
    void cancelABlockedTaskAndBatchesWithInBatchDependencies() throws Exception {
        String fn = "rest.gate." + N.incrementAndGet();
        CountDownLatch latch = gate(fn);
        String batch = "{\"tasks\": [{\"function\": \"" + fn + "\"}, {\"command\": [\"true\"], \"dependencies\": [{\"taskId\": \"#0\", \"type\": \"AFTER_ANY\"}]}]}";
        RestClient.Answer b = operator.post("/api/scheduler/batches", batch);
        assertEquals(201, b.status(), b.text());
        String first = b.json().get(0).get("id").asText();
        String second = b.json().get(1).get("id").asText();
        assertEquals("BLOCKED", b.json().get(1).get("state").asText());
        RestClient.Answer c = operator.call("DELETE", "/api/scheduler/tasks/" + second, null);
        assertEquals(200, c.status(), c.text());
        assertEquals("CANCELLED", c.json().get("state").asText());
        assertEquals(200, operator.post("/api/scheduler/tasks/" + second + "/cancel", null).status(), "cancelling a cancelled task again is fine");
        latch.countDown();
        scheduler.await(first).toCompletableFuture().get(30, TimeUnit.SECONDS);
        RestClient.Answer ended = operator.call("DELETE", "/api/scheduler/tasks/" + first, null);
        assertEquals(409, ended.status(), ended.text());
        assertTrue(ended.error().contains("has already ended (COMPLETED)"), ended.text());
    }

    @Test
    void backends() throws Exception {
        RestClient.Answer all = viewer.get("/api/scheduler/backends");
        assertEquals(200, all.status());
        boolean local = false;
        for (JsonNode n : all.json()) {
            local |= n.get("name").asText().equals("local") && n.get("isDefault").asBoolean();
        }
        assertTrue(local, all.text());
        assertEquals("local", viewer.get("/api/scheduler/backends/local").json().get("name").asText());
        assertEquals(404, viewer.get("/api/scheduler/backends/nope").status());
    }

    @Test
    void theAllTasksStreamSeesStateChanges() throws Exception {
        String run = "s" + N.incrementAndGet();
        String[] id = new String[1];
        List<RestClient.Event> got = viewer.events("/api/scheduler/events?state=COMPLETED", e -> e.data().get("id").asText().equals(id[0]), 60, () -> {
            try {
                id[0] = operator.post("/api/scheduler/tasks", "{\"name\": \"" + run + "\", \"command\": [\"true\"]}").json().get("id").asText();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        RestClient.Event last = got.get(got.size() - 1);
        assertEquals("COMPLETED", last.data().get("state").asText());
        assertEquals(run, last.data().get("name").asText());
        assertTrue(got.stream().allMatch(e -> e.data().get("state").asText().equals("COMPLETED")), got.toString());
    }

    @Test
    void hostileAndWrongInputIsOneClearLine() throws Exception {
        String tasks = "/api/scheduler/tasks";
        assertEquals(401, anonymous.get(tasks).status());
        assertEquals(401, new RestClient(base, "not-a-token").get(tasks).status());
        RestClient.Answer forbidden = viewer.post(tasks, "{\"command\": [\"true\"]}");
        assertEquals(403, forbidden.status(), forbidden.text());
        assertNotNull(forbidden.error());

        assertBad(operator.post(tasks, "{\"command\": [\"true\"", new String[0]), "line 1");
        assertBad(operator.post(tasks, "{\"command\": [\"true\"], \"cpu\": 2}"), "unknown property \"cpu\"");
        assertBad(operator.post(tasks, "{\"command\": [\"true\"], \"resources\": {\"cpus\": 0}}"), "resources.cpus: 0 is out of range");
        assertBad(operator.post(tasks, "{\"command\": [\"true\"], \"resources\": {\"cpus\": 99999999999}}"), "cpus");
        assertBad(operator.post(tasks, "{\"command\": [\"true\"], \"retries\": -1}"), "retries: -1 is out of range");
        assertBad(operator.post(tasks, "{\"command\": [\"true\"], \"function\": \"f\"}"), "not both");
        assertBad(operator.post(tasks, "{}"), "give 'command'");
        assertBad(operator.post(tasks, "{\"command\": [\"true\"], \"dependencies\": [{\"taskId\": \"task-nope\"}]}"), "task-nope");
        assertBad(operator.post(tasks, "{\"command\": [\"true\"], \"dependencies\": [{\"taskId\": \"x\", \"type\": \"SOMETIMES\"}]}"), "type");
        assertBad(operator.post(tasks, "{\"command\": [\"true\"], \"backend\": \"mars\"}"), "mars");
        assertBad(operator.post(tasks, "{\"function\": \"no.such.function\"}"), "no.such.function");
        assertBad(operator.post(tasks, "[1, 2]"), "");
        assertBad(viewer.get(tasks + "?state=DONE"), "state=DONE is not one of");
        assertBad(viewer.get(tasks + "?limit=0"), "limit");
        assertBad(viewer.get(tasks + "?limit=5000"), "limit");
        assertBad(viewer.get(tasks + "?label=nokey"), "KEY=VALUE");
        assertBad(viewer.get(tasks + "/task-1/output?stream=stdin"), "stdout or stderr");
        assertBad(viewer.get(tasks + "/task-1/output?lines=-3"), "lines");
        assertEquals(415, operator.post(tasks, "command=true", "Content-Type", "text/plain").status());
        assertEquals(404, viewer.get(tasks + "/task-nope").status());
        assertEquals(404, viewer.get(tasks + "/task-nope/result").status());
        assertEquals(404, operator.call("DELETE", tasks + "/task-nope", null).status());
        assertEquals(404, viewer.get("/api/scheduler/nothing").status());
        RestClient.Answer put = operator.call("PUT", tasks, "{}");
        assertEquals(405, put.status());
        assertTrue(put.header("Allow").contains("POST"), put.header("Allow"));
        RestClient.Answer big = operator.post(tasks, "{\"command\": [\"" + "x".repeat(300_000) + "\"]}");
        assertEquals(413, big.status());
        for (RestClient.Answer a : List.of(forbidden, put, big)) {
            assertFalse(a.text().contains("\n") || a.text().contains("Exception"), a.text());
        }
    }

    private static void assertBad(RestClient.Answer a, String contains) {
        assertEquals(400, a.status(), a.text());
        String e = a.error();
        assertNotNull(e, a.text());
        assertTrue(e.contains(contains), e);
        assertFalse(e.contains("\n") || e.contains("Exception") || e.contains("org.kumiki"), e);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
