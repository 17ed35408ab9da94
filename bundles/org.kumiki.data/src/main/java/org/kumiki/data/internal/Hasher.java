package org.kumiki.data.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.CRC32C;

import org.kumiki.data.api.ChecksumAlgorithm;

/** A streaming checksum. Not thread-safe. */
public abstract class Hasher {

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256 << 10]);

    /** Consumes the remaining bytes of {@code b} (its position moves to its limit). */
    public abstract void update(ByteBuffer b);

    /** The digest as lower-case hex; the hasher is spent afterwards. */
    public abstract String hex();

    public static Hasher of(ChecksumAlgorithm a) {
        switch (a) {
            case SHA256:
                try {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    return new Hasher() {
                        @Override
                        public void update(ByteBuffer b) {
                            if (b.hasArray()) {
                                md.update(b);
                                return;
                            }
                            // MessageDigest copies direct buffers 4 KiB at a time; larger slices
                            // keep the SHA intrinsic busy with fewer calls
                            byte[] a = SCRATCH.get();
                            while (b.hasRemaining()) {
                                int n = Math.min(a.length, b.remaining());
                                b.get(a, 0, n);
                                md.update(a, 0, n);
                            }
                        }

                        @Override
                        public String hex() {
                            return HexFormat.of().formatHex(md.digest());
                        }
                    };
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            case CRC32C: {
                CRC32C c = new CRC32C();
                return new Hasher() {
                    @Override
                    public void update(ByteBuffer b) {
                        c.update(b);
                    }

                    @Override
                    public String hex() {
                        return String.format("%08x", c.getValue());
                    }
                };
            }
            case XXH64:
                return new Xxh64();
            default:
                return new Hasher() {
                    @Override
                    public void update(ByteBuffer b) {
                        b.position(b.limit());
                    }

                    @Override
                    public String hex() {
                        return "";
                    }
                };
        }
    }

    /** XXH64 with seed 0, streaming (reference: xxHash by Yann Collet, BSD-2). */
    static final class Xxh64 extends Hasher {
        private static final long P1 = 0x9E3779B185EBCA87L;
        private static final long P2 = 0xC2B2AE3D27D4EB4FL;
        private static final long P3 = 0x165667B19E3779F9L;
        private static final long P4 = 0x85EBCA77C2B2AE63L;
        private static final long P5 = 0x27D4EB2F165667C5L;

        private long v1 = P1 + P2, v2 = P2, v3 = 0, v4 = -P1;
        private long total;
        private final ByteBuffer tail = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);

        private static long round(long acc, long in) {
            acc += in * P2;
            acc = Long.rotateLeft(acc, 31);
            return acc * P1;
        }

        private static long merge(long acc, long v) {
            acc ^= round(0, v);
            return acc * P1 + P4;
        }

        @Override
        public void update(ByteBuffer b) {
            ByteOrder old = b.order();
            b.order(ByteOrder.LITTLE_ENDIAN);
            total += b.remaining();
            if (tail.position() > 0) {
                while (tail.hasRemaining() && b.hasRemaining()) tail.put(b.get());
                if (tail.hasRemaining()) {
                    b.order(old);
                    return;
                }
                tail.flip();
                stripe(tail);
                tail.clear();
            }
            long a = v1, c = v2, d = v3, e = v4;
            int p = b.position();
            int lim = b.limit();
            while (lim - p >= 32) {
                a = round(a, b.getLong(p));
                c = round(c, b.getLong(p + 8));
                d = round(d, b.getLong(p + 16));
                e = round(e, b.getLong(p + 24));
                p += 32;
            }
            v1 = a;
            v2 = c;
            v3 = d;
            v4 = e;
            b.position(p);
            while (b.hasRemaining()) tail.put(b.get());
            b.order(old);
        }

        private void stripe(ByteBuffer s) {
            v1 = round(v1, s.getLong(0));
            v2 = round(v2, s.getLong(8));
            v3 = round(v3, s.getLong(16));
            v4 = round(v4, s.getLong(24));
        }

        long value() {
            long h;
            if (total >= 32) {
                h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
                h = merge(h, v1);
                h = merge(h, v2);
                h = merge(h, v3);
                h = merge(h, v4);
            } else {
                h = P5;
            }
            h += total;
            tail.flip();
            while (tail.remaining() >= 8) {
                h ^= round(0, tail.getLong());
                h = Long.rotateLeft(h, 27) * P1 + P4;
            }
            if (tail.remaining() >= 4) {
                h ^= (tail.getInt() & 0xFFFFFFFFL) * P1;
                h = Long.rotateLeft(h, 23) * P2 + P3;
            }
            while (tail.hasRemaining()) {
                h ^= (tail.get() & 0xFFL) * P5;
                h = Long.rotateLeft(h, 11) * P1;
            }
            h ^= h >>> 33;
            h *= P2;
            h ^= h >>> 29;
            h *= P3;
            h ^= h >>> 32;
            return h;
        }

        @Override
        public String hex() {
            return String.format("%016x", value());
        }
    }
}
