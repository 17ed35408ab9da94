package org.kumiki.inference.oip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.DataType;
import org.kumiki.inference.api.Tensor;

class OipCodecTest {

    static OipCodec.Request parse(String json) {
        return OipCodec.parseRequest(json.getBytes(StandardCharsets.UTF_8), -1);
    }

    static String fail(String json) {
        return assertThrows(IllegalArgumentException.class, () -> parse(json)).getMessage();
    }

    static String in(String datatype, String shape, String data) {
        return "{\"inputs\": [{\"name\": \"t\", \"datatype\": \"" + datatype + "\", \"shape\": " + shape + ", \"data\": " + data + "}]}";
    }

    @Test
    void everyDatatypeFromJson() {
        assertArrayEquals(new float[] {1, 2.5f, -3, 4}, parse(in("FP32", "[2, 2]", "[[1, 2.5], [-3, 4]]")).inputs.get(0).floats());
        assertArrayEquals(new double[] {1e300, Double.NaN}, parse(in("FP64", "[2]", "[1e300, \"NaN\"]")).inputs.get(0).doubles());
        assertArrayEquals(new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, parse(in("INT64", "[2]", "[-9223372036854775808, 9223372036854775807]")).inputs.get(0).longs());
        assertArrayEquals(new int[] {-1, 7}, parse(in("INT32", "[2]", "[-1, 7]")).inputs.get(0).ints());
        assertArrayEquals(new boolean[] {true, false}, parse(in("BOOL", "[2]", "[true, false]")).inputs.get(0).booleans());
        assertEquals(-1L, parse(in("UINT64", "[1]", "[18446744073709551615]")).inputs.get(0).data().getLong());
        assertEquals((byte) 255, parse(in("UINT8", "[1]", "[255]")).inputs.get(0).data().get());
        assertEquals((short) 0x3C00, parse(in("FP16", "[1]", "[1.0]")).inputs.get(0).data().getShort());
        assertEquals("héllo", new String(parse(in("BYTES", "[1]", "[\"héllo\"]")).inputs.get(0).strings()[0], StandardCharsets.UTF_8));
        assertEquals(0, parse(in("FP32", "[0, 4]", "[]")).inputs.get(0).elementCount());
    }

    @Test
    void numbersThatOverflowTheTypeAreRefusedNotServedAsInfinity() {
        // before: 1e400 parsed to Infinity and was served while a literal NaN was refused
        assertTrue(fail(in("FP64", "[1]", "[1e400]")).contains("element 0 is out of the range of FP64"), fail(in("FP64", "[1]", "[1e400]")));
        assertTrue(fail(in("FP64", "[2]", "[1, -1e400]")).contains("element 1 is out of the range of FP64"));
        assertTrue(fail(in("FP32", "[1]", "[1e39]")).contains("out of the range of FP32"));
        assertTrue(fail(in("FP16", "[1]", "[70000]")).contains("out of the range of FP16"));
        assertTrue(fail(in("FP64", "[1]", "[NaN]")).contains("malformed JSON"));
        // the limits themselves and the protobuf-JSON strings for non-finite values still pass
        assertArrayEquals(new float[] {Float.MAX_VALUE}, parse(in("FP32", "[1]", "[" + Float.MAX_VALUE + "]")).inputs.get(0).floats());
        assertEquals((short) 0x7BFF, parse(in("FP16", "[1]", "[65504]")).inputs.get(0).data().getShort());
        assertArrayEquals(new double[] {Double.POSITIVE_INFINITY, 4.9e-324}, parse(in("FP64", "[2]", "[\"Infinity\", 4.9e-324]")).inputs.get(0).doubles());
    }

