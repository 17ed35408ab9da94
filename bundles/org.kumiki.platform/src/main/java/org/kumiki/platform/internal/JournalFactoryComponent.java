package org.kumiki.platform.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

import org.kumiki.platform.api.journal.Journal;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

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

    private final ScheduledExecutorService timer = FileJournal.newTimer();
    private final long interval;

    @Activate
    public JournalFactoryComponent(Config config) {
        this(config.flush_interval_ms());
    }

    /** Outside a framework (tests, tools): journals synced in the background every {@code flushIntervalMs}. */
    public JournalFactoryComponent(long flushIntervalMs) {
        this.interval = Math.max(1, flushIntervalMs);
    }

    @Override
    public Journal open(Path directory, BiConsumer<String, byte[]> replay) throws IOException {
        return FileJournal.open(directory, replay, timer, interval);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }
}
