package ${package};

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.kumiki.data.api.spi.SourceChangedException;
import org.kumiki.data.api.spi.WriteHandle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * A transfer endpoint: scratch storage in memory under URIs {@code mem:///folder/file}, bounded
 * by {@code max_bytes}, emptied when the bundle stops. Replace the map with calls to your
 * storage (an object store, a tape library's API); keep the contract of {@link Endpoint}: stat
 * returns null for nothing, missing parents raise {@link NoSuchFileException}, writes never
 * truncate. Registered under {@code kumiki.data.scheme} ({@link Endpoint#SCHEME}, a String or
 * String[]): {@code data:endpoints} lists it and {@code data:transfer} copies to and from it.
 */
@Component(configurationPid = MemoryEndpoint.PID, property = Endpoint.SCHEME + "=" + MemoryEndpoint.SCHEME)
@Designate(ocd = MemoryEndpoint.Config.class)
public class MemoryEndpoint implements Endpoint {
    static final String PID = "${package}.endpoint";
    static final String SCHEME = "mem";

    @ObjectClassDefinition(name = "Memory endpoint", description = "Scratch storage in memory under mem:/// URIs")
    public @interface Config {
        @AttributeDefinition(description = "Most bytes held in all files together", min = "0")
        long max_bytes() default 64L << 20;
    }

    /** A file (data != null) or a folder. */
    private static final class Node {
        byte[] data;
        int size;
        long modified = System.currentTimeMillis();
        long generation;
    }

    private final long maxBytes;
    private final TreeMap<String, Node> nodes = new TreeMap<>();
    private long used;

    @Activate
    public MemoryEndpoint(Config config) {
        if (config.max_bytes() < 0) throw new IllegalArgumentException("max_bytes = " + config.max_bytes() + " must be 0 or more");
        this.maxBytes = config.max_bytes();
        nodes.put("/", new Node());
    }

    @Override public String description() { return "memory scratch storage (archetype example, " + (maxBytes >> 20) + " MiB)"; }
    @Override public boolean writable() { return true; }

    static String path(URI uri) throws IOException {
        if (!SCHEME.equals(uri.getScheme())) throw new FileSystemException(uri.toString(), null, "not a " + SCHEME + ": URI");
        String p = uri.getPath();
        if (p == null || !p.startsWith("/")) throw new FileSystemException(uri.toString(), null, "not an absolute " + SCHEME + ":/// path");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    static String parent(String path) {
        int i = path.lastIndexOf('/');
        return i <= 0 ? "/" : path.substring(0, i);
    }

    private EntryDTO entry(String path, Node n) {
        EntryDTO e = new EntryDTO();
        e.name = path.equals("/") ? "" : path.substring(path.lastIndexOf('/') + 1);
        e.uri = SCHEME + "://" + path;
        e.type = n.data != null ? EntryDTO.FILE : EntryDTO.DIRECTORY;
        e.size = n.data != null ? n.size : -1;
        e.modified = n.modified;
        e.version = Long.toString(n.generation);
        return e;
    }

    @Override
    public synchronized EntryDTO stat(URI uri) throws IOException {
        String p = path(uri);
        Node n = nodes.get(p);
        return n == null ? null : entry(p, n);
    }

    @Override
    public synchronized List<EntryDTO> list(URI folder) throws IOException {
        String p = path(folder);
        Node dir = nodes.get(p);
        if (dir == null) throw new NoSuchFileException(folder.toString());
        if (dir.data != null) throw new FileSystemException(folder.toString(), null, "not a folder");
        String prefix = p.equals("/") ? "/" : p + "/";
        List<EntryDTO> out = new ArrayList<>();
        for (Map.Entry<String, Node> e : nodes.tailMap(prefix, false).entrySet()) {
            if (!e.getKey().startsWith(prefix)) break;
            if (e.getKey().indexOf('/', prefix.length()) < 0) out.add(entry(e.getKey(), e.getValue()));
        }
        return out;
    }

    @Override
    public synchronized ReadHandle openRead(URI uri, EntryDTO expected) throws IOException {
        String p = path(uri);
        Node n = nodes.get(p);
        if (n == null) throw new NoSuchFileException(uri.toString());
        if (n.data == null) throw new FileSystemException(uri.toString(), null, "is a folder");
        long generation = n.generation;
        if (expected != null && expected.version != null && !expected.version.equals(Long.toString(generation))) {
            throw new SourceChangedException(uri + " changed since it was listed");
        }
        return new ReadHandle() {
            @Override
            public ReadableByteChannel range(long offset, long length) throws IOException {
                synchronized (MemoryEndpoint.this) {
                    if (nodes.get(p) != n || n.generation != generation) throw new SourceChangedException(uri + " changed while it was read");
                    if (offset < 0 || length < 0) throw new IOException("range " + offset + "+" + length + " is negative");
                    int from = (int) Math.min(offset, n.size);
                    int to = (int) Math.min(n.size, Math.min((long) Integer.MAX_VALUE, offset + length));
                    return Channels.newChannel(new ByteArrayInputStream(Arrays.copyOfRange(n.data, from, Math.max(from, to))));
                }
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public synchronized WriteHandle openWrite(URI uri) throws IOException {
        String p = path(uri);
        Node parent = nodes.get(parent(p));
        if (parent == null) throw new NoSuchFileException(uri.toString(), null, "no parent folder");
        if (parent.data != null) throw new FileSystemException(uri.toString(), null, "parent is a file");
        Node n = nodes.get(p);
        if (n != null && n.data == null) throw new FileSystemException(uri.toString(), null, "is a folder");
        if (n == null) {
            n = new Node();
            n.data = new byte[0];
            nodes.put(p, n);
        }
        Node file = n;
        return new WriteHandle() {
            @Override
            public void write(ByteBuffer src, long position) throws IOException {
                synchronized (MemoryEndpoint.this) {
                    if (position < 0) throw new IOException("position " + position + " is negative");
                    long end = position + src.remaining();
                    resize(uri, file, Math.max(end, file.size));
                    src.get(file.data, (int) position, src.remaining());
                }
            }

            @Override public void force() { }

            @Override
            public void truncate(long size) throws IOException {
                synchronized (MemoryEndpoint.this) {
                    if (size < 0) throw new IOException("size " + size + " is negative");
                    resize(uri, file, size);
                }
            }

            @Override public void close() { }
        };
    }

    /** Sets a file's size, within the byte limit (call holding the lock). */
    private void resize(URI uri, Node n, long size) throws IOException {
        long grow = size - n.size;
        if (size > Integer.MAX_VALUE - 8 || used + grow > maxBytes) {
            throw new FileSystemException(uri.toString(), null, "memory endpoint full: " + size + " bytes asked, " + (maxBytes - used + n.size) + " available");
        }
        if (size > n.data.length) n.data = Arrays.copyOf(n.data, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(size, 2L * n.data.length)));
        if (size < n.size) Arrays.fill(n.data, (int) size, n.size, (byte) 0);
        used += grow;
        n.size = (int) size;
        n.generation++;
        n.modified = System.currentTimeMillis();
    }

    @Override
    public synchronized void mkdirs(URI folder) throws IOException {
        String p = path(folder);
        List<String> missing = new ArrayList<>();
        for (String q = p; !nodes.containsKey(q); q = parent(q)) missing.add(q);
        for (String q = p; ; q = parent(q)) {
            Node n = nodes.get(q);
            if (n != null && n.data != null) throw new FileAlreadyExistsException(folder.toString(), null, q + " is a file");
            if (q.equals("/")) break;
        }
        for (String q : missing) nodes.put(q, new Node());
    }

    @Override
    public synchronized void rename(URI from, URI to) throws IOException {
        String a = path(from);
        String b = path(to);
        Node n = nodes.get(a);
        if (n == null) throw new NoSuchFileException(from.toString());
        if (n.data == null) throw new FileSystemException(from.toString(), null, "renaming folders is not supported");
        Node parent = nodes.get(parent(b));
        if (parent == null || parent.data != null) throw new NoSuchFileException(to.toString(), null, "no parent folder");
        Node old = nodes.get(b);
        if (old != null && old.data == null) throw new FileSystemException(to.toString(), null, "is a folder");
        if (old != null && old != n) used -= old.size;
        nodes.remove(a);
        nodes.put(b, n);
    }

    @Override
    public synchronized void delete(URI uri) throws IOException {
        String p = path(uri);
        if (p.equals("/")) throw new FileSystemException(uri.toString(), null, "the root cannot be deleted");
        Node n = nodes.get(p);
        if (n == null) return;
        if (n.data == null) {
            String prefix = p + "/";
            String next = nodes.higherKey(prefix);
            if (next != null && next.startsWith(prefix)) throw new FileSystemException(uri.toString(), null, "folder not empty");
        } else {
            used -= n.size;
        }
        nodes.remove(p);
    }

    @Override
    public synchronized void setModified(URI uri, long millis) throws IOException {
        Node n = nodes.get(path(uri));
        if (n == null) throw new NoSuchFileException(uri.toString());
        n.modified = millis;
    }

    /** Bytes held in all files (for tests and monitoring). */
    synchronized long used() {
        return used;
    }
}
