package org.kumiki.platform.health.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.dto.JournalDamageDTO;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Journals writable and undamaged: the state folder and every domain's journal can be written
 * (CRITICAL otherwise); damage replays found in the middle of a journal is a WARN naming the
 * journal and the copy kept aside. A torn tail (a crash in the middle of an append) is normal.
 */
@Component(service = HealthCheck.class,
        property = {HealthCheck.NAME + "=Journals", HealthCheck.TAGS + "=platform", HealthCheck.TAGS + "=" + Checks.DEFAULT})
public class JournalCheck implements HealthCheck {

    static final String JOURNAL_FILE = "journal.log";

    private final Installation installation;
    private final JournalFactory journals;

    @Activate
    public JournalCheck(@Reference Installation installation, @Reference JournalFactory journals) {
        this.installation = installation;
        this.journals = journals;
    }

    @Override
    public Result execute() {
        ResultLog log = Checks.log();
        Path root = installation.stateRoot();
        int count = 0;
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            Checks.add(log, Result.Status.CRITICAL, "state folder " + root + " is not writable");
        } else {
            for (Path journal : journalsUnder(root)) {
                count++;
                if (!Files.isWritable(journal) || !Files.isWritable(journal.getParent())) {
                    Checks.add(log, Result.Status.CRITICAL, "journal " + journal + " is not writable");
                }
            }
        }
        damage(log, journals.damage());
        if (!log.iterator().hasNext()) {
            Checks.add(log, Result.Status.OK, count + " journal" + (count == 1 ? "" : "s") + " writable under " + root + ", no damage found");
        }
        return new Result(log);
    }

    /** WARN per damaged journal (newest report of each file), torn tails left out. */
    static void damage(ResultLog log, List<JournalDamageDTO> found) {
        Map<String, JournalDamageDTO> byFile = new LinkedHashMap<>();
        for (JournalDamageDTO d : found) {
            if (!d.tornTail) {
                byFile.put(d.file, d);
            }
        }
        for (JournalDamageDTO d : byFile.values()) {
            Checks.add(log, Result.Status.WARN, "journal " + d.file + " was damaged: " + d.droppedBytes + " bytes dropped, " + d.recordsKept + " records kept"
                    + (d.keptAside == null ? "" : "; the damaged file is kept as " + d.keptAside) + (d.readOnly ? " (found by a read-only replay)" : ""));
        }
    }

    /** {@code state/<domain>/journal.log} and one level deeper ({@code state/lab/runs/...}). */
    static List<Path> journalsUnder(Path root) {
        List<Path> out = new ArrayList<>();
        collect(root, 0, out);
        return out;
    }

    private static void collect(Path dir, int depth, List<Path> out) {
        Path j = dir.resolve(JOURNAL_FILE);
        if (Files.isRegularFile(j)) {
            out.add(j);
        }
        if (depth >= 2) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path sub : s) {
                collect(sub, depth + 1, out);
            }
        } catch (IOException e) {
            // unreadable folder: the writability check above names the state folder itself
        }
    }
}
