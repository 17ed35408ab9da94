package org.kumiki.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.kumiki.data.api.ChecksumAlgorithm;

class HasherTest {

    static String hash(ChecksumAlgorithm a, byte[] b) {
        Hasher h = Hasher.of(a);
        h.update(ByteBuffer.wrap(b));
        return h.hex();
    }

    @Test
    void knownVectors() {
        // xxhsum -H64 (Debian xxhash)
        assertEquals("ef46db3751d8e999", hash(ChecksumAlgorithm.XXH64, new byte[0]));
        assertEquals("44bc2cf5ad770999", hash(ChecksumAlgorithm.XXH64, "abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("17bb1103c92c502f", hash(ChecksumAlgorithm.XXH64, new byte[100]));
        assertEquals("478d251fd8a82410", hash(ChecksumAlgorithm.XXH64, "hello world, this is a longer string of more than 32 bytes!".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", hash(ChecksumAlgorithm.SHA256, "abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("e3069283", hash(ChecksumAlgorithm.CRC32C, "123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void streamingInAnyPiecesEqualsOneShot() {
        Random r = new Random(7);
        byte[] data = new byte[10_007];
        r.nextBytes(data);
        for (ChecksumAlgorithm a : new ChecksumAlgorithm[] {ChecksumAlgorithm.XXH64, ChecksumAlgorithm.SHA256, ChecksumAlgorithm.CRC32C}) {
            String whole = hash(a, data);
            for (int trial = 0; trial < 50; trial++) {
                Hasher h = Hasher.of(a);
                int p = 0;
                while (p < data.length) {
                    int n = Math.min(data.length - p, r.nextInt(70));
                    ByteBuffer b = ByteBuffer.allocateDirect(n);
                    b.put(data, p, n).flip();
                    h.update(b);
                    assertEquals(0, b.remaining());
                    p += n;
                }
                assertEquals(whole, h.hex(), a + " trial " + trial);
            }
        }
    }

    @Test
    void algorithmNames() {
        assertEquals(ChecksumAlgorithm.SHA256, ChecksumAlgorithm.of("SHA-256"));
        assertEquals(ChecksumAlgorithm.XXH64, ChecksumAlgorithm.of("xxh64"));
        assertThrows(IllegalArgumentException.class, () -> ChecksumAlgorithm.of("md5"));
        assertThrows(IllegalArgumentException.class, () -> ChecksumAlgorithm.of(null));
    }
}
