package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.log.LogAccess;
import org.kumiki.platform.api.log.LogEntryDTO;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;

/** The in-memory ring and the levels, on a Logback context of its own. */
class LogbackLogAccessTest {

    LoggerContext context;
    LogAccess access;

    @BeforeEach
    void givenALoggerContextWithTheRing() {
        context = new LoggerContext();
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
        access = LogbackLogAccess.attach(context, 5, 1_000_000);
    }

    @AfterEach
    void detach() {
        LogbackLogAccess.detach(access);
        context.stop();
    }

    Logger logger(String name) {
        return context.getLogger(name);
    }

    static List<String> messages(List<LogEntryDTO> entries) {
        return entries.stream().map(e -> e.message).toList();
    }

    @Test
    void tailKeepsTheLastEntriesWithSequenceNumbersAndFilters() {
        logger("org.a.One").info("one");
        logger("org.a.One").debug("debug is below the root's INFO: not logged, not kept");
        logger("org.b.Two").warn("two");
        logger("org.a.One").error("three {}", 3, new IllegalStateException("boom"));
        List<LogEntryDTO> all = access.tail(10, null, null);
        assertEquals(List.of("one", "two", "three 3"), messages(all));
        assertEquals(List.of(1L, 2L, 3L), all.stream().map(e -> e.seq).toList());
        LogEntryDTO e = all.get(2);
        assertEquals("ERROR", e.level);
        assertEquals("org.a.One", e.logger);
        assertEquals(Thread.currentThread().getName(), e.thread);
        assertTrue(e.throwable.startsWith("java.lang.IllegalStateException: boom"), e.throwable);
        assertTrue(Math.abs(System.currentTimeMillis() - e.time) < 600_000);
        assertNull(all.get(0).throwable);
        assertEquals(List.of("two", "three 3"), messages(access.tail(10, "warn", "")));
        assertEquals(List.of("one", "three 3"), messages(access.tail(10, "", "org.a.")));
        assertEquals(List.of("three 3"), messages(access.tail(1, null, null)));
        assertEquals(3, access.lastSeq());
    }

    @Test
    void theRingEvictsTheOldestAndAFollowerSeesWhatCameAfterItsLastSequenceNumber() {
        for (int i = 1; i <= 8; i++) logger("x").info("m" + i);
        assertEquals(List.of("m4", "m5", "m6", "m7", "m8"), messages(access.tail(100, null, null)), "5 kept");
        assertEquals(List.of("m7", "m8"), messages(access.entriesAfter(6, 100, null, null)));
        assertEquals(List.of("m4", "m5"), messages(access.entriesAfter(0, 2, null, null)), "oldest kept first");
        assertEquals(List.of(), access.entriesAfter(8, 100, null, null));
        assertEquals(List.of(), access.entriesAfter(80, 100, null, null));
    }

    @Test
    void aHugeMessageIsCutAndTheCharacterBudgetEvictsOldEntries() {
        LogbackLogAccess.detach(access);
        access = LogbackLogAccess.attach(context, 1000, 100_000);
        logger("x").info("small");
        logger("x").info("y".repeat(LogAccess.MAX_MESSAGE_CHARS * 4));
        List<LogEntryDTO> t = access.tail(10, null, null);
        assertTrue(t.get(t.size() - 1).message.endsWith(" ... (" + LogAccess.MAX_MESSAGE_CHARS * 3 + " more characters)"));
        for (int i = 0; i < 30; i++) logger("x").info("z".repeat(8000));
        assertTrue(access.tail(1000, null, null).size() < 15, "about 100,000 characters kept");
    }

    @Test
    void awaitAfterWakesWhenAnEntryArrives() throws Exception {
        long seq = access.lastSeq();
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return access.awaitAfter(seq, 60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        logger("x").warn("wake up");
        assertEquals(seq + 1, waiter.get(60, TimeUnit.SECONDS));
        assertEquals(seq + 1, access.awaitAfter(seq, 0), "no wait when there is something newer");
    }

    @Test
    void levelsChangeWhatIsLoggedAndResetToTheParent() {
        logger("org.kumiki.demo").debug("hidden");
        access.setLevel("org.kumiki", "DEBUG");
        logger("org.kumiki.demo").debug("shown");
        assertEquals("DEBUG", access.effectiveLevel("org.kumiki.demo.Deep"));
        assertEquals(Map.of("ROOT", "INFO", "org.kumiki", "DEBUG"), access.levels());
        access.setLevel("org.kumiki", "inherit");
        logger("org.kumiki.demo").debug("hidden again");
        assertEquals("INFO", access.effectiveLevel("org.kumiki.demo"));
        assertEquals(List.of("shown"), messages(access.tail(10, null, "org.kumiki.demo")));
        access.setLevel("root", "warn");
        assertEquals("WARN", access.levels().get("ROOT"));
        access.setLevel("org.kumiki", "off");
        assertEquals("OFF", access.effectiveLevel("org.kumiki.x"));
    }

    @Test
    void badInputIsOneLineListingWhatIsValid() {
        assertEquals("unknown level 'LOUD': use TRACE, DEBUG, INFO, WARN, ERROR, OFF or inherit",
                assertThrows(IllegalArgumentException.class, () -> access.setLevel("org.x", "LOUD")).getMessage());
        assertEquals("unknown level 'verbose': use TRACE, DEBUG, INFO, WARN or ERROR",
                assertThrows(IllegalArgumentException.class, () -> access.tail(5, "verbose", null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> access.setLevel("ROOT", "inherit")).getMessage()
                .startsWith("the root logger has no parent to inherit from"));
        assertEquals("bad logger name 'a b\\n': letters, digits and . _ $ - : / only, at most 256 (ROOT for the root logger)",
                assertThrows(IllegalArgumentException.class, () -> access.setLevel("a b\n", "INFO")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> access.effectiveLevel("x".repeat(300)));
        assertEquals("max must be at least 1, not 0", assertThrows(IllegalArgumentException.class, () -> access.tail(0, null, null)).getMessage());
    }
}
