package org.kumiki.campaign.report.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ProvenanceDTO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The campaign as an RO-Crate 1.1 ({@code ro-crate-metadata.json}): the folder is the root
 * Dataset; the campaign file (with its SHA-256) and the report are Files in it; each evaluation is
 * a CreateAction whose instrument is the software that ran it (bundles as SoftwareApplication with
 * their version), whose object is the point (PropertyValue per parameter) and whose result is its
 * objective values and its raw data (Files by absolute URI); the identifiers the evaluators
 * reported (task id, run uid, transfer id, checksum) are its {@code identifier}s.
 */
final class RoCrate {
    static final String CONTEXT = "https://w3id.org/ro/crate/1.1/context";
    static final String METADATA = "ro-crate-metadata.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ObjectNode> entities = new LinkedHashMap<>();

    private RoCrate() {
    }

    /**
     * @param campaignFile the campaign file's name inside the crate, or null when it is not included
     * @param campaignFileNote why it is not included (null when it is)
     * @param report the report page's name inside the crate
     */
    static ObjectNode build(CampaignStatusDTO s, List<EvaluationDTO> evaluations, String campaignFile, String campaignFileNote,
            String report, Instant now) {
        RoCrate c = new RoCrate();
        ObjectNode meta = c.entity(METADATA, "CreativeWork");
        meta.putObject("conformsTo").put("@id", "https://w3id.org/ro/crate/1.1");
        meta.putObject("about").put("@id", "./");

        ObjectNode root = c.entity("./", "Dataset");
        root.put("name", "Kumiki campaign " + s.id);
        root.put("description", "Campaign " + s.id + " (" + s.state + "): " + s.done + " evaluations ended of " + s.budget
                + ", run by Kumiki; its proposals, evaluations and the software that ran them.");
        root.put("datePublished", now.toString());
        ArrayNode parts = root.putArray("hasPart");
        ArrayNode mentions = root.putArray("mentions");

        // the campaign file
        String fileId = campaignFile != null ? campaignFile : "#campaign-file";
        ObjectNode file = c.entity(fileId, campaignFile != null ? "File" : "CreativeWork");
        file.put("name", s.source != null ? fileName(s.source) : "campaign definition");
        if (s.sourceHash != null) {
            file.put("sha256", s.sourceHash);
        }
        if (campaignFile != null) {
            file.put("encodingFormat", campaignFile.endsWith(".json") ? "application/json" : "application/yaml");
            parts.addObject().put("@id", fileId);
        } else {
            file.put("description", "not included: " + campaignFileNote);
            root.putObject("isBasedOn").put("@id", fileId);
        }
        ObjectNode page = c.entity(report, "File");
        page.put("name", "Campaign report");
        page.put("encodingFormat", "text/html");
        parts.addObject().put("@id", report);

        // the software: every bundle involved
        ArrayNode campaignSoftware = JSON.createArrayNode();
        for (Map.Entry<String, String> b : s.bundles.entrySet()) {
            String id = c.software(b.getKey(), b.getValue());
            campaignSoftware.addObject().put("@id", id);
        }

        // the campaign: an OrganizeAction that ran the evaluations
        ObjectNode campaign = c.entity("#campaign-" + s.id, "OrganizeAction");
        campaign.put("name", "campaign " + s.id);
        if (s.createdAt > 0) {
            campaign.put("startTime", Instant.ofEpochMilli(s.createdAt).toString());
        }
        if (s.endedAt > 0) {
            campaign.put("endTime", Instant.ofEpochMilli(s.endedAt).toString());
        }
        campaign.set("instrument", campaignSoftware.deepCopy());
        campaign.putArray("object").addObject().put("@id", fileId);
        ArrayNode campaignResults = campaign.putArray("result");
        mentions.addObject().put("@id", campaign.get("@id").asText());

        for (EvaluationDTO e : evaluations) {
            String aid = "#evaluation-" + e.id;
            ObjectNode a = c.entity(aid, "CreateAction");
            campaignResults.addObject().put("@id", aid);
            mentions.addObject().put("@id", aid);
            a.put("name", "evaluation " + e.id);
            a.put("description", "proposed by " + e.proposer + " with seed " + Long.toUnsignedString(e.proposerSeed, 16)
                    + (e.error == null ? "" : "; last error: " + e.error));
            a.putObject("actionStatus").put("@id", switch (e.state) {
                case COMPLETED -> "http://schema.org/CompletedActionStatus";
                case FAILED, CANCELLED -> "http://schema.org/FailedActionStatus";
                default -> "http://schema.org/ActiveActionStatus";
            });
            if (e.proposedAt > 0) {
                a.put("startTime", Instant.ofEpochMilli(e.proposedAt).toString());
            }
            if (e.endedAt > 0 && e.state.isTerminal()) {
                a.put("endTime", Instant.ofEpochMilli(e.endedAt).toString());
            }
            ArrayNode instrument = a.putArray("instrument");
            ArrayNode identifiers = a.putArray("identifier");
            for (ProvenanceDTO p : e.provenance) {
                String sw = p.bundle != null ? c.software(p.bundle, p.bundleVersion) : c.evaluator(p.evaluator);
                if (!contains(instrument, sw)) {
                    instrument.addObject().put("@id", sw);
                }
                String prefix = aid + "-" + p.stepName + "-" + p.attempt;
                if (p.handle != null) {
                    identifiers.addObject().put("@id", c.value(prefix + "-handle", p.stepName + " handle", p.handle));
                }
                p.ids.forEach((k, v) -> identifiers.addObject().put("@id", c.value(prefix + "-" + k, k, v)));
            }
            ArrayNode object = a.putArray("object");
            e.point.forEach((k, v) -> object.addObject().put("@id", c.value(aid + "-point-" + k, k, v)));
            ArrayNode result = a.putArray("result");
            if (e.state == EvaluationState.COMPLETED) {
                e.objectives.forEach((k, v) -> result.addObject().put("@id", c.value(aid + "-value-" + k, k, v)));
            }
            for (String ref : e.dataRefs) {
                URI u = dataUri(ref);
                if (u != null) {
                    String id = u.toString();
                    if (!c.entities.containsKey(id)) {
                        ObjectNode f = c.entity(id, "File");
                        f.put("name", ref);
                        parts.addObject().put("@id", id);
                    }
                    result.addObject().put("@id", id);
                } else {
                    identifiers.addObject().put("@id", c.value(aid + "-ref-" + ref, "data reference", ref));
                }
            }
        }
        ObjectNode crate = JSON.createObjectNode();
        crate.put("@context", CONTEXT);
        ArrayNode graph = crate.putArray("@graph");
        c.entities.values().forEach(graph::add);
        return crate;
    }

