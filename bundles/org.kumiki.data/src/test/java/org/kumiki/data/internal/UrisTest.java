package org.kumiki.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.kumiki.data.api.TransferRejectedException;

class UrisTest {

    @Test
    void refusesHostileUris() {
        String[] bad = {"", " ", "file:///tmp/../etc/passwd", "file:///tmp/a/..", "file:///tmp/./x", "file:///tmp/a%00b", "/tmp/a\0b",
            "relative/path", "file:relative", "mailto:x@y", "file:///tmp/a\nb", "::::", "sftp://host/a/../../etc", "file:///a/%2e%2e/b"};
        for (String b : bad) {
            assertThrows(TransferRejectedException.class, () -> Uris.parse(b), b);
        }
        assertThrows(TransferRejectedException.class, () -> Uris.parse(null));
        assertThrows(TransferRejectedException.class, () -> Uris.parse("file:///" + "a".repeat(9000)));
    }

    @Test
    void acceptsPlainAndEncodedPaths() {
        assertEquals("/tmp/a b", Uris.parse("/tmp/a b").getPath());
        assertEquals("file", Uris.parse("/tmp/x").getScheme());
        assertEquals("/tmp/x/", Uris.parse("/tmp/x/").getPath());
        URI s = Uris.parse("sftp://u@h:2222/data/f..g");
        assertEquals("/data/f..g", s.getPath());
        assertEquals(2222, s.getPort());
        assertEquals("/data/f..g/c d", Uris.child(s, "c d").getPath());
        assertEquals("u", Uris.child(s, "c").getUserInfo());
        assertEquals("/data", Uris.parent(s).getPath());
        assertEquals("f..g", Uris.name(s));
    }

    @Test
    void namesAreOneSafeSegment() {
        assertNull(Uris.checkName("ok.txt"));
        assertNull(Uris.checkName("..hidden"));
        for (String n : new String[] {"", ".", "..", "a/b", "/abs", "nul\0x", "x".repeat(256)}) {
            assertNotNull(Uris.checkName(n), n);
        }
        assertNotNull(Uris.checkName(null));
    }

    @Test
    void redactsPasswords() {
        String r = Uris.redact(URI.create("sftp://user:secret@host/x"));
        assertTrue(r.contains("user:***") && !r.contains("secret"), r);
    }

    @Test
    void destinationInsideSourceIsDetected() {
        assertTrue(TransferServiceImpl.sameOrInside(URI.create("file:///a/b"), URI.create("file:///a/b/c")));
        assertTrue(TransferServiceImpl.sameOrInside(URI.create("file:///a/b/"), URI.create("file:///a/b")));
        assertTrue(!TransferServiceImpl.sameOrInside(URI.create("file:///a/b"), URI.create("file:///a/bc")));
        assertTrue(!TransferServiceImpl.sameOrInside(URI.create("sftp://h1/a"), URI.create("sftp://h2/a/b")));
    }
}
