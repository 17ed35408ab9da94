package org.kumiki.platform.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

import org.kumiki.platform.api.dto.ByteRangeDTO;
import org.kumiki.platform.api.dto.JournalDamageDTO;
import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Journals for every domain, synced in the background at a configurable interval. */
@Component(configurationPid = JournalFactoryComponent.PID)
@Designate(ocd = JournalFactoryComponent.Config.class)
public class JournalFactoryComponent implements JournalFactory {

    public static final String PID = "org.kumiki.platform.journal";

    @ObjectClassDefinition(name = "Kumiki journals", description = "Crash-safe record logs")
    public @interface Config {
        @AttributeDefinition(name = "Background sync interval (ms)", description = "Upper bound on how long an append stays only in memory unless its owner syncs", min = "1")
        long flush_interval_ms() default 20;
    }

    private static final Logger LOG = LoggerFactory.getLogger(JournalFactoryComponent.class);
    /** The most damage reports kept (oldest dropped first). */
    static final int MAX_DAMAGE = 1000;

    private final ScheduledExecutorService timer = FileJournal.newTimer();
    private final ArrayDeque<JournalDamageDTO> damage = new ArrayDeque<>();
    private final Set<String> readOnlySeen = new HashSet<>();
    private final long interval;

    @Activate
    public JournalFactoryComponent(Config config) {
        this(config.flush_interval_ms());
    }

    /** Outside a framework (tests, tools): journals synced in the background every {@code flushIntervalMs}. */
    private JournalFactoryComponent(long flushIntervalMs) {
        this.interval = Math.max(1, flushIntervalMs);
    }

    /**
     * Outside a framework (tests, tools): journals synced in the background every
     * {@code flushIntervalMs}. A factory method, not a constructor: DS must find exactly one
     * public constructor (a second one-argument constructor made SCR log a spurious ERROR).
     */
    public static JournalFactoryComponent withInterval(long flushIntervalMs) {
        return new JournalFactoryComponent(flushIntervalMs);
    }

    @Override
    public Journal open(Path directory, BiConsumer<String, byte[]> replay) throws IOException {
        return FileJournal.open(directory, replay, timer, interval, this::record);
    }

    @Override
    public void read(Path directory, BiConsumer<String, byte[]> replay) throws IOException {
        JournalDamageDTO d = FileJournal.readOnly(directory, replay);
        if (d == null) return;
        // a read-only replay finds the same damage every time until the owner repairs the file: report it once
        StringBuilder seen = new StringBuilder(d.file).append(' ').append(d.fileBytes);
        for (ByteRangeDTO r : d.dropped) seen.append(' ').append(r.start).append('-').append(r.end);
        synchronized (damage) {
            if (!readOnlySeen.add(seen.toString())) return;
            if (readOnlySeen.size() > MAX_DAMAGE) readOnlySeen.clear();
        }
        LOG.warn(FileJournal.describe(d));
        record(d);
    }

    @Override
    public List<JournalDamageDTO> damage() {
        synchronized (damage) {
            return new ArrayList<>(damage);
        }
    }

    private void record(JournalDamageDTO d) {
        synchronized (damage) {
            damage.addLast(d);
            while (damage.size() > MAX_DAMAGE) damage.removeFirst();
        }
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }
}
