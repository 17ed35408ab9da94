package org.kumiki.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.data.api.TransferRejectedException;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;

class EngineTest {

    static final long CHUNK = 256 << 10;

    @TempDir
    Path tmp;
    TransferServiceImpl svc;
    final FaultyEndpoint faulty = new FaultyEndpoint();

    TransferServiceImpl svc() throws Exception {
        if (svc == null) svc = Fixtures.service(tmp.resolve("state"), CHUNK, faulty);
        return svc;
    }

    @AfterEach
    void close() {
        if (svc != null) svc.close();
    }

    static TransferRequest req(String src, String dst, boolean recursive) {
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(src, dst, recursive));
        return r;
    }

    TransferTaskDTO run(TransferRequest r) throws Exception {
        TransferTaskDTO t = svc().submit(r);
        return Fixtures.await(svc(), t.id);
    }

    @Test
    void copiesALargeFileInVerifiedChunksAndASparseOne() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big.bin"), 10 * CHUNK + 12345, 1);
        Files.setLastModifiedTime(src, FileTime.fromMillis(1_600_000_000_000L));
        Path dst = tmp.resolve("dst/big.bin");
        TransferTaskDTO t = run(req(src.toString(), dst.toString(), false));
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertEquals(Fixtures.sha256(src), Fixtures.sha256(dst));
        assertEquals(1_600_000_000_000L, Files.getLastModifiedTime(dst).toMillis());
        assertEquals(1, t.filesDone);
        assertEquals(Files.size(src), t.bytesDone);
        assertEquals(Files.size(src), t.bytesTransferred);
        assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty());
        // a sparse file: a hole in the middle
        Path sparse = tmp.resolve("src/sparse.bin");
        try (var ch = java.nio.channels.FileChannel.open(sparse, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 5 * CHUNK);
        }
        TransferTaskDTO s = run(req(sparse.toString(), tmp.resolve("dst/").toString() + "/", false));
        assertEquals(TransferState.SUCCEEDED, s.state, String.valueOf(s.errors));
        assertEquals(Fixtures.sha256(sparse), Fixtures.sha256(tmp.resolve("dst/sparse.bin")));
    }

    @Test
    void copiesTreesOfSmallFilesAndHonoursSyncLevels() throws Exception {
        for (int i = 0; i < 300; i++) Fixtures.random(tmp.resolve("src/d" + (i % 7) + "/f" + i), 4096 + i, i);
        Files.createDirectories(tmp.resolve("src/empty"));
        Files.write(tmp.resolve("src/zero"), new byte[0]);
        TransferTaskDTO t = run(req(tmp.resolve("src").toString(), tmp.resolve("dst").toString(), true));
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertEquals(301, t.filesDone);
        assertTrue(Files.isDirectory(tmp.resolve("dst/empty")));
        for (int i = 0; i < 300; i += 37) {
            assertEquals(Fixtures.sha256(tmp.resolve("src/d" + (i % 7) + "/f" + i)), Fixtures.sha256(tmp.resolve("dst/d" + (i % 7) + "/f" + i)));
        }
        // again with sync level SIZE: nothing moves, and an extraneous file is deleted when asked
        Files.write(tmp.resolve("dst/extra"), new byte[] {1});
        TransferRequest again = req(tmp.resolve("src").toString(), tmp.resolve("dst").toString(), true);
        again.syncLevel = "size";
        again.deleteExtraneous = true;
        TransferTaskDTO t2 = run(again);
        assertEquals(TransferState.SUCCEEDED, t2.state);
        assertEquals(301, t2.filesSkipped);
        assertEquals(0, t2.bytesTransferred);
        assertFalse(Files.exists(tmp.resolve("dst/extra")));
        // CHECKSUM notices content that SIZE does not
        Path f0 = tmp.resolve("dst/d0/f0");
        byte[] b = Files.readAllBytes(f0);
        b[0] ^= 1;
        Files.write(f0, b);
        TransferRequest sum = req(tmp.resolve("src").toString(), tmp.resolve("dst").toString(), true);
        sum.syncLevel = "CHECKSUM";
        sum.checksum = "xxh64";
        TransferTaskDTO t3 = run(sum);
        assertEquals(1, t3.filesDone);
        assertEquals(300, t3.filesSkipped);
        assertEquals(Fixtures.sha256(tmp.resolve("src/d0/f0")), Fixtures.sha256(f0));
        assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty());
    }

    @Test
    void submissionIsIdempotentByClientId() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/a"), 1000, 2);
        TransferRequest r = req(src.toString(), tmp.resolve("dst/a").toString(), false);
        r.clientSubmissionId = "client-42";
        TransferTaskDTO a = svc().submit(r);
        TransferTaskDTO b = svc().submit(r);
        assertEquals(a.id, b.id);
        assertEquals(1, svc().tasks().size());
        assertEquals(TransferState.SUCCEEDED, Fixtures.await(svc(), a.id).state);
        r.clientSubmissionId = "bad id with spaces";
        assertThrows(TransferRejectedException.class, () -> svc().submit(r));
    }

    @Test
    void sameClientIdWithADifferentRequestIsRefusedNamingWhatDiffers() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/a"), 1000, 2);
        Path other = Fixtures.random(tmp.resolve("src/b"), 2000, 3);
        TransferRequest r = req(src.toString(), tmp.resolve("dst/a").toString(), false);
        r.clientSubmissionId = "client-7";
        TransferTaskDTO a = svc().submit(r);
        assertEquals(TransferState.SUCCEEDED, Fixtures.await(svc(), a.id).state);
        // the same request again, also once the first is over, and with a default spelled out: the same task
        TransferRequest same = req("file://" + src, tmp.resolve("dst/a").toString(), false);
        same.clientSubmissionId = "client-7";
        same.syncLevel = "none";
        assertEquals(a.id, svc().submit(same).id);
        // another source under the same id: refused in one line naming the difference, nothing copied
        TransferRequest diff = req(other.toString(), tmp.resolve("dst/b").toString(), false);
        diff.clientSubmissionId = "client-7";
        diff.checksum = "xxh64";
        TransferRejectedException e = assertThrows(TransferRejectedException.class, () -> svc().submit(diff));
        String m = e.getMessage();
        assertTrue(m.contains("client-7") && m.contains(a.id), m);
        assertTrue(m.contains("source 'file://" + src + "' then, 'file://" + other + "' now"), m);
        assertTrue(m.contains("destination") && m.contains("checksum 'sha256' then, 'xxh64' now"), m);
        assertFalse(m.contains("\n"), m);
        assertFalse(Files.exists(tmp.resolve("dst/b")), "nothing copied");
        assertEquals(1, svc().tasks().size());
        // an option alone differs
        TransferRequest del = req(src.toString(), tmp.resolve("dst/a").toString(), false);
        del.clientSubmissionId = "client-7";
        del.deleteExtraneous = true;
        del.links = "follow";
        String m2 = assertThrows(TransferRejectedException.class, () -> svc().submit(del)).getMessage();
        assertTrue(m2.contains("delete extraneous false then, true now") && m2.contains("links 'SKIP' then, 'FOLLOW' now"), m2);
        // the refusal holds after a restart (the id and the request come back from the journal)
        svc.close();
        svc = null;
        assertThrows(TransferRejectedException.class, () -> svc().submit(diff));
        assertEquals(a.id, svc().submit(same).id);
    }

    @Test
    void refusesHostileAndMalformedRequests() throws Exception {
        String ok = tmp.resolve("x").toString();
        String[][] bad = {{"file:///etc/../etc/passwd", ok}, {ok, "file:///tmp/a/../../etc/x"}, {"/tmp/a\0b", ok}, {ok, "relative"},
            {"nosuch:///x", ok}, {ok, "http://host/x"}, {ok, ok}, {tmp.toString(), tmp.resolve("inside").toString()}};
        for (String[] b : bad) {
            assertThrows(TransferRejectedException.class, () -> svc().submit(req(b[0], b[1], true)), b[0] + " -> " + b[1]);
        }
        TransferRequest r = req(ok, tmp.resolve("y").toString(), false);
        r.concurrency = 1000;
        assertThrows(TransferRejectedException.class, () -> svc().submit(r));
        r.concurrency = 0;
        r.chunkSize = 1;
        assertThrows(TransferRejectedException.class, () -> svc().submit(r));
        r.chunkSize = 0;
        r.syncLevel = "sometimes";
        assertThrows(TransferRejectedException.class, () -> svc().submit(r));
        r.syncLevel = null;
        r.checksum = "md5";
        assertThrows(TransferRejectedException.class, () -> svc().submit(r));
        r.checksum = "none";
        r.verify = true;
        assertThrows(TransferRejectedException.class, () -> svc().submit(r));
        r.verify = null;
        r.bandwidthLimit = -5;
        assertThrows(TransferRejectedException.class, () -> svc().submit(r));
        assertThrows(TransferRejectedException.class, () -> svc().submit(new TransferRequest()));
        assertThrows(TransferRejectedException.class, () -> svc().submit(null));
        assertTrue(svc().tasks().isEmpty(), "nothing recorded for rejected requests");
        assertThrows(TransferRejectedException.class, () -> svc().list(URI.create("file:///tmp/../etc")));
    }

    @Test
    void refusesHostileNamesFromAListing() throws Exception {
        Fixtures.random(tmp.resolve("src/good"), 100, 3);
        faulty.extraNames.addAll(List.of("../escape", "a/b", "nul\0name", ".", ".."));
        TransferTaskDTO t = run(req("faulty://" + tmp.resolve("src"), tmp.resolve("dst").toString(), true));
        assertEquals(TransferState.FAILED, t.state);
        assertEquals(1, t.filesDone);
        assertEquals(5, t.errors.size(), String.valueOf(t.errors));
        assertTrue(t.errors.stream().allMatch(e -> e.message.startsWith("refused")), String.valueOf(t.errors));
        assertFalse(Files.exists(tmp.resolve("escape")));
        assertTrue(Files.exists(tmp.resolve("dst/good")));
    }

    @Test
    void corruptedDestinationChunkIsDetectedAndSentAgain() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big"), 6 * CHUNK, 4);
        faulty.corruptions.set(2);
        TransferTaskDTO t = run(req(src.toString(), "faulty://" + tmp.resolve("dst/big"), false));
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertTrue(t.chunksResent >= 1, "resent " + t.chunksResent);
        assertEquals(Fixtures.sha256(src), Fixtures.sha256(tmp.resolve("dst/big")));
        // a small file too
        Path small = Fixtures.random(tmp.resolve("src/small"), 5000, 5);
        faulty.corruptions.set(1);
        TransferTaskDTO s = run(req(small.toString(), "faulty://" + tmp.resolve("dst/small"), false));
        assertEquals(TransferState.SUCCEEDED, s.state);
        assertEquals(1, s.chunksResent);
        assertEquals(Fixtures.sha256(small), Fixtures.sha256(tmp.resolve("dst/small")));
    }

    @Test
    void unverifiedCorruptionIsNotCaughtWhichShowsTheCheckMatters() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big"), 3 * CHUNK, 6);
        faulty.corruptions.set(1);
        TransferRequest r = req(src.toString(), "faulty://" + tmp.resolve("dst/big"), false);
        r.verify = false;
        TransferTaskDTO t = run(r);
        assertEquals(TransferState.SUCCEEDED, t.state);
        assertNotEquals(Fixtures.sha256(src), Fixtures.sha256(tmp.resolve("dst/big")));
    }

    @Test
    void connectionCutMidChunkIsRetried() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big"), 4 * CHUNK + 7, 7);
        faulty.cutAfter = CHUNK / 3;
        faulty.cuts.set(3);
        TransferTaskDTO t = run(req("faulty://" + src, tmp.resolve("dst/big").toString(), false));
        assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
        assertEquals(3, t.chunksResent);
        assertEquals(Fixtures.sha256(src), Fixtures.sha256(tmp.resolve("dst/big")));
        // more cuts than retries: the file fails, nothing under its name
        faulty.cuts.set(100);
        TransferRequest r = req("faulty://" + src, tmp.resolve("dst/big2").toString(), false);
        r.retries = 1;
        TransferTaskDTO f = run(r);
        assertEquals(TransferState.FAILED, f.state);
        assertTrue(f.errors.get(0).message.contains("Connection reset"), f.errors.get(0).message);
        assertFalse(Files.exists(tmp.resolve("dst/big2")));
        assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty(), String.valueOf(Fixtures.leftovers(tmp.resolve("dst"))));
    }

    @Test
    void smallFileThatGrowsOrShrinksAfterListingIsReportedNotCopied() throws Exception {
        Fixtures.random(tmp.resolve("src/a/one"), 4096, 3);
        for (long delta : new long[] {-1, 1}) {
            faulty.listedSizeDelta = delta;
            String dst = "dst" + delta;
            TransferRequest r = req(FaultyEndpoint.faulty(tmp.resolve("src/a").toUri()).toString(), tmp.resolve(dst).toUri().toString(), true);
            TransferTaskDTO f = run(r);
            faulty.listedSizeDelta = 0;
            assertEquals(TransferState.FAILED, f.state, "size delta " + delta);
            assertTrue(f.errors.get(0).message.contains("changed during the transfer"), f.errors.get(0).message);
            assertEquals(1, f.errors.get(0).attempts, "a changed source is not retried");
            assertFalse(Files.exists(tmp.resolve(dst + "/one")));
            assertTrue(Fixtures.leftovers(tmp.resolve(dst)).isEmpty(), String.valueOf(Fixtures.leftovers(tmp.resolve(dst))));
        }
    }

    @Test
    void sourceChangingDuringTheTransferIsReported() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big"), 8 * CHUNK, 8);
        TransferRequest r = req(src.toString(), tmp.resolve("dst/big").toString(), false);
        r.bandwidthLimit = 4 * CHUNK; // two seconds
        r.parallelStreams = 1;
        TransferTaskDTO t = svc().submit(r);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (svc().task(t.id).get().bytesTransferred == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        Files.write(src, new byte[] {42}, java.nio.file.StandardOpenOption.APPEND);
        TransferTaskDTO end = Fixtures.await(svc(), t.id);
        assertEquals(TransferState.FAILED, end.state);
        assertTrue(end.errors.get(0).message.contains("changed during the transfer"), end.errors.get(0).message);
        assertEquals(1, end.errors.get(0).attempts, "a changed source is not retried");
        assertFalse(Files.exists(tmp.resolve("dst/big")));
        assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty());
    }

    static boolean run(String... cmd) throws Exception {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
    }

    @Test
    void permissionDeniedIsAClearErrorAndWritesNothing() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/a"), 5000, 9);
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        boolean root = "root".equals(System.getProperty("user.name"));
        // root passes permission bits: an immutable folder (ext4, xfs), else a read-only mount
        String undo = null;
        if (!root) {
            assertTrue(locked.toFile().setWritable(false));
        } else if (run("chattr", "+i", locked.toString())) {
            undo = "chattr";
        } else {
            assertTrue(run("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", locked.toString()), "neither chattr +i nor a read-only mount works here");
            undo = "umount";
        }
        try {
            TransferTaskDTO t = run(req(src.toString(), locked.resolve("a").toString(), false));
            assertEquals(TransferState.FAILED, t.state);
            String m = t.errors.get(0).message;
            assertTrue(m.contains("permission denied") || m.contains("Operation not permitted") || m.contains("Read-only file system"), m);
            assertEquals(1, t.errors.get(0).attempts, "not retried");
        } finally {
            if ("chattr".equals(undo)) run("chattr", "-i", locked.toString());
            else if ("umount".equals(undo)) run("umount", locked.toString());
            else locked.toFile().setWritable(true);
        }
        try (var s = Files.list(locked)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void fullDestinationFailsCleanly() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big"), 3 * CHUNK, 10);
        Path small = Fixtures.random(tmp.resolve("src/small"), 100, 11);
        // a real 1 MiB tmpfs where we may mount one (root); else an endpoint that runs out of space
        Path mnt = Files.createDirectories(tmp.resolve("full"));
        boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mnt.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        try {
            String dst = mounted ? mnt.resolve("big").toString() : "faulty://" + mnt.resolve("big");
            if (!mounted) faulty.space.set(CHUNK);
            TransferRequest r = req(src.toString(), dst, false);
            r.items.add(TransferItem.of(small.toString(), mounted ? mnt.resolve("small").toString() : "faulty://" + mnt.resolve("small"), false));
            TransferTaskDTO t = run(r);
            assertEquals(TransferState.FAILED, t.state);
            assertTrue(t.errors.get(0).message.contains("destination full"), t.errors.get(0).message);
            assertFalse(Files.exists(mnt.resolve("big")), "nothing under the final name");
            assertTrue(Fixtures.leftovers(mnt).isEmpty(), "partial file removed");
        } finally {
            if (mounted) new ProcessBuilder("umount", mnt.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void cancelRemovesPartialFiles() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big"), 8 * CHUNK, 12);
        TransferRequest r = req(src.toString(), tmp.resolve("dst/big").toString(), false);
        r.bandwidthLimit = 2 * CHUNK;
        TransferTaskDTO t = svc().submit(r);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (svc().task(t.id).get().bytesTransferred == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        svc().cancel(t.id);
        TransferTaskDTO end = Fixtures.await(svc(), t.id);
        assertEquals(TransferState.CANCELED, end.state);
        assertFalse(Files.exists(tmp.resolve("dst/big")));
        assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty());
        assertTrue(svc().cancel("xfer-nope").isEmpty());
    }

    @Test
    void listsFoldersAndRefusesUnknownSchemes() throws Exception {
        Fixtures.random(tmp.resolve("src/b"), 10, 1);
        Fixtures.random(tmp.resolve("src/a"), 20, 1);
        List<EntryDTO> l = svc().list(tmp.resolve("src").toUri());
        assertEquals(List.of("a", "b"), l.stream().map(e -> e.name).toList());
        assertEquals(20, l.get(0).size);
        assertThrows(TransferRejectedException.class, () -> svc().list(URI.create("gopher:///x")));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> svc().list(tmp.resolve("nothing").toUri()));
        assertEquals(List.of("faulty", "file"), svc().endpoints().stream().map(e -> e.schemes.get(0)).toList());
    }
}
