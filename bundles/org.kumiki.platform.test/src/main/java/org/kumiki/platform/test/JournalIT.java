package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.dto.JournalDamageDTO;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The platform's journal service in the framework: a damaged record costs that record only, the
 * damaged file is kept aside, the damage is listed by the service and shown by kumiki:status, and
 * a read-only replay changes nothing.
 */
class JournalIT {

    @InjectBundleContext
    BundleContext context;

    @InjectService
    JournalFactory journals;

    @InjectService
    CommandProcessor gogo;

    /** Writes k0..k(n-1); returns each record's start offset and the end. */
    long[] write(Path dir, int n) throws Exception {
        long[] at = new long[n + 1];
        try (Journal j = journals.open(dir, (k, v) -> {})) {
            for (int i = 0; i < n; i++) {
                j.flush();
                at[i] = Files.size(dir.resolve("journal.log"));
                j.put("k" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8));
            }
        }
        at[n] = Files.size(dir.resolve("journal.log"));
        return at;
    }

    @Test
    void aDamagedRecordCostsThatRecordOnlyIsKeptAsideListedAndShownByStatus(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("sched");
        long[] at = write(dir, 40);
        Path file = dir.resolve("journal.log");
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 0; i < 3; i++) bytes[(int) at[20] + 10 + i] ^= 0x33;
        Files.write(file, bytes);

        // read only: the records come back, the file stays as it is
        Map<String, byte[]> read = new LinkedHashMap<>();
        journals.read(dir, read::put);
        assertEquals(39, read.size());
        assertArrayEquals(bytes, Files.readAllBytes(file));

        Map<String, String> seen = new LinkedHashMap<>();
        journals.open(dir, (k, v) -> seen.put(k, new String(v, StandardCharsets.UTF_8))).close();
        assertEquals(39, seen.size());
        assertFalse(seen.containsKey("k20"));
        assertEquals("value-39", seen.get("k39"));

        JournalDamageDTO d = null;
        for (JournalDamageDTO x : journals.damage()) {
            if (x.file.equals(file.toAbsolutePath().toString()) && !x.readOnly) d = x;
        }
        assertNotNull(d, journals.damage().toString());
        assertEquals(at[21] - at[20], d.droppedBytes);
        assertEquals(39, d.recordsKept);
        assertArrayEquals(bytes, Files.readAllBytes(Path.of(d.keptAside)));

        // kumiki:status lists it
        Bundle commands = context.installBundle(Path.of(context.getProperty("kumiki.test.deployables")).resolve("org.kumiki.platform.command.jar").toUri().toString());
        try {
            commands.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (context.getAllServiceReferences(null, "(&(osgi.command.scope=kumiki)(osgi.command.function=status))") == null) {
                if (System.nanoTime() > deadline) fail("kumiki commands did not register");
                Thread.sleep(50);
            }
            String status = run("kumiki:status");
            assertTrue(status.contains("Journal damage since start: "), status);
            assertTrue(status.contains(file.toAbsolutePath().toString()), status);
            assertTrue(status.contains("[" + at[20] + "," + at[21] + ")"), status);
            assertTrue(status.contains("damaged file kept as " + d.keptAside), status);
            assertFalse(run("kumiki:status -d scheduler").contains("Journal damage"));
        } finally {
            commands.uninstall();
        }
    }

    @Test
    void readingAMissingJournalCreatesNothing(@TempDir Path tmp) {
        Path dir = tmp.resolve("none");
        try {
            journals.read(dir, (k, v) -> {});
            fail("read a journal that does not exist");
        } catch (NoSuchFileException e) {
            assertTrue(e.getMessage().contains("no journal"), e.getMessage());
        } catch (Exception e) {
            fail(e);
        }
        assertFalse(Files.exists(dir));
        assertEquals(List.of(), List.of(tmp.toFile().list()));
    }

    String run(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
                CommandSession s = gogo.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object r = s.execute(command);
            return r == null ? out.toString(StandardCharsets.UTF_8) : s.format(r, Converter.INSPECT).toString();
        }
    }
}
