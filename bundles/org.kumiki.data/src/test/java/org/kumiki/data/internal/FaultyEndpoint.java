package org.kumiki.data.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.kumiki.data.api.spi.WriteHandle;

/** {@code faulty:///path}: local files with injected faults, for tests. */
class FaultyEndpoint implements Endpoint {
    final FileEndpoint files = new FileEndpoint();
    /** Reads cut (IOException "connection reset") after this many bytes of a range, this many times. */
    final AtomicInteger cuts = new AtomicInteger();
    volatile long cutAfter = 100_000;
    /** Writes with one byte flipped, this many times. */
    final AtomicInteger corruptions = new AtomicInteger();
    /** Total bytes the destination accepts before "No space left on device"; -1 unlimited. */
    final AtomicLong space = new AtomicLong(-1);
    /** Added to each file size a listing reports: the file grew (negative) or shrank (positive) after it was listed. */
    volatile long listedSizeDelta;
    /** Extra names a listing returns (hostile server). */
    final List<String> extraNames = new ArrayList<>();

    static URI file(URI u) {
        return URI.create("file://" + u.getRawPath());
    }

    static URI faulty(URI u) {
        return URI.create("faulty://" + u.getRawPath());
    }

    @Override
    public String description() {
        return "local files with faults";
    }

    @Override
    public boolean writable() {
        return true;
    }

    private EntryDTO back(EntryDTO e) {
        if (e != null) e.uri = faulty(URI.create(e.uri)).toString();
        return e;
    }

    @Override
    public EntryDTO stat(URI uri) throws IOException {
        return back(files.stat(file(uri)));
    }

    @Override
    public List<EntryDTO> list(URI folder) throws IOException {
        List<EntryDTO> out = new ArrayList<>();
        for (EntryDTO e : files.list(file(folder))) {
            if (e.isFile()) e.size += listedSizeDelta;
            out.add(back(e));
        }
        for (String n : extraNames) {
            EntryDTO e = new EntryDTO();
            e.name = n;
            e.type = EntryDTO.FILE;
            e.size = 1;
            e.uri = folder + "/x";
            out.add(e);
        }
        return out;
    }

    @Override
    public ReadHandle openRead(URI uri, EntryDTO expected) throws IOException {
        ReadHandle h = files.openRead(file(uri), expected);
        return new ReadHandle() {
            @Override
            public ReadableByteChannel range(long offset, long length) throws IOException {
                ReadableByteChannel c = h.range(offset, length);
                boolean cut = cuts.getAndUpdate(x -> Math.max(0, x - 1)) > 0;
                if (!cut) return c;
                return new ReadableByteChannel() {
                    long n;

                    @Override
                    public int read(ByteBuffer dst) throws IOException {
                        if (n >= cutAfter) throw new IOException("Connection reset (injected)");
                        int lim = dst.limit();
                        if (dst.remaining() > cutAfter - n) dst.limit(dst.position() + (int) (cutAfter - n));
                        try {
                            int r = c.read(dst);
                            if (r > 0) n += r;
                            return r;
                        } finally {
                            dst.limit(lim);
                        }
                    }

                    @Override
                    public boolean isOpen() {
                        return true;
                    }

                    @Override
                    public void close() throws IOException {
                        c.close();
                    }
                };
            }

            @Override
            public void close() throws IOException {
                h.close();
            }
        };
    }

    @Override
    public WriteHandle openWrite(URI uri) throws IOException {
        WriteHandle w = files.openWrite(file(uri));
        return new WriteHandle() {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                long left = space.get();
                if (left >= 0) {
                    if (left < src.remaining()) {
                        space.set(0);
                        throw new FileSystemException(uri.getPath(), null, "No space left on device");
                    }
                    space.addAndGet(-src.remaining());
                }
                if (src.remaining() > 0 && corruptions.getAndUpdate(x -> Math.max(0, x - 1)) > 0) {
                    ByteBuffer copy = ByteBuffer.allocate(src.remaining());
                    copy.put(src.duplicate()).flip();
                    copy.put(0, (byte) (copy.get(0) ^ 0x5a));
                    w.write(copy, position);
                    src.position(src.limit());
                    return;
                }
                w.write(src, position);
            }

            @Override
            public void force() throws IOException {
                w.force();
            }

            @Override
            public void truncate(long size) throws IOException {
                w.truncate(size);
            }

            @Override
            public void close() throws IOException {
                w.close();
            }
        };
    }

    @Override
    public void mkdirs(URI folder) throws IOException {
        files.mkdirs(file(folder));
    }

    @Override
    public void rename(URI from, URI to) throws IOException {
        files.rename(file(from), file(to));
    }

    @Override
    public void delete(URI uri) throws IOException {
        files.delete(file(uri));
    }

    @Override
    public void setModified(URI uri, long millis) throws IOException {
        files.setModified(file(uri), millis);
    }

    @Override
    public void syncAll(List<URI> list) throws IOException {
        List<URI> f = new ArrayList<>();
        for (URI u : list) f.add(file(u));
        files.syncAll(f);
    }
}
