package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.kumiki.data.api.spi.SourceChangedException;
import org.kumiki.data.api.spi.WriteHandle;

/** Unit tests: the endpoint is a plain object, built with {@code new}. */
class MemoryEndpointTest {
    final MemoryEndpoint ep = new MemoryEndpoint(config(1024));

    static URI u(String s) {
        return URI.create(s);
    }

    /** Writes {@code text} in two pieces (the second first, as parallel streams may) and reads it back. */
    static String roundTrip(Endpoint ep, String uri, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int half = b.length / 2;
        try (WriteHandle w = ep.openWrite(u(uri))) {
            w.write(ByteBuffer.wrap(b, half, b.length - half), half);
            w.write(ByteBuffer.wrap(b, 0, half), 0);
            w.force();
        }
        EntryDTO e = ep.stat(u(uri));
        try (ReadHandle r = ep.openRead(u(uri), e); InputStream in = Channels.newInputStream(r.range(0, e.size))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void writesListsRenamesAndDeletes() throws Exception {
        ep.mkdirs(u("mem:///runs/r1"));
        assertEquals("hello, transfer", roundTrip(ep, "mem:///runs/r1/a.part", "hello, transfer"));
        ep.rename(u("mem:///runs/r1/a.part"), u("mem:///runs/r1/a.txt"));
        List<EntryDTO> list = ep.list(u("mem:///runs/r1"));
        assertEquals(1, list.size());
        assertEquals("a.txt", list.get(0).name);
        assertEquals(15, list.get(0).size);
        assertEquals("dir", ep.stat(u("mem:///runs")).type);
        assertEquals(List.of("r1"), ep.list(u("mem:///runs/")).stream().map(x -> x.name).toList());
        assertEquals("folder not empty", assertThrows(FileSystemException.class, () -> ep.delete(u("mem:///runs/r1"))).getReason());
        ep.delete(u("mem:///runs/r1/a.txt"));
        ep.delete(u("mem:///runs/r1"));
        assertNull(ep.stat(u("mem:///runs/r1")));
        assertEquals(0, ep.used());
    }

    @Test
    void detectsAChangedSource() throws Exception {
        roundTrip(ep, "mem:///f", "one");
        EntryDTO before = ep.stat(u("mem:///f"));
        ReadHandle r = ep.openRead(u("mem:///f"), before);
        try (WriteHandle w = ep.openWrite(u("mem:///f"))) {
            w.truncate(1);
        }
        assertThrows(SourceChangedException.class, () -> r.range(0, 3));
        assertThrows(SourceChangedException.class, () -> ep.openRead(u("mem:///f"), before));
    }

    @Test
    void refusesBadRequestsWithOneLine() throws Exception {
        assertThrows(NoSuchFileException.class, () -> ep.openWrite(u("mem:///no/such/file")));
        assertEquals("not a mem: URI", assertThrows(FileSystemException.class, () -> ep.stat(u("file:///etc/passwd"))).getReason());
        assertEquals("not an absolute mem:/// path", assertThrows(FileSystemException.class, () -> ep.stat(u("mem:relative"))).getReason());
        try (WriteHandle w = ep.openWrite(u("mem:///big"))) {
            FileSystemException full = assertThrows(FileSystemException.class, () -> w.write(ByteBuffer.allocate(10), 1L << 40));
            assertEquals("memory endpoint full: 1099511627786 bytes asked, 1024 available", full.getReason());
            assertThrows(IOException.class, () -> w.write(ByteBuffer.allocate(1), -1));
        }
        assertEquals("max_bytes = -1 must be 0 or more", assertThrows(IllegalArgumentException.class, () -> new MemoryEndpoint(config(-1))).getMessage());
    }

    static MemoryEndpoint.Config config(long max) {
        return new MemoryEndpoint.Config() {
            @Override public Class<? extends Annotation> annotationType() { return MemoryEndpoint.Config.class; }
            @Override public long max_bytes() { return max; }
        };
    }
}
