package org.kumiki.platform.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.UUID;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.log.LogAccess;
import org.kumiki.platform.api.log.LogEntryDTO;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The platform's LogAccess over the real Logback: the tail, and a level change that changes what is logged. */
class LogIT {

    @InjectBundleContext
    BundleContext context;

    @InjectService
    LogAccess logs;

    @InjectService
    CommandProcessor gogo;

    KumikiLog file;
    String name;
    Logger logger;

    @BeforeEach
    void setUp() {
        file = new KumikiLog(context);
        name = "org.kumiki.platform.test.level" + UUID.randomUUID().toString().replace("-", "");
        logger = LoggerFactory.getLogger(name);
    }

    List<String> messages() {
        return logs.tail(100, null, name).stream().map(e -> e.message).toList();
    }

    @Test
    void aLevelChangeReallyChangesWhatIsLoggedInMemoryAndInTheFile() throws Exception {
        logger.debug("hidden-1");
        logger.info("shown-1");
        assertEquals(List.of("shown-1"), messages());
        assertEquals("INFO", logs.effectiveLevel(name));

        logs.setLevel(name, "DEBUG");
        assertEquals("DEBUG", logs.levels().get(name));
        logger.debug("shown-2 " + name);
        assertEquals(List.of("shown-1", "shown-2 " + name), messages());
        String line = file.await("the DEBUG line in kumiki.log", l -> l.contains("shown-2 " + name));
        assertTrue(line.contains("DEBUG") && line.contains(name), line);

        logs.setLevel(name, "inherit");
        logger.debug("hidden-3");
        assertEquals(List.of("shown-1", "shown-2 " + name), messages());
        assertFalse(logs.levels().containsKey(name));
        assertFalse(file.text().contains("hidden-1") || file.text().contains("hidden-3"));
    }

    @Test
    void aFollowerGetsWhatCameAfterItsLastSequenceNumber() throws Exception {
        long seq = logs.lastSeq();
        logger.info("after-0");
        logger.warn("after-1");
        // at INFO: the console shows WARN and above, and a provoked stack trace stays out of it
        logger.info("after-2", new IllegalStateException("boom (provoked by LogIT)"));
        assertTrue(logs.awaitAfter(seq, 10_000) >= seq + 3);
        assertEquals(List.of("after-1"), logs.entriesAfter(seq, 100, "WARN", name).stream().map(e -> e.message).toList());
        List<LogEntryDTO> after = logs.entriesAfter(seq, 100, "INFO", name).subList(1, 3);
        assertEquals(List.of("after-1", "after-2"), after.stream().map(e -> e.message).toList());
        assertEquals(after.get(0).seq + 1, after.get(1).seq);
        assertTrue(after.get(1).throwable.startsWith("java.lang.IllegalStateException: boom"), after.get(1).throwable);
        assertEquals("INFO", after.get(1).level);
        assertTrue(logs.tail(10_000, null, null).get(0).seq >= 1);
    }

    @Test
    void logCommandsInGogo() throws Exception {
        try (PlatformCommands commands = new PlatformCommands(context, gogo, "log", "log-level")) {
            logger.info("gogo-marker");
            String tail = commands.run("kumiki:log -n 5 -g " + name);
            assertTrue(tail.contains("INFO  [") && tail.contains(name + " - gogo-marker"), tail);
            assertEquals(name + ": DEBUG (was INFO)", commands.run("kumiki:log-level " + name + " DEBUG").strip());
            assertEquals(name + ": DEBUG (set here)", commands.run("kumiki:log-level " + name).strip());
            assertTrue(commands.run("kumiki:log-level").contains(name));
            Exception bad = assertThrows(Exception.class, () -> commands.run("kumiki:log-level " + name + " LOUD"));
            assertEquals("unknown level 'LOUD': use TRACE, DEBUG, INFO, WARN, ERROR, OFF or inherit", bad.getMessage());
            Exception badN = assertThrows(Exception.class, () -> commands.run("kumiki:log -n 20000"));
            assertEquals("-n must be between 1 and 10000, not 20000", badN.getMessage());
            assertEquals(name + ": INFO (was DEBUG)", commands.run("kumiki:log-level " + name + " inherit").strip());
        }
    }
}
