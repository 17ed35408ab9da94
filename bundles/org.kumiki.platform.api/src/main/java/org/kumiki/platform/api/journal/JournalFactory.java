package org.kumiki.platform.api.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;

import org.kumiki.platform.api.dto.JournalDamageDTO;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Opens journals.
 *
 * <p>A frame that fails its checks (length bounds, CRC, record type, key length) costs that
 * record only: replay resynchronises on the next valid frame. Damage with nothing readable
 * after it is a torn tail (a crash in the middle of an append) and is cut off. Damage in the
 * middle of the file is reported once as a WARN log line and in {@link #damage()}, and
 * {@link #open} keeps a copy of the damaged file next to it
 * ({@code journal.log.damaged-<UTC time>}) before rewriting the journal to its good records.
 */
@ProviderType
public interface JournalFactory {

    /**
     * Opens (creating if needed) the journal in {@code directory}, first replaying its live
     * records in write order: {@code replay} receives each key with its latest value (removed
     * keys are not replayed). A torn tail left by a crash is cut off and logged; damaged records
     * in the middle are dropped (see above).
     *
     * @throws IOException when the folder cannot be created or the journal is locked by
     *         another process
     */
    Journal open(Path directory, BiConsumer<String, byte[]> replay) throws IOException;

    /**
     * Replays the live records of the journal in {@code directory} without modifying anything:
     * no lock is taken, nothing is created, truncated, rewritten or copied, so it may read a
     * journal another component has open. Damaged records are skipped as by {@link #open}; a
     * torn tail (possibly an append in progress) is ignored; damage in the middle of the file
     * is reported (once per file state) with {@link JournalDamageDTO#readOnly} set.
     *
     * @throws java.nio.file.NoSuchFileException when the folder holds no journal
     * @throws IOException when the journal cannot be read
     * @since 1.2
     */
    void read(Path directory, BiConsumer<String, byte[]> replay) throws IOException;

    /**
     * The damage that replays found since this service started, oldest first (torn tails
     * included).
     *
     * @since 1.2
     */
    List<JournalDamageDTO> damage();
}