    private static String fileName(String source) {
        return java.nio.file.Path.of(source).getFileName().toString();
    }

    /** Raw data as a web or file URI: a data entity. Task ids and run uids are identifiers instead. */
    private static URI dataUri(String ref) {
        try {
            URI u = new URI(ref);
            String scheme = u.getScheme();
            if (scheme != null && u.isAbsolute() && (scheme.equals("file") || scheme.equals("http") || scheme.equals("https")
                    || scheme.equals("sftp") || scheme.equals("s3")) && (u.getPath() != null || u.getHost() != null)) {
                return u;
            }
        } catch (URISyntaxException e) {
            // not a URI: an identifier
        }
        if (ref.startsWith("/")) {
            return java.nio.file.Path.of(ref).toUri();
        }
        return null;
    }

    private static boolean contains(ArrayNode refs, String id) {
        for (var n : refs) {
            if (id.equals(n.path("@id").asText())) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode entity(String id, String type) {
        ObjectNode n = entities.computeIfAbsent(id, k -> JSON.createObjectNode());
        if (!n.has("@id")) {
            n.put("@id", id);
            n.put("@type", type);
        }
        return n;
    }

    private String software(String bundle, String version) {
        String id = "#bundle-" + bundle + "-" + version;
        ObjectNode sw = entity(id, "SoftwareApplication");
        sw.put("name", bundle);
        sw.put("version", version == null ? "" : version);
        return id;
    }

    /** An evaluator whose bundle is unknown (outside OSGi). */
    private String evaluator(String name) {
        String id = "#evaluator-" + name;
        entity(id, "SoftwareApplication").put("name", "campaign evaluator " + name);
        return id;
    }

    private String value(String id, String name, Object value) {
        String base = id.replaceAll("[^A-Za-z0-9._~:/?#\\[\\]@!$&'()*+,;=-]", "_");
        String safe = base;
        for (int i = 2; entities.containsKey(safe); i++) {
            safe = base + "-" + i; // two names that differ only in characters replaced above
        }
        ObjectNode v = entity(safe, "PropertyValue");
        v.put("name", name);
        if (value instanceof Number n) {
            v.put("value", n.doubleValue());
        } else {
            v.put("value", String.valueOf(value));
        }
        return safe;
    }
}
