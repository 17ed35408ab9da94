package org.kumiki.platform.api.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.BiConsumer;

import org.osgi.annotation.versioning.ProviderType;

/** Opens journals. */
@ProviderType
public interface JournalFactory {

    /**
     * Opens (creating if needed) the journal in {@code directory}, first replaying its live
     * records in write order: {@code replay} receives each key with its latest value (removed
     * keys are not replayed). A torn or corrupt tail left by a crash is cut off and logged.
     *
     * @throws IOException when the folder cannot be created or the journal is locked by
     *         another process
     */
    Journal open(Path directory, BiConsumer<String, byte[]> replay) throws IOException;
}
