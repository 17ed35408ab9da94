package org.kumiki.inference.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.ModelState;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.inference.oip.OipCodec;

class OipServletTest {

    @Test
    void onlyLoopbackClientsCountAsLocal() {
        assertTrue(OipServlet.isLoopback("127.0.0.1"));
        assertTrue(OipServlet.isLoopback("127.1.2.3"));
        assertTrue(OipServlet.isLoopback("::1"));
        assertTrue(OipServlet.isLoopback("0:0:0:0:0:0:0:1"));
        assertTrue(OipServlet.isLoopback("[::1]"));
        assertFalse(OipServlet.isLoopback("10.0.0.1"));
        assertFalse(OipServlet.isLoopback("192.168.1.5"));
        assertFalse(OipServlet.isLoopback("::ffff:10.0.0.1"));
        assertFalse(OipServlet.isLoopback("fe80::1"));
        assertFalse(OipServlet.isLoopback(null));
    }

    @Test
    void errorKindsMapToStatuses() {
        assertEquals(404, OipServlet.statusOf(new InferenceException(Kind.NOT_FOUND, "x")));
        assertEquals(400, OipServlet.statusOf(new InferenceException(Kind.INVALID_ARGUMENT, "x")));
        assertEquals(400, OipServlet.statusOf(new InferenceException(Kind.UNAVAILABLE, "x")));
        assertEquals(500, OipServlet.statusOf(new InferenceException(Kind.INTERNAL, "x")));
    }

    @Test
    void bearerSchemeIsCaseInsensitive() {
        assertEquals("s3cret", OipServlet.bearerToken("Bearer s3cret"));
        assertEquals("s3cret", OipServlet.bearerToken("bearer s3cret"));
        assertEquals("s3cret", OipServlet.bearerToken("  BEARER \t s3cret "));
        assertNull(OipServlet.bearerToken("Basic czNjcmV0"));
        assertNull(OipServlet.bearerToken("Bearer"));
        assertNull(OipServlet.bearerToken("Bearers3cret"));
        assertNull(OipServlet.bearerToken(null));
    }

    @Test
    void ambiguousRawPathsAreNamed() {
        assertNull(OipServlet.ambiguity("/v2/models/m/versions/1/infer"));
        assertEquals("empty path segment", OipServlet.ambiguity("//v2"));
        assertEquals("empty path segment", OipServlet.ambiguity("/v2//models"));
        assertEquals("encoded '.'", OipServlet.ambiguity("/v2/models/%2e%2e/ready"));
        assertEquals("encoded '.'", OipServlet.ambiguity("/v2/models/%2E./ready"));
        assertEquals("encoded path separator", OipServlet.ambiguity("/v2/models/a%2Fb/ready"));
        assertEquals("encoded path separator", OipServlet.ambiguity("/v2/models/a%5cb/ready"));
        assertEquals("dot segment", OipServlet.ambiguity("/v2/models/../v2"));
        assertEquals("dot segment", OipServlet.ambiguity("/v2/./models"));
        assertEquals("path parameter ';'", OipServlet.ambiguity("/v2/models/x;y/ready"));
    }

    static ModelStatusDTO status(String name, String state, String reason) {
        ModelStatusDTO s = new ModelStatusDTO();
        s.name = name;
        s.state = state == null ? null : ModelState.valueOf(state);
        s.reason = reason;
        return s;
    }

    @Test
    void readyOnlyWhenEveryModelThatShouldServeIsReady() {
        assertEquals(List.of(), OipServlet.notReady(List.of()));
        assertEquals(List.of(), OipServlet.notReady(List.of(status("a", "READY", null), status("b", "UNAVAILABLE", "not loaded"),
                status("c", "UNAVAILABLE", "unloaded"))));
        assertEquals(List.of("model 'd' is LOADING"), OipServlet.notReady(List.of(status("a", "READY", null), status("d", "LOADING", null))));
        assertEquals(List.of("model 'e' is UNAVAILABLE (ONNX Runtime cannot load it)"),
                OipServlet.notReady(List.of(status("e", "UNAVAILABLE", "ONNX Runtime cannot load it"))));
    }

    static String loadFails(String json) {
        return assertThrows(OipServlet.HttpError.class,
                () -> OipServlet.loadParameters(OipCodec.parseJson(json.getBytes(), 0, json.length()), "load")).getMessage();
    }

    @Test
    void loadParametersAreAppliedOrRefusedNeverIgnored() {
        OipServlet.loadParameters(OipCodec.parseJson("{}".getBytes(), 0, 2), "load");
        OipServlet.loadParameters(OipCodec.parseJson("{\"parameters\": {}}".getBytes(), 0, 18), "load");
        assertTrue(loadFails("{\"parameters\": {\"config\": \"{\\\"max_batch_size\\\": 4}\"}}").contains("parameters.config is not supported"));
        assertTrue(loadFails("{\"parameters\": {\"file:1/model.onnx\": \"AAAA\"}}").contains("parameters.file:1/model.onnx is not supported"));
        assertTrue(loadFails("{\"parameters\": {\"priority\": 1}}").contains("unsupported load parameter 'priority'"));
        assertTrue(loadFails("{\"parameters\": []}").contains("must be a JSON object"));
        assertTrue(loadFails("{\"params\": {}}").contains("unknown field 'params'"));
    }
}
