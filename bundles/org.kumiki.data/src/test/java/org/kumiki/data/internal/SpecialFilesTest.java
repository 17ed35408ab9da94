package org.kumiki.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;

/**
 * Destinations and sources that are not regular files: devices, FIFOs, sockets, folders where
 * a file goes, symbolic links (skip, copy, follow, loops) and /proc files whose stat size is 0.
 * Each case uses the real file type, made in a temporary folder.
 */
class SpecialFilesTest {

    static final long CHUNK = 256 << 10;

    @TempDir
    Path tmp;
    TransferServiceImpl svc;
    ServerSocketChannel socket;

    @AfterEach
    void close() throws IOException {
        if (svc != null) svc.close();
        if (socket != null) socket.close();
    }

    TransferServiceImpl svc() throws Exception {
        if (svc == null) svc = Fixtures.service(tmp.resolve("state"), CHUNK);
        return svc;
    }

    static TransferRequest req(Path src, Path dst, boolean recursive) {
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(src.toString(), dst.toString(), recursive));
        return r;
    }

    TransferTaskDTO run(TransferRequest r) throws Exception {
        return Fixtures.await(svc(), svc().submit(r).id);
    }

    static void exec(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", cmd));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
    }

    static Path fifo(Path p) throws Exception {
        Files.createDirectories(p.getParent());
        exec("mkfifo", p.toString());
        return p;
    }

    Path socket(Path p) throws IOException {
        Files.createDirectories(p.getParent());
        socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(p));
        return p;
    }

    /** A character device like /dev/null: a real node where mknod is allowed, else a link to /dev/null. */
    static Path device(Path p) throws Exception {
        Files.createDirectories(p.getParent());
        Process mk = new ProcessBuilder("mknod", p.toString(), "c", "1", "3").redirectErrorStream(true).start();
        if (!mk.waitFor(60, TimeUnit.SECONDS) || mk.exitValue() != 0) Files.createSymbolicLink(p, Path.of("/dev/null"));
        return p;
    }

    static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
    }

    static void assertRefused(TransferTaskDTO t, String what) {
        assertEquals(TransferState.FAILED, t.state, String.valueOf(t.errors));
        assertEquals(1, t.errors.size(), String.valueOf(t.errors));
        String m = t.errors.get(0).message;
        assertTrue(m.contains(what) && m.contains("refused"), m);
        assertFalse(m.contains("\n"), m);
        assertEquals(1, t.errors.get(0).attempts, "refusals are not retried");
    }

    // ------------------------------------------------------------------ destinations

    @Test
    void refusesADeviceAsDestinationAndLeavesItAlone() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/a"), 5000, 1);
        Path dev = device(tmp.resolve("dst/null"));
        int before = Files.isSymbolicLink(dev) ? 0120000 : mode(dev);
        TransferTaskDTO t = run(req(src, dev, false));
        assertRefused(t, "character device");
        assertEquals(before, mode(dev), "the device (or the link to /dev/null) is still there");
        assertEquals(0, t.bytesTransferred, "nothing written");
        assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty());
    }

    @Test
    void refusesAFifoAsDestinationSingleAndInATree() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/a"), 5000, 2);
        Path f = fifo(tmp.resolve("dst/a"));
        assertRefused(run(req(src, f, false)), "FIFO");
        assertEquals(0010000, mode(f));
        // in a tree: the FIFO's file is refused, the others are copied
        Fixtures.random(tmp.resolve("src/b"), 300, 3);
        TransferTaskDTO t = run(req(tmp.resolve("src"), tmp.resolve("dst"), true));
        assertRefused(t, "FIFO");
        assertEquals(1, t.filesDone);
        assertEquals(0010000, mode(f));
        assertEquals(Fixtures.sha256(tmp.resolve("src/b")), Fixtures.sha256(tmp.resolve("dst/b")));
        assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty());
    }

    @Test
    void refusesASocketAsDestination() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/a"), 5000, 4);
        Path s = socket(tmp.resolve("dst/sock"));
        assertRefused(run(req(src, s, false)), "socket");
        assertEquals(0140000, mode(s));
    }

    @Test
    void refusesAFolderWhereAFileGoesAndAFileWhereAFolderGoes() throws Exception {
        Fixtures.random(tmp.resolve("src/a"), 100, 5);
        Fixtures.random(tmp.resolve("src/d/x"), 100, 6);
        Files.createDirectories(tmp.resolve("dst/a")); // an empty folder: a rename would replace it
        fifo(tmp.resolve("dst/d"));
        TransferTaskDTO t = run(req(tmp.resolve("src"), tmp.resolve("dst"), true));
        assertEquals(TransferState.FAILED, t.state);
        assertEquals(2, t.errors.size(), String.valueOf(t.errors));
        assertTrue(Files.isDirectory(tmp.resolve("dst/a"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(0010000, mode(tmp.resolve("dst/d")));
        assertTrue(t.errors.stream().anyMatch(e -> e.message.contains("FIFO (named pipe) where a folder is to go")), String.valueOf(t.errors));
        // a recursive item onto a FIFO
        TransferTaskDTO top = run(req(tmp.resolve("src/d"), tmp.resolve("dst/d"), true));
        assertRefused(top, "FIFO");
    }

    @Test
    void deleteNeverRemovesSpecialFilesOrLinks() throws Exception {
        Fixtures.random(tmp.resolve("src/a"), 100, 7);
        Fixtures.random(tmp.resolve("dst/extra"), 100, 8);
        fifo(tmp.resolve("dst/fifo"));
        socket(tmp.resolve("dst/sock"));
        Path target = Fixtures.random(tmp.resolve("elsewhere/keep"), 100, 9);
        Files.createSymbolicLink(tmp.resolve("dst/link"), target);
        TransferRequest r = req(tmp.resolve("src"), tmp.resolve("dst"), true);
        r.deleteExtraneous = true;
        TransferTaskDTO t = run(r);
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertFalse(Files.exists(tmp.resolve("dst/extra")));
        assertEquals(0010000, mode(tmp.resolve("dst/fifo")));
        assertEquals(0140000, mode(tmp.resolve("dst/sock")));
        assertTrue(Files.isSymbolicLink(tmp.resolve("dst/link")));
        assertTrue(Files.exists(target));
        assertEquals(3, t.notices.size(), String.valueOf(t.notices));
        assertTrue(t.notices.stream().allMatch(n -> n.message.contains("not deleted")), String.valueOf(t.notices));
    }

    // ------------------------------------------------------------------ sources

    Path treeWithLinks() throws Exception {
        Fixtures.random(tmp.resolve("src/real"), 1000, 10);
        Fixtures.random(tmp.resolve("src/sub/inner"), 2000, 11);
        Files.createSymbolicLink(tmp.resolve("src/tofile"), Path.of("real"));
        Files.createSymbolicLink(tmp.resolve("src/todir"), Path.of("sub"));
        return tmp.resolve("src");
    }

    @Test
    void linksAreSkippedAndReportedByDefault() throws Exception {
        Path src = treeWithLinks();
        fifo(src.resolve("pipe"));
        TransferTaskDTO t = run(req(src, tmp.resolve("dst"), true));
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertEquals(2, t.filesDone);
        assertEquals(2, t.linksSkipped);
        assertEquals(1, t.specialsSkipped);
        assertEquals(3, t.notices.size(), String.valueOf(t.notices));
        assertTrue(t.notices.stream().anyMatch(n -> n.source.endsWith("/tofile") && n.message.contains("symbolic link")), String.valueOf(t.notices));
        assertTrue(t.notices.stream().anyMatch(n -> n.source.endsWith("/pipe") && n.message.contains("FIFO")), String.valueOf(t.notices));
        assertFalse(Files.exists(tmp.resolve("dst/tofile"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(tmp.resolve("dst/pipe"), LinkOption.NOFOLLOW_LINKS));
        // the record survives a restart of the service
        svc.close();
        svc = null;
        TransferTaskDTO again = svc().task(t.id).orElseThrow();
        assertEquals(2, again.linksSkipped);
        assertEquals(3, again.notices.size());
    }

    @Test
    void linksCopiedAsLinks() throws Exception {
        Path src = treeWithLinks();
        TransferRequest r = req(src, tmp.resolve("dst"), true);
        r.links = "copy";
        TransferTaskDTO t = run(r);
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertEquals(4, t.filesDone);
        assertEquals(Path.of("real"), Files.readSymbolicLink(tmp.resolve("dst/tofile")));
        assertEquals(Path.of("sub"), Files.readSymbolicLink(tmp.resolve("dst/todir")));
        assertEquals(Fixtures.sha256(src.resolve("real")), Fixtures.sha256(tmp.resolve("dst/tofile")));
        // again: the same links are kept; a link whose target changed is replaced
        Files.delete(src.resolve("todir"));
        Files.createSymbolicLink(src.resolve("todir"), Path.of("real"));
        TransferRequest r2 = req(src, tmp.resolve("dst"), true);
        r2.links = "COPY";
        r2.syncLevel = "size";
        TransferTaskDTO t2 = run(r2);
        assertEquals(TransferState.SUCCEEDED, t2.state, String.valueOf(t2.errors));
        assertEquals(1, t2.filesDone);
        assertEquals(3, t2.filesSkipped);
        assertEquals(Path.of("real"), Files.readSymbolicLink(tmp.resolve("dst/todir")));
        assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty());
    }

    @Test
    void linksFollowedWithLoopsAndDanglingLinksReported() throws Exception {
        Path src = treeWithLinks();
        Files.createSymbolicLink(src.resolve("sub/up"), Path.of(".."));
        Files.createSymbolicLink(src.resolve("dangling"), Path.of("nothing-here"));
        TransferRequest r = req(src, tmp.resolve("dst"), true);
        r.links = "follow";
        TransferTaskDTO t = run(r);
        assertEquals(TransferState.FAILED, t.state);
        // the loop shows under both ways into sub/
        assertEquals(3, t.errors.size(), String.valueOf(t.errors));
        assertTrue(t.errors.stream().anyMatch(e -> e.source.endsWith("/sub/up") && e.message.contains("loop")), String.valueOf(t.errors));
        assertTrue(t.errors.stream().anyMatch(e -> e.source.endsWith("/todir/up") && e.message.contains("loop")), String.valueOf(t.errors));
        assertTrue(t.errors.stream().anyMatch(e -> e.source.endsWith("/dangling") && e.message.contains("dangling")), String.valueOf(t.errors));
        assertFalse(Files.isSymbolicLink(tmp.resolve("dst/tofile")));
        assertArrayEquals(Files.readAllBytes(src.resolve("real")), Files.readAllBytes(tmp.resolve("dst/tofile")));
        assertTrue(Files.isDirectory(tmp.resolve("dst/todir"), LinkOption.NOFOLLOW_LINKS));
        assertArrayEquals(Files.readAllBytes(src.resolve("sub/inner")), Files.readAllBytes(tmp.resolve("dst/todir/inner")));
        assertFalse(Files.exists(tmp.resolve("dst/todir/up"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(4, t.filesDone);
    }

    @Test
    void procFilesAreReadToTheirEnd() throws Exception {
        Path version = Path.of("/proc/version");
        Assumptions.assumeTrue(Files.isReadable(version) && Files.size(version) == 0, "no /proc here");
        byte[] expected = Files.readAllBytes(version);
        assertTrue(expected.length > 0);
        EntryDTO e = new FileEndpoint().stat(version.toUri());
        assertNotNull(e);
        assertEquals(-1, e.size, "a /proc file's size is unknown");
        TransferTaskDTO t = run(req(version, tmp.resolve("dst/version"), false));
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertArrayEquals(expected, Files.readAllBytes(tmp.resolve("dst/version")));
        assertEquals(expected.length, t.bytesDone);
        assertEquals(expected.length, t.bytesTotal);
        // through a link in a tree, followed
        Files.createDirectories(tmp.resolve("src2"));
        Files.createSymbolicLink(tmp.resolve("src2/v"), version);
        TransferRequest r = req(tmp.resolve("src2"), tmp.resolve("dst2"), true);
        r.links = "follow";
        TransferTaskDTO t2 = run(r);
        assertEquals(TransferState.SUCCEEDED, t2.state, String.valueOf(t2.errors));
        assertArrayEquals(expected, Files.readAllBytes(tmp.resolve("dst2/v")));
    }

    @Test
    void pseudoFileSystemsFromTheMountTable() {
        List<String> lines = List.of(
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "23 22 0:21 / /proc rw,nosuid shared:2 - proc proc rw",
                "24 22 0:22 / /sys rw,nosuid shared:3 - sysfs sysfs rw",
                "25 23 0:40 / /proc/sys/fs/binfmt_misc rw shared:4 - autofs systemd-1 rw",
                "26 22 0:41 / /mnt/my\\040disk rw - xfs /dev/sdb1 rw");
        List<PseudoFileSystems.Mount> table = PseudoFileSystems.parse(lines);
        assertTrue(PseudoFileSystems.onPseudo("/proc/version", table));
        assertTrue(PseudoFileSystems.onPseudo("/sys/kernel/x", table));
        assertFalse(PseudoFileSystems.onPseudo("/proc/sys/fs/binfmt_misc/status", table), "a nested mount of another type");
        assertFalse(PseudoFileSystems.onPseudo("/procfoo/x", table));
        assertFalse(PseudoFileSystems.onPseudo("/mnt/my disk/x", table));
        assertFalse(PseudoFileSystems.onPseudo("/home/x", table));
    }

    @Test
    void fileEndpointTellsSpecialFilesApart() throws Exception {
        Path f = fifo(tmp.resolve("k/fifo"));
        Path s = socket(tmp.resolve("k/sock"));
        Files.createSymbolicLink(tmp.resolve("k/link"), f);
        FileEndpoint ep = new FileEndpoint();
        assertEquals(EntryDTO.FIFO, ep.stat(f.toUri()).kind);
        assertEquals(EntryDTO.SOCKET, ep.stat(s.toUri()).kind);
        assertEquals(EntryDTO.FIFO, ep.stat(tmp.resolve("k/link").toUri()).kind, "stat follows links");
        List<EntryDTO> listed = ep.list(tmp.resolve("k").toUri());
        assertEquals(EntryDTO.SYMLINK, listed.stream().filter(x -> x.name.equals("link")).findFirst().orElseThrow().kind, "a listing does not");
        assertEquals(f.toString(), ep.readLink(tmp.resolve("k/link").toUri()));
        URI real = ep.realPath(tmp.resolve("k/link").toUri());
        assertEquals(f.toRealPath().toString(), Path.of(real).toString());
        assertEquals("character device", TaskRun.describeType(ep.stat(URI.create("file:///dev/null"))));
    }
}
