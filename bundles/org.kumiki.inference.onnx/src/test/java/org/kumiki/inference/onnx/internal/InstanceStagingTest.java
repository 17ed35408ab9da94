package org.kumiki.inference.onnx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.junit.jupiter.api.Test;

/** The direct buffers an instance stages its inputs in (reused between calls of one instance). */
class InstanceStagingTest {

    static ByteBuffer bytes(int n, int seed) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i * 31 + seed));
        }
        return b.flip().asReadOnlyBuffer();
    }

    static void assertHolds(ByteBuffer expected, ByteBuffer staged) {
        assertTrue(staged.isDirect(), "direct");
        assertEquals(ByteOrder.nativeOrder(), staged.order());
        assertEquals(0, staged.position());
        assertEquals(expected.remaining(), staged.remaining(), "exactly the input's bytes");
        assertEquals(expected, staged);
    }

    @Test
    void aBufferIsReusedWhileTheInputFitsAndGrowsWhenItDoesNot() {
        OnnxModel.Instance instance = new OnnxModel.Instance(null);
        ByteBuffer a = bytes(256, 1);
        ByteBuffer first = instance.stage("x", a.duplicate());
        assertHolds(a, first);
        ByteBuffer smaller = bytes(100, 2);
        ByteBuffer second = instance.stage("x", smaller.duplicate());
        assertSame(first, second, "reused");
        assertHolds(smaller, second);
        ByteBuffer larger = bytes(5000, 3);
        ByteBuffer third = instance.stage("x", larger.duplicate());
        assertNotSame(first, third, "grown");
        assertTrue(third.capacity() >= 5000);
        assertHolds(larger, third);
        ByteBuffer other = instance.stage("y", bytes(16, 4));
        assertNotSame(third, other, "one buffer per input");
        assertHolds(larger, instance.stage("x", larger.duplicate()));
    }

    @Test
    void inputsAboveTheLimitAreNotKept() {
        OnnxModel.Instance instance = new OnnxModel.Instance(null);
        ByteBuffer big = bytes(OnnxModel.SCRATCH_MAX + 1, 5);
        ByteBuffer a = instance.stage("x", big.duplicate());
        assertHolds(big, a);
        ByteBuffer b = instance.stage("x", big.duplicate());
        assertNotSame(a, b, "a fresh buffer each time: the instance keeps no more than 1 MiB per input");
        assertTrue(instance.scratch.isEmpty());
        ByteBuffer empty = instance.stage("x", ByteBuffer.allocate(0));
        assertEquals(0, empty.remaining());
    }
}
