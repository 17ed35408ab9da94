package org.kumiki.data.internal;

import java.util.TreeMap;

/** The restart marker of one large file: which chunks are at the destination, with their source digests. */
public class Marker {
    public String source;
    public String temp;
    public long srcSize;
    public long srcModified;
    public String srcVersion;
    public long chunkSize;
    public String algorithm;
    /** chunk index to the digest of the source bytes that were written (and verified). */
    public TreeMap<Integer, String> done = new TreeMap<>();
}