    @Test
    void outOfRangeAndWrongValuesAreRefused() {
        assertTrue(fail(in("UINT8", "[1]", "[256]")).contains("not a valid UINT8"));
        assertTrue(fail(in("INT8", "[1]", "[-129]")).contains("not a valid INT8"));
        assertTrue(fail(in("INT32", "[1]", "[2147483648]")).contains("not a valid INT32"));
        assertTrue(fail(in("INT32", "[1]", "[1.5]")).contains("not a valid INT32"));
        assertTrue(fail(in("UINT64", "[1]", "[-1]")).contains("not a valid UINT64"));
        assertTrue(fail(in("UINT64", "[1]", "[18446744073709551616]")).contains("not a valid UINT64"));
        assertTrue(fail(in("BOOL", "[1]", "[1]")).contains("not a valid BOOL"));
        assertTrue(fail(in("BYTES", "[1]", "[1]")).contains("not a valid BYTES"));
        assertTrue(fail(in("FP32", "[1]", "[null]")).contains("not a valid FP32"));
        assertTrue(fail(in("FP32", "[2]", "[1]")).contains("needs 2 elements"));
        assertTrue(fail(in("FP32", "[1.5]", "[1]")).contains("non-negative integers"));
        assertTrue(fail(in("FP32", "\"2\"", "[1]")).contains("'shape' must be an array"));
        assertTrue(fail(in("BF16", "[1]", "[1]")).contains("unknown datatype 'BF16'"));
        assertTrue(fail("{\"inputs\": [{\"datatype\": \"FP32\", \"shape\": [1], \"data\": [1]}]}").contains("without a 'name'"));
        assertTrue(fail("{\"inputs\": [{\"name\": \"t\", \"datatype\": \"FP32\", \"shape\": [1]}]}").contains("has no 'data'"));
        assertTrue(fail("{\"inputs\": 3}").contains("must be an array"));
        assertTrue(fail("{\"inputs\": [], \"id\": 5}").contains("'id' must be a string"));
        assertTrue(fail("{\"inputs\": [], \"outputs\": [{}]}").contains("needs a 'name'"));
        assertTrue(fail("{\"inputs\": [] ").contains("malformed JSON"));
        assertTrue(fail("").contains("JSON object"));
    }

    @Test
    void binaryRoundTripOfRequestsAndResponses() {
        List<Tensor> ts = List.of(Tensor.ofFloats("a", new long[] {2}, 1.5f, -2f), Tensor.ofStrings("s", new long[] {2}, "x".getBytes(StandardCharsets.UTF_8), new byte[0]),
                Tensor.ofLongs("l", new long[] {1}, 42));
        OipCodec.Body b = OipCodec.writeRequest("id1", ts, Set.of("y"), true);
        OipCodec.Request r = OipCodec.parseRequest(b.bytes(), b.json.length);
        assertEquals("id1", r.id);
        assertArrayEquals(new float[] {1.5f, -2f}, r.inputs.get(0).floats());
        assertEquals(2, r.inputs.get(1).strings().length);
        assertEquals(0, r.inputs.get(1).strings()[1].length);
        assertArrayEquals(new long[] {42}, r.inputs.get(2).longs());
        assertTrue(r.binary("y"));
        OipCodec.Body resp = OipCodec.writeResponse("m", "1", "id1", ts, n -> n.equals("a"));
        List<Tensor> back = OipCodec.parseResponse(resp.bytes(), resp.json.length);
        assertArrayEquals(new float[] {1.5f, -2f}, back.get(0).floats());
        assertEquals("x", new String(back.get(1).strings()[0], StandardCharsets.UTF_8));
        assertEquals(DataType.INT64, back.get(2).type());
        // trailing bytes nobody claims, and BYTES lengths that overrun
        byte[] extra = new byte[b.bytes().length + 3];
        System.arraycopy(b.bytes(), 0, extra, 0, b.bytes().length);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OipCodec.parseRequest(extra, b.json.length)).getMessage().contains("no input claims them"));
        byte[] h = "{\"inputs\":[{\"name\":\"s\",\"shape\":[1],\"datatype\":\"BYTES\",\"parameters\":{\"binary_data_size\":6}}]}".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[h.length + 6];
        System.arraycopy(h, 0, body, 0, h.length);
        body[h.length] = (byte) 0xFF; // length 255 with only 2 bytes following
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OipCodec.parseRequest(body, h.length)).getMessage().contains("claims 255 bytes"));
    }

    @Test
    void halfPrecisionConversions() {
        for (float f : new float[] {0f, -0f, 1f, -2f, 0.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 1.0009766f}) {
            assertEquals(f, Fp16.toFloat(Fp16.fromFloat(f)), "round trip " + f);
        }
        assertEquals(Float.POSITIVE_INFINITY, Fp16.toFloat(Fp16.fromFloat(1e6f)));
        assertTrue(Float.isNaN(Fp16.toFloat(Fp16.fromFloat(Float.NaN))));
        assertEquals((short) 0x3C00, Fp16.fromFloat(1.0002f)); // rounds to nearest
        assertEquals(0f, Fp16.toFloat(Fp16.fromFloat(1e-10f)));
    }
}
