package org.kumiki.platform.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsoleTest {

    /** A command that shows what it was given, one that fails with it. */
    public static final class Domain {
        final List<String> seen = new ArrayList<>();

        public String echo(String s) {
            seen.add(s);
            return "[" + s + "]";
        }

        public String fail(String s) {
            throw new IllegalStateException("device says " + s);
        }
    }

    ThreadIOImpl threadIO;
    CommandProcessorImpl processor;
    Domain domain = new Domain();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);

    @BeforeEach
    void givenAProcessorWithADomainCommand() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        processor.addCommand("kumiki", domain, "echo");
        processor.addCommand("kumiki", domain, "fail");
    }

    @AfterEach
    void stop() {
        threadIO.stop();
    }

    static InputStream utf8(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    boolean whenTyped(String input) {
        InputStream in = utf8(input);
        try (CommandSession session = processor.createSession(in, print, print)) {
            return Console.run(session, in, print, () -> false);
        }
    }

    String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aUtf8LineReachesTheCommandIntactAndItsResultIsPrintedAsUtf8() {
        assertTrue(whenTyped("echo 'Ångström 試料 🧪'\n"), "end of input");
        assertEquals(List.of("Ångström 試料 🧪"), domain.seen);
        assertTrue(printed().contains("[Ångström 試料 🧪]"), printed());
        assertTrue(printed().startsWith(Console.PROMPT), printed());
        assertTrue(printed().endsWith(Console.PROMPT), "a prompt for the next line: " + printed());
    }

    @Test
    void anArgumentWithoutQuotesIsDecodedAsUtf8NotLatin1() {
        whenTyped("echo md=naïve\n");
        assertEquals(List.of("md=naïve"), domain.seen);
    }

    @Test
    void aFailingCommandPrintsGogosOneLineWithControlCharactersEscaped() {
        assertTrue(whenTyped("fail 'ü\u001b[2J'\necho next\n"));
        String text = printed();
        assertTrue(text.contains("gogo: IllegalStateException: device says ü\\u001b[2J\n"), text);
        assertTrue(text.indexOf('\u001b') < 0, text);
        assertEquals(List.of("next"), domain.seen, "the console goes on after an error");
    }

    @Test
    void emptyLinesShowThePromptAgainAndCarriageReturnsAreIgnored() {
        whenTyped("\n\r\necho a\r\n");
        assertEquals(List.of("a"), domain.seen);
        assertEquals("g! g! g! [a]\ng! ", printed());
    }

    @Test
    void backspaceRemovesAWholeMultiByteCharacter() {
        whenTyped("echo ab✓\bc\n");
        assertEquals(List.of("abc"), domain.seen);
    }

    @Test
    void endOfTransmissionEndsTheInputAndAPartLineIsNotRun() {
        assertTrue(whenTyped("echo x\u0004echo y\n"));
        assertEquals(List.of(), domain.seen);
    }

    @Test
    void aClosedConsoleStopsWithoutRunningTheLine() throws Exception {
        InputStream in = utf8("echo x\n");
        try (CommandSession session = processor.createSession(in, print, print)) {
            assertFalse(Console.run(session, in, print, () -> true));
        }
        assertEquals(List.of(), domain.seen);
    }

    @Test
    void readLineDecodesUtf8AndReturnsNullAtTheEnd() throws Exception {
        InputStream in = utf8("héllo wörld ✓\n");
        assertEquals("héllo wörld ✓", Console.readLine(in, print, "> "));
        assertNull(Console.readLine(in, print, "> "));
        InputStream bad = new ByteArrayInputStream(new byte[] {'a', (byte) 0xE9, 'b', '\n'});
        assertEquals("a\uFFFDb", Console.readLine(bad, print, "> "), "a Latin-1 byte is not valid UTF-8");
    }

    @Test
    void theResultIsNotPrintedWhenGogoFormatIsOff() {
        InputStream in = utf8("echo quiet\n");
        try (CommandSession session = processor.createSession(in, print, print)) {
            session.put(".Gogo.format", false);
            Console.run(session, in, print, () -> false);
        }
        assertFalse(printed().contains("[quiet]"), printed());
    }

    @Test
    void runsOnlyWithTheDistributionsGoshArgsAndNoScript() {
        assertTrue(Console.wanted(Console.GOSH_ARGS, null));
        assertTrue(Console.wanted(" " + Console.GOSH_ARGS + " ", ""));
        assertFalse(Console.wanted("--nointeractive", null), "an operator's headless setting");
        assertFalse(Console.wanted(null, null), "Gogo's own console runs");
        assertFalse(Console.wanted("", null));
        assertFalse(Console.wanted(Console.GOSH_ARGS, "check.gogo"), "a script runs instead");
    }
}
