package org.kumiki.data.command.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.internal.FileEndpoint;
import org.kumiki.data.internal.TransferServiceImpl;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.platform.shelltest.GogoShell;

/** The commands through a real Gogo shell against the real transfer engine and file endpoint. */
class GogoDataTest {

    @TempDir
    Path tmp;
    GogoShell shell;
    TransferServiceImpl svc;
    final ByteArrayOutputStream progress = new ByteArrayOutputStream();

    @BeforeEach
    void givenAShell() throws Exception {
        JournalFactoryComponent journals = JournalFactoryComponent.withInterval(20);
        TransferServiceImpl.Settings s = new TransferServiceImpl.Settings();
        s.chunkSize = 64 << 10;
        svc = TransferServiceImpl.open(journals, tmp.resolve("state"), s);
        svc.addEndpoint(new FileEndpoint(), Map.of(Endpoint.SCHEME, "file"));
        DataCommands commands = new DataCommands(svc, new PrintStream(progress, true, StandardCharsets.UTF_8), 20);
        shell = new GogoShell().add("data", commands, "endpoints", "ls", "transfer", "tasks", "show", "cancel");
    }

    @AfterEach
    void stop() {
        shell.close();
        svc.close();
    }

    String run(String line) throws Exception {
        return shell.run(line);
    }

    String fails(String line) {
        return shell.failure(line).getMessage();
    }

    void file(Path p, int size) throws Exception {
        Files.createDirectories(p.getParent());
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        Files.write(p, b);
    }

    @Test
    void transfersWithProgressAndShowsTheTask() throws Exception {
        file(tmp.resolve("src/a/one"), 3000);
        file(tmp.resolve("src/big"), 1 << 20);
        String out = run("data:transfer -r -c xxh64 -l nightly --bwlimit 2M " + tmp.resolve("src") + " " + tmp.resolve("dst"));
        assertTrue(out.contains("SUCCEEDED: 2 copied, 0 skipped, 0 failed of 2 files"), out);
        assertArrayEquals(Files.readAllBytes(tmp.resolve("src/big")), Files.readAllBytes(tmp.resolve("dst/big")));
        String p = progress.toString(StandardCharsets.UTF_8);
        assertTrue(p.contains("ACTIVE") && p.contains("/s") && p.contains("ETA"), p);
        String id = out.substring(0, out.indexOf(' '));
        assertTrue(run("data:tasks").contains(id));
        String show = run("data:show " + id);
        assertTrue(show.contains("label:       nightly") && show.contains("checksum xxh64 verified"), show);
        assertTrue(run("data:ls " + tmp.resolve("dst")).contains("a/"));
        assertTrue(run("data:endpoints").contains("local files"));
        // sync level: a second run skips
        String again = run("data:transfer -r --sync size " + tmp.resolve("src") + " " + tmp.resolve("dst"));
        assertTrue(again.contains("0 copied, 2 skipped"), again);
    }

    @Test
    void linksAreReportedOrCopiedAndAReusedIdWithAnotherRequestIsRefused() throws Exception {
        file(tmp.resolve("src/real"), 100);
        Files.createSymbolicLink(tmp.resolve("src/link"), Path.of("real"));
        String out = run("data:transfer -r --id tree-1 " + tmp.resolve("src") + " " + tmp.resolve("dst"));
        assertTrue(out.contains("SUCCEEDED: 1 copied") && out.contains("1 symbolic link(s) skipped") && out.contains("/src/link: symbolic link"), out);
        // the same id and request: the earlier task, said so
        String same = run("data:transfer --no-wait -r --id tree-1 " + tmp.resolve("src") + " " + tmp.resolve("dst"));
        assertTrue(same.startsWith("Already submitted as xfer-"), same);
        // the same id, another request: one line naming the difference, nothing copied
        String refused = fails("data:transfer -r --links copy --id tree-1 " + tmp.resolve("src") + " " + tmp.resolve("dst2"));
        assertTrue(refused.contains("different request") && refused.contains("destination") && refused.contains("links 'SKIP' then, 'COPY' now"), refused);
        assertFalse(Files.exists(tmp.resolve("dst2")));
        String copied = run("data:transfer -r --links copy " + tmp.resolve("src") + " " + tmp.resolve("dst2"));
        assertTrue(copied.contains("SUCCEEDED: 2 copied"), copied);
        assertEquals(Path.of("real"), Files.readSymbolicLink(tmp.resolve("dst2/link")));
        assertTrue(fails("data:transfer -r --links sometimes /a /b").contains("unknown links mode"));
    }

