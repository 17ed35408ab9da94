package org.kumiki.data.api;

import java.util.Locale;

/**
 * Checksums computed while data streams and compared end to end (the source's bytes as read
 * against the destination's bytes read back). Digests are lower-case hex.
 */
public enum ChecksumAlgorithm {
    /** No checksum: the copy is not verified. */
    NONE("none"),
    /** SHA-256 (the default; cryptographic). */
    SHA256("sha256"),
    /** XXH64, seed 0 (fast, non-cryptographic; about 4x SHA-256 here). */
    XXH64("xxh64"),
    /** CRC-32C (Castagnoli), hardware-accelerated in the JDK: the fastest here. */
    CRC32C("crc32c");

    private final String id;

    ChecksumAlgorithm(String id) {
        this.id = id;
    }

    /** The short name used in commands and records ({@code sha256}, {@code xxh64}, ...). */
    public String id() {
        return id;
    }

    /**
     * The algorithm for a short name or enum name, case-insensitive; {@code sha-256} also works.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static ChecksumAlgorithm of(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        for (ChecksumAlgorithm a : values()) {
            if (a.id.equals(n)) return a;
        }
        throw new IllegalArgumentException("unknown checksum algorithm '" + name + "' (none, sha256, xxh64, crc32c)");
    }
}
