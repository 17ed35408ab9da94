package org.kumiki.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.TransferTaskDTO;

/** kill -9 of a JVM in the middle of a transfer, then a restart that resumes it. */
class KillResumeTest {

    static final long CHUNK = 256 << 10;
    static final int CHUNKS = 24;

    @TempDir
    Path tmp;

    /** Starts the child, waits until at least {@code minChunks} chunks are done, kills it with SIGKILL. Returns the task id. */
    String runAndKill(Path state, Path src, Path dst, int minChunks) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "-Dlogback.configurationFile=none", ChildMain.class.getName(), state.toString(),
                src.toString(), dst.toString(), Long.toString(CHUNK), Long.toString(4 * CHUNK)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String id = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            String line;
            while ((line = r.readLine()) != null && System.nanoTime() < deadline) {
                if (line.startsWith("ID ")) id = line.substring(3);
                if (line.startsWith("DONE ")) {
                    long done = Long.parseLong(line.split(" ")[1]);
                    assertTrue(done < CHUNKS * CHUNK, "the child finished before it could be killed");
                    if (done >= minChunks * CHUNK) break;
                }
            }
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        assertNotNull(id);
        return id;
    }

    @Test
    void killedTransferResumesFromCompletedChunks() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big"), CHUNKS * CHUNK - 1000, 21);
        Path dst = tmp.resolve("dst/big");
        Path state = tmp.resolve("state");
        String id = runAndKill(state, src, dst, 6);
        assertFalse(Files.exists(dst), "nothing under the final name after the kill");
        TransferServiceImpl s = Fixtures.service(state, CHUNK);
        try {
            TransferTaskDTO t = Fixtures.await(s, id);
            assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
            assertEquals(1, t.resumes);
            assertTrue(t.chunksReused >= 4, "chunks kept: " + t.chunksReused);
            assertEquals(0, t.chunksResent);
            assertEquals(Files.size(src), t.bytesDone);
            assertEquals(Fixtures.sha256(src), Fixtures.sha256(dst));
            assertTrue(Fixtures.leftovers(tmp.resolve("dst")).isEmpty());
        } finally {
            s.close();
        }
        // the record survives another restart, finished
        TransferServiceImpl again = Fixtures.service(state, CHUNK);
        try {
            assertEquals(TransferState.SUCCEEDED, again.task(id).get().state);
        } finally {
            again.close();
        }
    }

    @Test
    void aChunkCorruptedWhileTheServiceWasDownIsSentAgain() throws Exception {
        Path src = Fixtures.random(tmp.resolve("src/big"), CHUNKS * CHUNK, 22);
        Path dst = tmp.resolve("dst/big");
        Path state = tmp.resolve("state");
        String id = runAndKill(state, src, dst, 6);
        List<Path> parts = Fixtures.leftovers(tmp.resolve("dst"));
        assertEquals(1, parts.size());
        // chunk 0 was done first with parallel streams = 2: damage it
        try (FileChannel ch = FileChannel.open(parts.get(0), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 10);
        }
        TransferServiceImpl s = Fixtures.service(state, CHUNK);
        try {
            TransferTaskDTO t = Fixtures.await(s, id);
            assertEquals(TransferState.SUCCEEDED, t.state, String.valueOf(t.errors));
            assertTrue(t.chunksResent >= 1, "resent " + t.chunksResent);
            assertTrue(t.chunksReused >= 3, "kept " + t.chunksReused);
            assertEquals(Fixtures.sha256(src), Fixtures.sha256(dst));
        } finally {
            s.close();
        }
    }
}
