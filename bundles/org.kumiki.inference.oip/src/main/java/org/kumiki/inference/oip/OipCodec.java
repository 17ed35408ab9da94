package org.kumiki.inference.oip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.kumiki.inference.api.DataType;
import org.kumiki.inference.api.Tensor;

/**
 * The Open Inference Protocol v2 REST body: JSON tensors (flat or nested data) and the binary
 * tensor data extension ({@code Inference-Header-Content-Length}, {@code binary_data_size},
 * {@code binary_data}, {@code binary_data_output}). Used by the server and by the remote engine.
 * Every error is an {@link IllegalArgumentException} with a message meant for the client.
 */
public final class OipCodec {

    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";
    public static final ObjectMapper JSON;

    static {
        JsonFactory f = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxNumberLength(400).maxStringLength(64 << 20).build())
                .build();
        JSON = new ObjectMapper(f);
    }

    private OipCodec() {
    }

    /** A parsed inference request. */
    public static final class Request {
        public String id;
        public final List<Tensor> inputs = new ArrayList<>();
        /** The outputs named in the request (empty: all). */
        public final Set<String> outputs = new LinkedHashSet<>();
        /** Outputs to return as binary data; null with {@link #allBinary} false: none. */
        public final Set<String> binaryOutputs = new LinkedHashSet<>();
        public final Set<String> jsonOutputs = new LinkedHashSet<>();
        public boolean allBinary;

        public boolean binary(String output) {
            return binaryOutputs.contains(output) || (allBinary && !jsonOutputs.contains(output));
        }
    }

    /** Parses a JSON object, with a clear message for malformed JSON. */
    public static JsonNode parseJson(byte[] body, int offset, int length) {
        try {
            JsonNode n = JSON.readTree(body, offset, length);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("the request body must be a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable body: " + e.getMessage());
        }
    }

    /**
     * Parses an inference request body.
     *
     * @param headerLength the {@code Inference-Header-Content-Length} value, or -1 when absent
     */
    public static Request parseRequest(byte[] body, int headerLength) {
        int jsonLen = headerLength < 0 ? body.length : headerLength;
        if (jsonLen > body.length) {
            throw new IllegalArgumentException(HEADER_LENGTH + " " + headerLength + " exceeds the body of " + body.length + " bytes");
        }
        JsonNode root = parseJson(body, 0, jsonLen);
        Request r = new Request();
        JsonNode id = root.get("id");
        if (id != null && !id.isNull()) {
            if (!id.isTextual()) {
                throw new IllegalArgumentException("'id' must be a string");
            }
            r.id = id.asText();
        }
        JsonNode params = root.get("parameters");
        if (params != null && params.isObject() && params.path("binary_data_output").asBoolean(false)) {
            r.allBinary = true;
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray()) {
            throw new IllegalArgumentException("'inputs' must be an array of tensors");
        }
        ByteBuffer binary = ByteBuffer.wrap(body, jsonLen, body.length - jsonLen).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode in : inputs) {
            r.inputs.add(decodeTensor(in, binary, "input"));
        }
        if (binary.hasRemaining()) {
            throw new IllegalArgumentException(binary.remaining() + " bytes of binary data follow the JSON but no input claims them (binary_data_size)");
        }
        JsonNode outputs = root.get("outputs");
        if (outputs != null && !outputs.isNull()) {
            if (!outputs.isArray()) {
                throw new IllegalArgumentException("'outputs' must be an array");
            }
            for (JsonNode o : outputs) {
                String name = o.path("name").asText(null);
                if (name == null || !o.get("name").isTextual() || name.isEmpty()) {
                    throw new IllegalArgumentException("every requested output needs a 'name'");
                }
                r.outputs.add(name);
                JsonNode b = o.path("parameters").get("binary_data");
                if (b != null && b.isBoolean()) {
                    (b.asBoolean() ? r.binaryOutputs : r.jsonOutputs).add(name);
                }
            }
        }
        return r;
    }

    /** Decodes one {@code $request_input} / {@code $response_output}. */
    public static Tensor decodeTensor(JsonNode in, ByteBuffer binary, String what) {
        if (!in.isObject()) {
            throw new IllegalArgumentException("each " + what + " must be a JSON object");
        }
        JsonNode nameNode = in.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isEmpty()) {
            throw new IllegalArgumentException(what + " without a 'name'");
        }
        String name = nameNode.asText();
        JsonNode dt = in.get("datatype");
        if (dt == null || !dt.isTextual()) {
            throw new IllegalArgumentException(what + " '" + name + "': 'datatype' is missing");
        }
        DataType type;
        try {
            type = DataType.of(dt.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " '" + name + "': " + e.getMessage());
        }
        JsonNode shapeNode = in.get("shape");
        if (shapeNode == null || !shapeNode.isArray()) {
            throw new IllegalArgumentException(what + " '" + name + "': 'shape' must be an array of integers");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw new IllegalArgumentException(what + " '" + name + "': shape " + shapeNode + " must hold non-negative integers");
            }
            shape[i] = d.asLong();
        }
        long count;
        try {
            count = Tensor.elementCount(name, shape);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException(what + " '" + name + "': shape " + shapeNode + " is too large");
        }
        JsonNode size = in.path("parameters").get("binary_data_size");
        if (size != null && !size.isNull()) {
            if (!size.canConvertToLong() || size.asLong() < 0 || size.asLong() > binary.remaining()) {
                throw new IllegalArgumentException(what + " '" + name + "': binary_data_size " + size + " but only " + binary.remaining() + " binary bytes remain");
            }
            int n = (int) size.asLong();
            ByteBuffer chunk = binary.slice().order(ByteOrder.LITTLE_ENDIAN);
            chunk.limit(n);
            binary.position(binary.position() + n);
            if (in.has("data")) {
                throw new IllegalArgumentException(what + " '" + name + "' has both 'data' and binary_data_size");
            }
            return fromBinary(name, type, shape, count, chunk);
        }
        JsonNode data = in.get("data");
        if (data == null) {
            throw new IllegalArgumentException(what + " '" + name + "' has no 'data'");
        }
        List<JsonNode> flat = new ArrayList<>((int) Math.min(count, 1 << 20));
        flatten(data, flat, name);
        if (flat.size() != count) {
            throw new IllegalArgumentException(what + " '" + name + "': shape " + shapeNode + " needs " + count + " elements, 'data' holds " + flat.size());
        }
        return fromJson(name, type, shape, flat);
    }

    private static void flatten(JsonNode n, List<JsonNode> out, String name) {
        if (n.isArray()) {
            for (JsonNode x : n) {
                flatten(x, out, name);
            }
        } else {
            out.add(n);
        }
    }

    private static Tensor fromBinary(String name, DataType type, long[] shape, long count, ByteBuffer chunk) {
        if (type == DataType.BYTES) {
            byte[][] items = new byte[(int) count][];
            for (int i = 0; i < count; i++) {
                if (chunk.remaining() < 4) {
                    throw new IllegalArgumentException("input '" + name + "': binary BYTES data ends after " + i + " of " + count + " elements");
                }
                long len = chunk.getInt() & 0xFFFFFFFFL;
                if (len > chunk.remaining()) {
                    throw new IllegalArgumentException("input '" + name + "': element " + i + " claims " + len + " bytes but " + chunk.remaining() + " remain");
                }
                items[i] = new byte[(int) len];
                chunk.get(items[i]);
            }
            if (chunk.hasRemaining()) {
                throw new IllegalArgumentException("input '" + name + "': " + chunk.remaining() + " bytes left over after " + count + " BYTES elements");
            }
            return Tensor.ofStrings(name, shape, items);
        }
        long expected = count * type.byteSize();
        if (chunk.remaining() != expected) {
            throw new IllegalArgumentException("input '" + name + "': shape " + java.util.Arrays.toString(shape) + " of " + type + " needs " + expected
                    + " bytes, binary_data_size is " + chunk.remaining());
        }
        if (type == DataType.BOOL) {
            for (int i = 0; i < expected; i++) {
                byte b = chunk.get(chunk.position() + i);
                if (b != 0 && b != 1) {
                    throw new IllegalArgumentException("input '" + name + "': BOOL element " + i + " is " + b + ", expected 0 or 1");
                }
            }
        }
        return Tensor.of(name, type, shape, chunk);
    }

    private static Tensor fromJson(String name, DataType type, long[] shape, List<JsonNode> flat) {
        int n = flat.size();
        if (type == DataType.BYTES) {
            byte[][] items = new byte[n][];
            for (int i = 0; i < n; i++) {
                JsonNode v = flat.get(i);
                if (!v.isTextual()) {
                    throw bad(name, type, i, v);
                }
                items[i] = v.asText().getBytes(StandardCharsets.UTF_8);
            }
            return Tensor.ofStrings(name, shape, items);
        }
        ByteBuffer b = ByteBuffer.allocate(n * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            JsonNode v = flat.get(i);
            switch (type) {
                case BOOL:
                    if (!v.isBoolean()) {
                        throw bad(name, type, i, v);
                    }
                    b.put((byte) (v.asBoolean() ? 1 : 0));
                    break;
                case FP16:
                    b.putShort(Fp16.fromFloat((float) finite(name, type, i, v)));
                    break;
                case FP32:
                    b.putFloat((float) finite(name, type, i, v));
                    break;
                case FP64:
                    b.putDouble(finite(name, type, i, v));
                    break;
                case UINT64: {
                    if (!v.isIntegralNumber()) {
                        throw bad(name, type, i, v);
                    }
                    BigInteger x = v.bigIntegerValue();
                    if (x.signum() < 0 || x.bitLength() > 64) {
                        throw bad(name, type, i, v);
                    }
                    b.putLong(x.longValue());
                    break;
                }
                default: {
                    long x = integer(name, type, i, v);
                    switch (type) {
                        case INT8: range(name, type, i, v, x, Byte.MIN_VALUE, Byte.MAX_VALUE); b.put((byte) x); break;
                        case UINT8: range(name, type, i, v, x, 0, 255); b.put((byte) x); break;
                        case INT16: range(name, type, i, v, x, Short.MIN_VALUE, Short.MAX_VALUE); b.putShort((short) x); break;
                        case UINT16: range(name, type, i, v, x, 0, 65535); b.putShort((short) x); break;
                        case INT32: range(name, type, i, v, x, Integer.MIN_VALUE, Integer.MAX_VALUE); b.putInt((int) x); break;
                        case UINT32: range(name, type, i, v, x, 0, 0xFFFFFFFFL); b.putInt((int) x); break;
                        case INT64: b.putLong(x); break;
                        default: throw bad(name, type, i, v);
                    }
                }
            }
        }
        b.flip();
        return Tensor.of(name, type, shape, b);
    }

    private static double number(String name, DataType t, int i, JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) { // non-finite values as protobuf-JSON writes them
            switch (v.asText()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw bad(name, t, i, v);
    }

    /**
     * A JSON number that fits the type: a literal that overflows it (1e400 for FP64, 1e39 for FP32,
     * 70000 for FP16) is refused, as a literal NaN is by the parser; the strings "NaN", "Infinity"
     * and "-Infinity" still stand for the non-finite values on purpose.
     */
    private static double finite(String name, DataType t, int i, JsonNode v) {
        double d = number(name, t, i, v);
        boolean overflows = t == DataType.FP64 ? Double.isInfinite(d)
                : t == DataType.FP32 ? Float.isInfinite((float) d)
                : Float.isInfinite(Fp16.toFloat(Fp16.fromFloat((float) d)));
        double max = t == DataType.FP64 ? Double.MAX_VALUE : t == DataType.FP32 ? Float.MAX_VALUE : 65504;
        if (v.isNumber() && overflows) {
            throw new IllegalArgumentException("input '" + name + "': element " + i + " is out of the range of " + t + " (largest magnitude "
                    + (float) max + "; non-finite values are written as the strings \"Infinity\", \"-Infinity\" or \"NaN\")");
        }
        return d;
    }

    private static long integer(String name, DataType t, int i, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw bad(name, t, i, v);
        }
        return v.asLong();
    }

    private static void range(String name, DataType t, int i, JsonNode v, long x, long min, long max) {
        if (x < min || x > max) {
            throw bad(name, t, i, v);
        }
    }

    private static IllegalArgumentException bad(String name, DataType t, int i, JsonNode v) {
        return new IllegalArgumentException("input '" + name + "': element " + i + " is " + shorten(v.toString()) + ", not a valid " + t);
    }

    private static String shorten(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    // ---- writing

    /** A response or request body: JSON, then the binary section (may be empty). */
    public static final class Body {
        public final byte[] json;
        public final byte[] binary;

        Body(byte[] json, byte[] binary) {
            this.json = json;
            this.binary = binary;
        }

        public byte[] bytes() {
            if (binary.length == 0) {
                return json;
            }
            byte[] all = new byte[json.length + binary.length];
            System.arraycopy(json, 0, all, 0, json.length);
            System.arraycopy(binary, 0, all, json.length, binary.length);
            return all;
        }
    }

    /** Writes an inference response; outputs for which {@code binary} answers true go after the JSON. */
    public static Body writeResponse(String model, String version, String id, List<Tensor> outputs, java.util.function.Predicate<String> binary) {
        ByteArrayOutputStream json = new ByteArrayOutputStream(256);
        ByteArrayOutputStream bin = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(json)) {
            g.writeStartObject();
            g.writeStringField("model_name", model);
            if (version != null) {
                g.writeStringField("model_version", version);
            }
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeArrayFieldStart("outputs");
            for (Tensor t : outputs) {
                writeTensor(g, t, binary.test(t.name()), bin);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Body(json.toByteArray(), bin.toByteArray());
    }

    /** Writes an inference request as a client sends it. */
    public static Body writeRequest(String id, List<Tensor> inputs, Set<String> outputs, boolean binary) {
        ByteArrayOutputStream json = new ByteArrayOutputStream(256);
        ByteArrayOutputStream bin = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.getFactory().createGenerator(json)) {
            g.writeStartObject();
            if (id != null) {
                g.writeStringField("id", id);
            }
            g.writeArrayFieldStart("inputs");
            for (Tensor t : inputs) {
                writeTensor(g, t, binary, bin);
            }
            g.writeEndArray();
            if (outputs != null && !outputs.isEmpty()) {
                g.writeArrayFieldStart("outputs");
                for (String o : outputs) {
                    g.writeStartObject();
                    g.writeStringField("name", o);
                    g.writeObjectFieldStart("parameters");
                    g.writeBooleanField("binary_data", binary);
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            } else if (binary) {
                g.writeObjectFieldStart("parameters");
                g.writeBooleanField("binary_data_output", true);
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Body(json.toByteArray(), bin.toByteArray());
    }

    private static void writeTensor(JsonGenerator g, Tensor t, boolean binary, ByteArrayOutputStream bin) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", t.name());
        g.writeStringField("datatype", t.type().name());
        g.writeArrayFieldStart("shape");
        for (long d : t.shape()) {
            g.writeNumber(d);
        }
        g.writeEndArray();
        if (binary) {
            int before = bin.size();
            if (t.type() == DataType.BYTES) {
                for (byte[] s : t.strings()) {
                    bin.write(s.length & 0xFF);
                    bin.write((s.length >>> 8) & 0xFF);
                    bin.write((s.length >>> 16) & 0xFF);
                    bin.write((s.length >>> 24) & 0xFF);
                    bin.write(s);
                }
            } else {
                ByteBuffer b = t.data();
                byte[] raw = new byte[b.remaining()];
                b.get(raw);
                bin.write(raw);
            }
            g.writeObjectFieldStart("parameters");
            g.writeNumberField("binary_data_size", bin.size() - before);
            g.writeEndObject();
        } else {
            g.writeArrayFieldStart("data");
            writeData(g, t);
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeData(JsonGenerator g, Tensor t) throws IOException {
        int n = t.elementCount();
        if (t.type() == DataType.BYTES) {
            for (byte[] s : t.strings()) {
                g.writeString(new String(s, StandardCharsets.UTF_8));
            }
            return;
        }
        ByteBuffer b = t.data();
        for (int i = 0; i < n; i++) {
            switch (t.type()) {
                case BOOL: g.writeBoolean(b.get() != 0); break;
                case UINT8: g.writeNumber(b.get() & 0xFF); break;
                case INT8: g.writeNumber(b.get()); break;
                case UINT16: g.writeNumber(b.getShort() & 0xFFFF); break;
                case INT16: g.writeNumber(b.getShort()); break;
                case UINT32: g.writeNumber(b.getInt() & 0xFFFFFFFFL); break;
                case INT32: g.writeNumber(b.getInt()); break;
                case UINT64: g.writeNumber(new BigInteger(Long.toUnsignedString(b.getLong()))); break;
                case INT64: g.writeNumber(b.getLong()); break;
                case FP16: writeFloat(g, Fp16.toFloat(b.getShort())); break;
                case FP32: writeFloat(g, b.getFloat()); break;
                case FP64: {
                    double d = b.getDouble();
                    if (Double.isFinite(d)) {
                        g.writeNumber(d);
                    } else {
                        g.writeString(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }
                    break;
                }
                default: throw new IllegalStateException(t.type().name());
            }
        }
    }

    private static void writeFloat(JsonGenerator g, float f) throws IOException {
        if (Float.isFinite(f)) {
            g.writeNumber(f);
        } else {
            g.writeString(Float.isNaN(f) ? "NaN" : f > 0 ? "Infinity" : "-Infinity");
        }
    }

    /** Decodes an inference response body (as a client). */
    public static List<Tensor> parseResponse(byte[] body, int headerLength) {
        int jsonLen = headerLength < 0 ? body.length : headerLength;
        if (jsonLen > body.length) {
            throw new IllegalArgumentException(HEADER_LENGTH + " exceeds the response body");
        }
        JsonNode root = parseJson(body, 0, jsonLen);
        JsonNode outs = root.get("outputs");
        if (outs == null || !outs.isArray()) {
            throw new IllegalArgumentException("the response has no 'outputs' array");
        }
        ByteBuffer binary = ByteBuffer.wrap(body, jsonLen, body.length - jsonLen).slice().order(ByteOrder.LITTLE_ENDIAN);
        List<Tensor> list = new ArrayList<>();
        for (JsonNode o : outs) {
            list.add(decodeTensor(o, binary, "output"));
        }
        return list;
    }

    /** {@code {"error": message}} */
    public static byte[] error(String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", message);
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps only the named fields of a JSON object, in order (for tests). */
    public static Map<String, JsonNode> fields(JsonNode n) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    public static ArrayNode array() {
        return JSON.createArrayNode();
    }
}
