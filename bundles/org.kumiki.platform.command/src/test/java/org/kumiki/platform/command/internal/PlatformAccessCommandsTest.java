package org.kumiki.platform.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.AccessAdmin;
import org.kumiki.platform.api.access.AuthorizedKeyDTO;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.api.access.TokenDTO;
import org.kumiki.platform.api.log.LogAccess;
import org.kumiki.platform.api.log.LogEntryDTO;

/**
 * kumiki:tokens, token-add, token-remove, keys, log and log-level through a real Gogo processor
 * (the dashed names are Function services). The services behind them are simple in-memory ones
 * here; the real ones are tested in org.kumiki.platform and in-framework in org.kumiki.platform.test.
 */
class PlatformAccessCommandsTest {

    static final class Admin implements AccessAdmin {
        final Map<String, Role> tokens = new LinkedHashMap<>();

        @Override public List<TokenDTO> tokens() {
            List<TokenDTO> out = new ArrayList<>();
            tokens.forEach((n, r) -> { TokenDTO d = new TokenDTO(); d.name = n; d.role = r.label(); out.add(d); });
            return out;
        }
        @Override public String addToken(String name, Role role) {
            if (tokens.putIfAbsent(name, role) != null) throw new IllegalArgumentException("a token named '" + name + "' exists");
            return "TOKEN-OF-" + name;
        }
        @Override public boolean removeToken(String name) { return tokens.remove(name) != null; }
        @Override public List<AuthorizedKeyDTO> keys() {
            AuthorizedKeyDTO k = new AuthorizedKeyDTO();
            k.name = "alice@lab"; k.type = "ssh-ed25519"; k.fingerprint = "SHA256:abc"; k.role = "operator"; k.line = 3;
            return List.of(k);
        }
    }

    static final class Logs implements LogAccess {
        final List<LogEntryDTO> entries = new ArrayList<>();
        final Map<String, String> levels = new TreeMap<>(Map.of("ROOT", "INFO"));

        synchronized void add(String level, String logger, String message) {
            LogEntryDTO e = new LogEntryDTO();
            e.seq = entries.size() + 1; e.time = 0; e.level = level; e.logger = logger; e.thread = "main"; e.message = message;
            entries.add(e);
            notifyAll();
        }
        @Override public synchronized List<LogEntryDTO> tail(int max, String minLevel, String prefix) {
            List<LogEntryDTO> m = entriesAfter(0, Integer.MAX_VALUE, minLevel, prefix);
            return m.subList(Math.max(0, m.size() - max), m.size());
        }
        @Override public synchronized List<LogEntryDTO> entriesAfter(long seq, int max, String minLevel, String prefix) {
            int min = minLevel == null || minLevel.isEmpty() ? 0 : LEVELS.indexOf(minLevel.toUpperCase());
            if (min < 0) throw new IllegalArgumentException("unknown level '" + minLevel + "': use TRACE, DEBUG, INFO, WARN or ERROR");
            return entries.stream().filter(e -> e.seq > seq && LEVELS.indexOf(e.level) >= min && (prefix == null || e.logger.startsWith(prefix)))
                    .limit(max).toList();
        }
        @Override public synchronized long lastSeq() { return entries.size(); }
        @Override public synchronized long awaitAfter(long seq, long timeoutMillis) throws InterruptedException {
            if (entries.size() <= seq) wait(timeoutMillis);
            return entries.size();
        }
        @Override public Map<String, String> levels() { return levels; }
        @Override public String effectiveLevel(String logger) { return levels.getOrDefault(logger, "INFO"); }
        @Override public void setLevel(String logger, String level) {
            if (!LEVELS.contains(level)) throw new IllegalArgumentException("unknown level '" + level + "': use TRACE, DEBUG, INFO, WARN, ERROR, OFF or inherit");
            levels.put(logger, level);
        }
    }

    ThreadIOImpl threadIO;
    CommandProcessorImpl processor;
    Admin admin = new Admin();
    Logs logs = new Logs();
    AccessCommands access = new AccessCommands();
    LogCommands log = new LogCommands();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach
    void givenTheCommandsInAGogoProcessor() {
        threadIO = new ThreadIOImpl();
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        access.admin = admin;
        log.logs = logs;
        processor.addCommand("kumiki", access, "tokens");
        processor.addCommand("kumiki", access, "keys");
        processor.addCommand("kumiki", log, "log");
        TokenAddCommand add = new TokenAddCommand();
        add.admin = admin;
        TokenRemoveCommand remove = new TokenRemoveCommand();
        remove.admin = admin;
        LogLevelCommand level = new LogLevelCommand();
        level.logs = logs;
        processor.addCommand("kumiki", add, "token-add");
        processor.addCommand("kumiki", remove, "token-remove");
        processor.addCommand("kumiki", level, "log-level");
    }

    @AfterEach
    void stop() {
        threadIO.stop();
    }

    String run(String line) throws Exception {
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (CommandSession s = processor.createSession(InputStream.nullInputStream(), ps, ps)) {
            Object r = s.execute(line);
            return r == null ? "" : r.toString();
        }
    }

