package org.kumiki.inference.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.kumiki.inference.api.dto.ModelConfigDTO;

/**
 * Reads {@code <repo>/<model>/config.json}: Triton's model configuration fields in JSON.
 * <pre>
 * {"platform": "onnxruntime_onnx", "max_batch_size": 8,
 *  "dynamic_batching": {"preferred_batch_size": [4, 8], "max_queue_delay_microseconds": 500},
 *  "instance_group": [{"count": 2}], "parameters": {"provider": "cpu"}}
 * </pre>
 * Triton's {@code parameters} form {@code {"k": {"string_value": "v"}}} is accepted too.
 */
public final class ModelConfigs {

    public static final String CONFIG_FILE = "config.json";
    public static final String DEFAULT_PLATFORM = "onnxruntime_onnx";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1 << 20).build());
    }

    private ModelConfigs() {
    }

    /** True for a safe model or version name (no path separators, no "..", at most 128 chars). */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.contains("..");
    }

    /** The config of a model folder; defaults when it has no config.json. */
    public static ModelConfigDTO read(Path modelDir) {
        String name = modelDir.getFileName().toString();
        Path file = modelDir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            ModelConfigDTO c = new ModelConfigDTO();
            c.name = name;
            c.platform = DEFAULT_PLATFORM;
            c.preferredBatchSizes = List.of();
            c.parameters = Map.of();
            return c;
        }
        try {
            if (Files.size(file) > 1 << 20) {
                throw new IllegalArgumentException(CONFIG_FILE + " is larger than 1 MiB");
            }
            return parse(name, Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + CONFIG_FILE + ": " + e.getMessage());
        }
    }

    /** Parses a config document; throws IllegalArgumentException with a one-line reason. */
    public static ModelConfigDTO parse(String name, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(CONFIG_FILE + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(CONFIG_FILE + " must be a JSON object");
        }
        ModelConfigDTO c = new ModelConfigDTO();
        c.name = name;
        if (root.has("name") && !name.equals(root.get("name").asText())) {
            throw new IllegalArgumentException(CONFIG_FILE + " names '" + root.get("name").asText() + "' but the folder is '" + name + "'");
        }
        c.platform = text(root, "platform", DEFAULT_PLATFORM);
        if (root.has("backend") && !root.has("platform")) {
            String backend = text(root, "backend", "");
            c.platform = "onnxruntime".equals(backend) ? DEFAULT_PLATFORM : backend;
        }
        c.maxBatchSize = (int) integer(root, "max_batch_size", 0, 0, 1 << 16);
        JsonNode db = root.get("dynamic_batching");
        List<Integer> preferred = new ArrayList<>();
        if (db != null && !db.isNull()) {
            if (!db.isObject()) {
                throw new IllegalArgumentException("dynamic_batching must be an object");
            }
            c.dynamicBatching = true;
            c.maxQueueDelayMicros = integer(db, "max_queue_delay_microseconds", 0, 0, 10_000_000);
            JsonNode p = db.get("preferred_batch_size");
            if (p != null) {
                if (!p.isArray()) {
                    throw new IllegalArgumentException("dynamic_batching.preferred_batch_size must be an array");
                }
                for (JsonNode n : p) {
                    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
                        throw new IllegalArgumentException("dynamic_batching.preferred_batch_size holds " + n + "; expected positive integers");
                    }
                    preferred.add(n.asInt());
                }
            }
            if (c.maxBatchSize == 0) {
                throw new IllegalArgumentException("dynamic_batching needs max_batch_size > 0");
            }
            for (int s : preferred) {
                if (s > c.maxBatchSize) {
                    throw new IllegalArgumentException("preferred batch size " + s + " exceeds max_batch_size " + c.maxBatchSize);
                }
            }
        }
        c.preferredBatchSizes = List.copyOf(preferred);
        c.instanceCount = 1;
        JsonNode ig = root.get("instance_group");
        if (ig != null && !ig.isNull()) {
            if (!ig.isArray()) {
                throw new IllegalArgumentException("instance_group must be an array");
            }
            int count = 0;
            for (JsonNode g : ig) {
                count += (int) integer(g, "count", 1, 1, 64);
            }
            c.instanceCount = Math.max(1, Math.min(count, 64));
        }
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode ps = root.get("parameters");
        if (ps != null && !ps.isNull()) {
            if (!ps.isObject()) {
                throw new IllegalArgumentException("parameters must be an object");
            }
            ps.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (v.isObject() && v.has("string_value")) {
                    v = v.get("string_value");
                }
                if (!v.isValueNode()) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' must be a string or {\"string_value\": ...}");
                }
                params.put(e.getKey(), v.asText());
            });
        }
        c.parameters = Map.copyOf(params);
        return c;
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(field + " must be a non-empty string");
        }
        return v.asText();
    }

    private static long integer(JsonNode n, String field, long dflt, long min, long max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        long x;
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            x = v.asLong();
        } else if (v.isTextual() && v.asText().matches("-?\\d{1,12}")) {
            x = Long.parseLong(v.asText()); // protobuf JSON writes int64 as strings
        } else {
            throw new IllegalArgumentException(field + " must be an integer, got " + v);
        }
        if (x < min || x > max) {
            throw new IllegalArgumentException(field + " = " + x + " is out of range [" + min + ", " + max + "]");
        }
        return x;
    }
}
