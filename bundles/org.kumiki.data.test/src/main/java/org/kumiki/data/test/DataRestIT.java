package org.kumiki.data.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.resttest.RestClient;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/** /api/data over real HTTP (Felix Jetty on a free loopback port), tokens made by AccessAdmin. */
class DataRestIT {

    private static final AtomicInteger N = new AtomicInteger();

    @InjectBundleContext
    BundleContext context;

    @InjectService
    TransferService transfers;

    @InjectService(timeout = 30_000)
    AccessAdmin admin;

    RestClient viewer;
    RestClient operator;
    String base;
    final List<String> tokens = new ArrayList<>();

    @BeforeEach
    void tokens() throws Exception {
        base = RestClient.base(context);
        viewer = new RestClient(base, token("data-viewer", Role.VIEWER));
        operator = new RestClient(base, token("data-operator", Role.OPERATOR));
    }

    private String token(String prefix, Role role) {
        String name = prefix + "-" + N.incrementAndGet();
        tokens.add(name);
        return admin.addToken(name, role);
    }

    @AfterEach
    void cleanUp() {
        tokens.forEach(admin::removeToken);
    }

    @Test
    void submitAndWatchProgressWithBytesAndRate(@TempDir Path dir) throws Exception {
        byte[] data = new byte[16 << 20];
        new Random(7).nextBytes(data);
        Path src = Files.write(dir.resolve("big.bin"), data);
        Path dst = dir.resolve("copy.bin");
        // 8 MiB/s over 16 MiB: about two seconds of progress, whatever the machine's load
        String body = "{\"label\": \"rest-progress\", \"items\": [{\"source\": \"" + src.toUri() + "\", \"destination\": \"" + dst.toUri()
                + "\"}], \"bandwidthLimit\": 8388608, \"chunkSize\": 1048576}";
        RestClient.Answer a = operator.post("/api/data/transfers", body, "Idempotency-Key", "x-" + N.incrementAndGet());
        assertEquals(201, a.status(), a.text());
        String id = a.json().get("id").asText();
        assertEquals("/api/data/transfers/" + id, a.header("Location"));
        List<RestClient.Event> events = viewer.events("/api/data/transfers/" + id + "/events?interval=200", null, 120, null);
        RestClient.Event last = events.get(events.size() - 1);
        assertEquals("end", last.name(), events.toString());
        assertEquals("SUCCEEDED", last.data().get("state").asText());
        assertEquals(data.length, last.data().get("bytesDone").asLong());
        assertTrue(events.stream().anyMatch(e -> "progress".equals(e.name()) && "ACTIVE".equals(e.data().get("state").asText())
                && e.data().get("bytesTotal").asLong() == data.length
                && e.data().get("bytesDone").asLong() > 0 && e.data().get("bytesDone").asLong() < data.length
                && e.data().get("rate").asDouble() > 0 && e.data().has("currentRate") && e.data().has("percent")), events.toString());
        assertArrayEquals(data, Files.readAllBytes(dst));

        assertBad(viewer.get("/api/data/transfers/" + id + "/events?interval=5"), "interval=\"5\" is out of range");
        RestClient.Answer one = viewer.get("/api/data/transfers/" + id);
        assertEquals("SUCCEEDED", one.json().get("state").asText());
        RestClient.Answer list = viewer.get("/api/data/transfers?state=succeeded&label=rest-progress&limit=1");
        assertEquals(id, list.json().get("items").get(0).get("id").asText(), list.text());
        RestClient.Answer ended = operator.call("DELETE", "/api/data/transfers/" + id, null);
        assertEquals(409, ended.status(), ended.text());
    }

    @Test
    void idempotentSubmissionAndCancel(@TempDir Path dir) throws Exception {
        byte[] data = new byte[8 << 20];
        Path src = Files.write(dir.resolve("slow.bin"), data);
        String body = "{\"items\": [{\"source\": \"" + src.toUri() + "\", \"destination\": \"" + dir.resolve("slow-copy.bin").toUri()
                + "\"}], \"bandwidthLimit\": 65536}";
        String key = "c-" + N.incrementAndGet();
        RestClient.Answer a = operator.post("/api/data/transfers", body, "Idempotency-Key", key);
        RestClient.Answer b = operator.post("/api/data/transfers", body, "Idempotency-Key", key);
        assertEquals(201, a.status(), a.text());
        assertEquals(a.json().get("id").asText(), b.json().get("id").asText());
        assertEquals("true", b.header("Idempotent-Replayed"));
        String id = a.json().get("id").asText();
        RestClient.Answer c = operator.post("/api/data/transfers/" + id + "/cancel", null);
        assertEquals(200, c.status(), c.text());
        assertEquals(TransferState.CANCELED, transfers.await(id).toCompletableFuture().get(30, TimeUnit.SECONDS).state);
        assertEquals(200, operator.call("DELETE", "/api/data/transfers/" + id, null).status(), "cancelling again is fine");
        // the service's own durable idempotency through clientSubmissionId
        String withId = body.replace("\"items\"", "\"clientSubmissionId\": \"nb-" + key + "\", \"items\"").replace("65536", "0");
        RestClient.Answer d = operator.post("/api/data/transfers", withId);
        RestClient.Answer e = operator.post("/api/data/transfers", withId);
        assertEquals(d.json().get("id").asText(), e.json().get("id").asText());
    }

