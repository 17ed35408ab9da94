package org.kumiki.data.rest.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

import org.kumiki.data.api.ChecksumAlgorithm;
import org.kumiki.data.api.LinkMode;
import org.kumiki.data.api.SyncLevel;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.platform.rest.ApiException;

/** The body of {@code POST /api/data/transfers}. Absent fields take the service's defaults. */
public class TransferSubmission {

    /** One source and its destination. */
    public static class Item {
        /** Source URI ({@code file:///...}, {@code sftp://user@host/...}, {@code https://...}). */
        public String source;
        /** Destination URI: the file (or folder, for a recursive item) to create. */
        public String destination;
        /** The source is a folder copied with everything below it. */
        public boolean recursive;
    }

    /** 1 to 10000 items. */
    public List<Item> items = new ArrayList<>();
    public String label;
    /** Makes the submission idempotent for good (kept by the service across restarts). */
    public String clientSubmissionId;
    /** NONE (default), EXISTS, SIZE, MTIME or CHECKSUM. */
    public String syncLevel;
    /** Verify each file end to end (default true). */
    public Boolean verify;
    /** sha256 (default), xxh64, crc32c or none. */
    public String checksum;
    /** Files in flight at once, 0 (default) to 256. */
    public int concurrency;
    /** Parallel streams within one large file, 0 (default) to 64. */
    public int parallelStreams;
    /** Chunk size in bytes, 0 (default) or 4 KiB to 1 GiB. */
    public long chunkSize;
    /** Bytes per second for the whole task; 0 = unlimited. */
    public long bandwidthLimit;
    public boolean deleteExtraneous;
    /** Attempts per file or chunk after the first, -1 (default) to 100. */
    public int retries = -1;
    public Boolean preserveMtime;
    /** What recursive items do with symbolic links: SKIP (default), COPY or FOLLOW. */
    public String links;

    static final int MAX_ITEMS = 10_000;

    TransferRequest toRequest() {
        if (items == null || items.isEmpty() || items.size() > MAX_ITEMS) {
            throw bad("items", "give 1 to " + MAX_ITEMS + " items");
        }
        TransferRequest r = new TransferRequest();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            if (it == null) {
                throw bad("items[" + i + "]", "is null");
            }
            uri("items[" + i + "].source", it.source);
            uri("items[" + i + "].destination", it.destination);
            r.items.add(TransferItem.of(it.source.trim(), it.destination.trim(), it.recursive));
        }
        if (label != null && (label.length() > 256 || label.chars().anyMatch(Character::isISOControl))) {
            throw bad("label", "at most 256 characters, no control characters");
        }
        r.label = label;
        if (clientSubmissionId != null && !clientSubmissionId.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw bad("clientSubmissionId", "letters, digits, '-', '_', '.', ':' only, 1 to 128");
        }
        r.clientSubmissionId = clientSubmissionId;
        r.syncLevel = enumName("syncLevel", syncLevel, SyncLevel.class);
        r.links = enumName("links", links, LinkMode.class);
        if (checksum != null) {
            try {
                r.checksum = ChecksumAlgorithm.of(checksum).id();
            } catch (IllegalArgumentException e) {
                throw bad("checksum", "'" + clean(checksum) + "' is not one of none, sha256, xxh64, crc32c");
            }
        }
        r.verify = verify;
        range("concurrency", concurrency, 0, 256);
        range("parallelStreams", parallelStreams, 0, 64);
        if (chunkSize != 0) {
            range("chunkSize", chunkSize, 4096, 1L << 30);
        }
        range("bandwidthLimit", bandwidthLimit, 0, Long.MAX_VALUE / 2);
        range("retries", retries, -1, 100);
        r.concurrency = concurrency;
        r.parallelStreams = parallelStreams;
        r.chunkSize = chunkSize;
        r.bandwidthLimit = bandwidthLimit;
        r.deleteExtraneous = deleteExtraneous;
        r.retries = retries;
        r.preserveMtime = preserveMtime;
        return r;
    }

    private static void uri(String field, String v) {
        if (v == null || v.isBlank()) {
            throw bad(field, "is missing");
        }
        if (v.length() > 8192 || v.indexOf('\0') >= 0) {
            throw bad(field, "is not a URI (too long or a NUL character)");
        }
        try {
            URI u = new URI(v.trim());
            if (u.getScheme() == null) {
                throw bad(field, "'" + clean(v) + "' has no scheme (file:///..., sftp://..., https://...)");
            }
        } catch (URISyntaxException e) {
            throw bad(field, "'" + clean(v) + "' is not a URI: " + e.getReason());
        }
    }

    private static <E extends Enum<E>> String enumName(String field, String v, Class<E> type) {
        if (v == null || v.isBlank()) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.trim())) {
                return e.name();
            }
        }
        StringBuilder known = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            known.append(known.length() == 0 ? "" : ", ").append(e.name());
        }
        throw bad(field, "'" + clean(v) + "' is not one of " + known);
    }

    private static void range(String field, long v, long min, long max) {
        if (v < min || v > max) {
            throw bad(field, v + " is out of range: " + min + " to " + max);
        }
    }

    static String clean(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }

    static ApiException bad(String field, String why) {
        return ApiException.badRequest(field + ": " + why);
    }
}
