package org.kumiki.inference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.dto.ModelConfigDTO;

class ModelConfigsTest {

    @Test
    void readsTritonFieldsInJson() {
        ModelConfigDTO c = ModelConfigs.parse("m", "{\"name\": \"m\", \"platform\": \"onnxruntime_onnx\", \"max_batch_size\": 8,"
                + " \"dynamic_batching\": {\"preferred_batch_size\": [4, 8], \"max_queue_delay_microseconds\": \"500\"},"
                + " \"instance_group\": [{\"count\": 2, \"kind\": \"KIND_CPU\"}, {\"count\": 1}],"
                + " \"parameters\": {\"provider\": {\"string_value\": \"cuda\"}, \"x\": \"y\"}, \"input\": [{\"name\": \"ignored\"}]}");
        assertEquals(8, c.maxBatchSize);
        assertTrue(c.dynamicBatching);
        assertEquals(List.of(4, 8), c.preferredBatchSizes);
        assertEquals(500, c.maxQueueDelayMicros);
        assertEquals(3, c.instanceCount);
        assertEquals(Map.of("provider", "cuda", "x", "y"), c.parameters);
        ModelConfigDTO d = ModelConfigs.parse("m", "{\"backend\": \"onnxruntime\"}");
        assertEquals("onnxruntime_onnx", d.platform);
        assertFalse(d.dynamicBatching);
        assertEquals(1, d.instanceCount);
    }

    @Test
    void rejectsBadConfigsWithTheReason() {
        assertTrue(fail("{").contains("not valid JSON"));
        assertTrue(fail("[]").contains("JSON object"));
        assertTrue(fail("{\"name\": \"other\"}").contains("folder is 'm'"));
        assertTrue(fail("{\"max_batch_size\": 1.5}").contains("must be an integer"));
        assertTrue(fail("{\"max_batch_size\": 100000000}").contains("out of range"));
        assertTrue(fail("{\"dynamic_batching\": {}}").contains("needs max_batch_size > 0"));
        assertTrue(fail("{\"max_batch_size\": 4, \"dynamic_batching\": {\"preferred_batch_size\": [8]}}").contains("exceeds max_batch_size"));
        assertTrue(fail("{\"max_batch_size\": 4, \"dynamic_batching\": {\"preferred_batch_size\": [0]}}").contains("positive integers"));
        assertTrue(fail("{\"instance_group\": [{\"count\": 0}]}").contains("out of range"));
        assertTrue(fail("{\"instance_group\": {}}").contains("must be an array"));
        assertTrue(fail("{\"parameters\": {\"a\": [1]}}").contains("parameter 'a'"));
        assertTrue(fail("{\"platform\": 3}").contains("non-empty string"));
        assertTrue(fail("[".repeat(1000) + "]".repeat(1000)).contains("not valid JSON"));
    }

    static String fail(String json) {
        return assertThrows(IllegalArgumentException.class, () -> ModelConfigs.parse("m", json)).getMessage();
    }

    @Test
    void namesAreSafe() {
        assertTrue(ModelConfigs.validName("resnet-50_v1.2"));
        assertFalse(ModelConfigs.validName(".."));
        assertFalse(ModelConfigs.validName("a/b"));
        assertFalse(ModelConfigs.validName("a\\b"));
        assertFalse(ModelConfigs.validName(""));
        assertFalse(ModelConfigs.validName(null));
        assertFalse(ModelConfigs.validName("x".repeat(200)));
        assertFalse(ModelConfigs.validName(".hidden"));
    }
}