    @Test
    void endpointsAndFolderListing(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "a");
        RestClient.Answer ep = viewer.get("/api/data/endpoints");
        assertEquals(200, ep.status());
        boolean file = false;
        for (JsonNode n : ep.json()) {
            for (JsonNode s : n.get("schemes")) {
                file |= s.asText().equals("file");
            }
        }
        assertTrue(file, ep.text());
        assertEquals(403, viewer.get("/api/data/list?uri=" + dir.toUri()).status());
        RestClient.Answer ls = operator.get("/api/data/list?uri=" + dir.toUri());
        assertEquals(200, ls.status(), ls.text());
        assertTrue(ls.text().contains("a.txt"), ls.text());
    }

    @Test
    void hostileInputIsOneClearLine(@TempDir Path dir) throws Exception {
        String t = "/api/data/transfers";
        String src = dir.resolve("s").toUri().toString();
        String dst = dir.resolve("d").toUri().toString();
        String item = "{\"source\": \"" + src + "\", \"destination\": \"" + dst + "\"}";
        assertEquals(401, new RestClient(base, null).get(t).status());
        assertEquals(403, viewer.post(t, "{\"items\": [" + item + "]}").status());
        assertBad(operator.post(t, "{\"items\": ["), "line 1");
        assertBad(operator.post(t, "{\"items\": [" + item + "], \"speed\": 1}"), "unknown property \"speed\"");
        assertBad(operator.post(t, "{\"items\": []}"), "items: give 1 to");
        assertBad(operator.post(t, "{\"items\": [{\"source\": \"" + src + "\"}]}"), "items[0].destination: is missing");
        assertBad(operator.post(t, "{\"items\": [{\"source\": \"no scheme\", \"destination\": \"" + dst + "\"}]}"), "items[0].source");
        assertBad(operator.post(t, "{\"items\": [" + item + "], \"concurrency\": 100000}"), "concurrency: 100000 is out of range");
        assertBad(operator.post(t, "{\"items\": [" + item + "], \"chunkSize\": 10}"), "chunkSize");
        assertBad(operator.post(t, "{\"items\": [" + item + "], \"retries\": -2}"), "retries");
        assertBad(operator.post(t, "{\"items\": [" + item + "], \"syncLevel\": \"sometimes\"}"), "syncLevel: 'sometimes' is not one of");
        assertBad(operator.post(t, "{\"items\": [" + item + "], \"checksum\": \"md5\"}"), "checksum");
        assertBad(operator.post(t, "{\"items\": [" + item + "], \"links\": \"maybe\"}"), "links");
        assertBad(operator.post(t, "{\"items\": [" + item + "], \"clientSubmissionId\": \"a b\"}"), "clientSubmissionId");
        assertBad(operator.post(t, "{\"items\": [{\"source\": \"nosuch://x/y\", \"destination\": \"" + dst + "\"}]}"), "nosuch");
        assertBad(viewer.get(t + "?state=DONE"), "state=DONE is not one of");
        assertBad(viewer.get(t + "?limit=0"), "limit");
        assertEquals(404, viewer.get(t + "/xfer-nope").status());
        assertEquals(404, viewer.get(t + "/xfer-nope/events").status());
        assertEquals(404, operator.call("DELETE", t + "/xfer-nope", null).status());
        assertEquals(405, operator.call("PUT", t, "{}").status());
    }

    private static void assertBad(RestClient.Answer a, String contains) {
        assertEquals(400, a.status(), a.text());
        String e = a.error();
        assertNotNull(e, a.text());
        assertTrue(e.contains(contains), e);
        assertFalse(e.contains("\n") || e.contains("Exception") || e.contains("org.kumiki"), e);
    }
}