    @Test
    void noWaitAndCancel() throws Exception {
        file(tmp.resolve("src/big"), 2 << 20);
        String out = run("data:transfer --no-wait --bwlimit 64K --id job-1 " + tmp.resolve("src/big") + " " + tmp.resolve("dst/big"));
        assertTrue(out.startsWith("Submitted xfer-"), out);
        String id = out.substring("Submitted ".length(), out.indexOf(' ', "Submitted ".length()));
        String same = run("data:transfer --no-wait --bwlimit 64K --id job-1 " + tmp.resolve("src/big") + " " + tmp.resolve("dst/big"));
        assertTrue(same.contains(id), same);
        assertTrue(run("data:cancel " + id).startsWith(id));
        svc.await(id).toCompletableFuture().get();
        assertTrue(run("data:show " + id).contains("state:       CANCELED"));
        assertFalse(Files.exists(tmp.resolve("dst/big")));
    }

    @Test
    void badInputIsOneLineErrors() throws Exception {
        assertTrue(fails("data:transfer /tmp/only-one").contains("needs SRC and DST"));
        assertTrue(fails("data:transfer -j 0 /a /b").contains("between 1 and 256"));
        assertTrue(fails("data:transfer -j lots /a /b").contains("whole number"));
        assertTrue(fails("data:transfer --bwlimit fast /a /b").contains("size"));
        assertTrue(fails("data:transfer --frobnicate /a /b").contains("unknown option"));
        assertTrue(fails("data:transfer -s sometimes /a /b").contains("sync level"));
        assertTrue(fails("data:transfer -c md5 /a /b").contains("md5"));
        assertTrue(fails("data:transfer /tmp/x/../etc /tmp/y").contains("'..'"));
        assertTrue(fails("data:transfer gopher://h/x /tmp/y").contains("no endpoint for scheme 'gopher'"));
        assertTrue(fails("data:transfer --label").contains("needs a value"));
        assertTrue(fails("data:show xfer-nothing").contains("no transfer task"));
        assertTrue(fails("data:cancel xfer-nothing").contains("no transfer task"));
        assertTrue(fails("data:ls file:///nope/../etc").contains("'..'"));
        assertTrue(fails("data:ls " + tmp.resolve("missing")).contains("missing"));
        assertEquals("No tasks.\n", run("data:tasks"));
        assertTrue(run("data:transfer --help").contains("--recursive"));
    }

    @Test
    void sizesAndNumbersUseTheOneCommandGrammar() {
        // --chunk 1.5G used to fail here while sched:submit -m 1.5G worked
        assertEquals(3L << 29, TransferArgs.parse(new String[] {"--chunk", "1.5G", "/a", "/b"}).request.chunkSize);
        assertEquals(64L << 20, TransferArgs.parse(new String[] {"--chunk=64MiB", "/a", "/b"}).request.chunkSize);
        assertEquals(2L << 30, TransferArgs.parse(new String[] {"--chunk", "2GiB", "/a", "/b"}).request.chunkSize);
        assertEquals(10L << 20, TransferArgs.parse(new String[] {"-b", "10MB/s", "/a", "/b"}).request.bandwidthLimit);
        assertEquals(3L << 19, TransferArgs.parse(new String[] {"--bwlimit", "1.5M/s", "/a", "/b"}).request.bandwidthLimit);
        assertEquals(8, TransferArgs.parse(new String[] {"-j", "+8", "/a", "/b"}).request.concurrency);
        assertTrue(fails("data:transfer --chunk -1 /a /b").contains("must not be negative"));
        assertTrue(fails("data:transfer --chunk 99999999999T /a /b").contains("too large"));
        assertTrue(fails("data:transfer --chunk '' /a /b").contains("expected a size"));
        assertTrue(fails("data:transfer -j 99999999999999999999 /a /b").contains("between 1 and 256"));
        String hostile = fails("data:transfer --chunk '1G\u001b[2J' /a /b");
        assertTrue(hostile.contains("\\u001b[2J") && !hostile.contains("\u001b"), hostile);
    }
}