    @Test
    void tokenAddShowsTheTokenOnceAndTheListingShowsOnlyNamesAndRoles() throws Exception {
        String added = run("kumiki:token-add alice operator");
        assertTrue(added.startsWith("token alice (operator):\nTOKEN-OF-alice\nIt is shown only this once and is not stored"), added);
        run("kumiki:token-add bob ADMIN");
        String list = run("kumiki:tokens");
        assertTrue(list.contains("alice") && list.contains("operator") && list.contains("bob") && list.contains("admin"), list);
        assertFalse(list.contains("TOKEN-OF"), list);
        assertEquals("token alice removed: it is refused from now on", run("kumiki:token-remove alice"));
        Exception gone = assertThrows(Exception.class, () -> run("kumiki:token-remove alice"));
        assertEquals("no token named 'alice' (kumiki:tokens lists them)", gone.getMessage());
        Exception role = assertThrows(Exception.class, () -> run("kumiki:token-add carol root"));
        assertEquals("unknown role 'root': use viewer, operator or admin", role.getMessage());
        Exception usage = assertThrows(Exception.class, () -> run("kumiki:token-add carol"));
        assertEquals(AccessCommands.ADD_USAGE, usage.getMessage());
        assertEquals(AccessCommands.REMOVE_USAGE, run("kumiki:token-remove --help"));
        String keys = run("kumiki:keys");
        assertTrue(keys.contains("alice@lab") && keys.contains("SHA256:abc") && keys.contains("ssh-ed25519") && keys.contains("operator"), keys);
    }

    @Test
    void withoutTheServicesTheCommandsSaySo() throws Exception {
        access.admin = null;
        log.logs = null;
        assertTrue(assertThrows(Exception.class, () -> run("kumiki:tokens")).getMessage().startsWith("no AccessAdmin service"));
        assertTrue(assertThrows(Exception.class, () -> run("kumiki:log")).getMessage().startsWith("no LogAccess service: the log is kept only where Logback"));
    }

    @Test
    void logShowsTheTailFilteredAndEscapesControlCharacters() throws Exception {
        logs.add("INFO", "org.a.One", "hello");
        logs.add("WARN", "org.b.Two", "careful \u001b[2J");
        logs.add("ERROR", "org.a.One", "line1\nline2");
        String all = run("kumiki:log");
        assertTrue(all.contains("INFO  [main] org.a.One - hello"), all);
        assertTrue(all.contains("careful \\u001b[2J"), "no escape sequence reaches the terminal: " + all);
        assertTrue(all.contains("line1\nline2"), all);
        assertEquals(2, run("kumiki:log -l warn").lines().filter(l -> l.contains(" - ")).count());
        assertFalse(run("kumiki:log -g org.a.").contains("careful"));
        assertEquals(1, run("kumiki:log -n 1").lines().count() - 1, "the last entry: two lines");
        assertEquals("-n must be between 1 and 10000, not 0", assertThrows(Exception.class, () -> run("kumiki:log -n 0")).getMessage());
        assertEquals("unknown level 'LOUD': use TRACE, DEBUG, INFO, WARN or ERROR", assertThrows(Exception.class, () -> run("kumiki:log -l LOUD")).getMessage());
        assertEquals("no log entries match", run("kumiki:log -g nothing"));
    }

    @Test
    void logFollowPrintsNewEntriesUntilInterrupted() throws Exception {
        logs.add("INFO", "x", "before");
        ByteArrayOutputStream followed = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(followed, true, StandardCharsets.UTF_8);
        long start = logs.lastSeq();
        Thread worker = new Thread(() -> LogCommands.follow(logs, ps, start, "", ""), "follower");
        worker.start();
        logs.add("WARN", "x", "after-1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!followed.toString(StandardCharsets.UTF_8).contains("after-1") && System.nanoTime() < deadline) Thread.sleep(20);
        logs.add("WARN", "x", "after-2");
        while (!followed.toString(StandardCharsets.UTF_8).contains("after-2") && System.nanoTime() < deadline) Thread.sleep(20);
        worker.interrupt();
        worker.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(worker.isAlive(), "Ctrl-C (an interrupt) ends the follow");
        String text = followed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("after-1") && text.contains("after-2"), text);
        assertFalse(text.contains("before"), "only what came after");
    }

    @Test
    void logLevelListsShowsAndSets() throws Exception {
        assertTrue(run("kumiki:log-level").contains("ROOT"));
        assertEquals("org.x: INFO (inherited)", run("kumiki:log-level org.x"));
        assertEquals("org.x: DEBUG (was INFO)", run("kumiki:log-level org.x DEBUG"));
        assertEquals("org.x: DEBUG (set here)", run("kumiki:log-level org.x"));
        assertEquals("unknown level 'LOUD': use TRACE, DEBUG, INFO, WARN, ERROR, OFF or inherit",
                assertThrows(Exception.class, () -> run("kumiki:log-level org.x LOUD")).getMessage());
        assertEquals(LogCommands.LEVEL_USAGE, assertThrows(Exception.class, () -> run("kumiki:log-level a b c")).getMessage());
    }
}
