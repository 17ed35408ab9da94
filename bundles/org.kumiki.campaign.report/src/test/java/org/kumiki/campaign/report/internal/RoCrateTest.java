package org.kumiki.campaign.report.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The RO-Crate's JSON-LD shape, checked as RO-Crate 1.1 asks. */
class RoCrateTest {
    @TempDir
    Path dir;

    private final Synthetic campaigns = new Synthetic();

    private Map<String, JsonNode> graph(JsonNode crate) {
        assertEquals("https://w3id.org/ro/crate/1.1/context", crate.path("@context").asText());
        assertTrue(crate.path("@graph").isArray());
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode e : crate.path("@graph")) {
            assertTrue(e.path("@id").isTextual(), "every entity has an @id: " + e);
            assertTrue(e.has("@type"), "every entity has a @type: " + e);
            assertFalse(byId.containsKey(e.get("@id").asText()), "@ids are unique: " + e.get("@id"));
            byId.put(e.get("@id").asText(), e);
        }
        return byId;
    }

    /** Every {"@id": X} inside an entity, except the ones the spec names outside the crate. */
    private static void references(JsonNode node, boolean top, List<String> out) {
        if (node.isObject()) {
            if (!top && node.size() == 1 && node.has("@id")) {
                out.add(node.get("@id").asText());
                return;
            }
            node.fields().forEachRemaining(f -> references(f.getValue(), false, out));
        } else if (node.isArray()) {
            node.forEach(n -> references(n, false, out));
        }
    }

    @Test
    void isRoCrate11WithTheCampaignFileEvaluationsAndSoftware() throws Exception {
        Path source = dir.resolve("synthesis.yaml");
        Files.writeString(source, "name: synthesis\n");
        String hash = CampaignReportsImpl.sha256(source);
        campaigns.add("synthesis-1", "bayesian", 6, source, hash);
        Path out = dir.resolve("out");
        new CampaignReportsImpl(campaigns.service(), dir).report("synthesis-1", out.resolve("index.html"), null);
        JsonNode crate = new ObjectMapper().readTree(out.resolve("ro-crate-metadata.json").toFile());
        Map<String, JsonNode> byId = graph(crate);

        JsonNode meta = byId.get("ro-crate-metadata.json");
        assertEquals("CreativeWork", meta.get("@type").asText());
        assertEquals("https://w3id.org/ro/crate/1.1", meta.at("/conformsTo/@id").asText());
        assertEquals("./", meta.at("/about/@id").asText());
        JsonNode root = byId.get("./");
        assertEquals("Dataset", root.get("@type").asText());
        for (String required : List.of("name", "description", "datePublished")) {
            assertTrue(root.hasNonNull(required), "the root has " + required);
        }

        // every reference resolves to an entity of the graph (the spec's own IRIs aside)
        List<String> refs = new ArrayList<>();
        crate.path("@graph").forEach(e -> references(e, true, refs));
        for (String r : refs) {
            if (r.startsWith("https://w3id.org/ro/crate/") || r.startsWith("http://schema.org/")) {
                continue;
            }
            assertTrue(byId.containsKey(r), "referenced @id is in the graph: " + r);
        }

        // the campaign file: a File in the crate, with its SHA-256, and really there
        JsonNode file = byId.get("synthesis.yaml");
        assertEquals("File", file.get("@type").asText());
        assertEquals(hash, file.get("sha256").asText());
        assertEquals(hash, CampaignReportsImpl.sha256(out.resolve("synthesis.yaml")));
        assertTrue(hasPart(root, "synthesis.yaml"));
        assertTrue(hasPart(root, "index.html"));

        // one CreateAction per evaluation, instrument = the bundle with its version
        long actions = byId.values().stream().filter(e -> "CreateAction".equals(e.get("@type").asText())).count();
        assertEquals(6, actions);
        JsonNode a = byId.get("#evaluation-synthesis-1-0");
        String instrument = a.at("/instrument/0/@id").asText();
        assertEquals("SoftwareApplication", byId.get(instrument).get("@type").asText());
        assertEquals("org.kumiki.campaign", byId.get(instrument).get("name").asText());
        assertEquals("1.0.0.202612040000", byId.get(instrument).get("version").asText());
        assertEquals(4, a.get("object").size(), "the point: one PropertyValue per parameter");
        assertEquals("http://schema.org/CompletedActionStatus", a.at("/actionStatus/@id").asText());
        // raw data by URI is a File result; the task id is an identifier
        assertTrue(hasRef(a.get("result"), "file:///srv/archive/synthesis-1/0.csv"));
        assertTrue(hasPart(root, "file:///srv/archive/synthesis-1/0.csv"), "data entities are reachable from the root");
        boolean taskId = false;
        for (JsonNode id : a.get("identifier")) {
            JsonNode v = byId.get(id.get("@id").asText());
            taskId |= "taskId".equals(v.get("name").asText()) && "task-1".equals(v.get("value").asText());
        }
        assertTrue(taskId, "the task id is recorded");
        assertEquals("http://schema.org/FailedActionStatus", byId.get("#evaluation-synthesis-1-4").at("/actionStatus/@id").asText());
        // the campaign's own software list covers every bundle involved
        JsonNode campaign = byId.get("#campaign-synthesis-1");
        assertEquals("OrganizeAction", campaign.get("@type").asText());
        assertEquals(2, campaign.get("instrument").size());
        assertEquals(6, campaign.get("result").size());
    }

    @Test
    void aChangedCampaignFileIsNotCopiedAndTheCrateSaysWhy() throws Exception {
        Path source = dir.resolve("synthesis.yaml");
        Files.writeString(source, "name: synthesis\n");
        String hash = CampaignReportsImpl.sha256(source);
        campaigns.add("synthesis-1", "bayesian", 2, source, hash);
        Files.writeString(source, "name: edited\n");
        Path out = dir.resolve("out");
        new CampaignReportsImpl(campaigns.service(), dir).report("synthesis-1", out.resolve("report.html"), null);
        assertFalse(Files.exists(out.resolve("synthesis.yaml")));
        Map<String, JsonNode> byId = graph(new ObjectMapper().readTree(out.resolve("ro-crate-metadata.json").toFile()));
        JsonNode file = byId.get("#campaign-file");
        assertEquals(hash, file.get("sha256").asText(), "the hash recorded when the campaign started");
        assertTrue(file.get("description").asText().endsWith("has changed since the campaign started"));
        assertEquals("#campaign-file", byId.get("./").at("/isBasedOn/@id").asText());
    }

    private static boolean hasPart(JsonNode root, String id) {
        return hasRef(root.get("hasPart"), id);
    }

    private static boolean hasRef(JsonNode array, String id) {
        for (JsonNode n : array) {
            if (id.equals(n.path("@id").asText())) {
                return true;
            }
        }
        return false;
    }
}
