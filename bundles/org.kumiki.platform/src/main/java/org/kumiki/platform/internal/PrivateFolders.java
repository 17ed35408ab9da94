package org.kumiki.platform.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the installation's folders (state, logs, deploy, framework cache and configuration
 * store) private to the service's user. The JVM cannot set a umask, so the folders are what is
 * protected: a folder with mode 0700 makes the mode of every file below it irrelevant. Missing
 * folders are created with 0700 (atomically, before anything is written into them); existing
 * ones with group or other bits are narrowed to 0700 with one log line each. A folder owned by
 * another user is not changed (it may be a shared system folder): one warning says so.
 */
final class PrivateFolders {

    static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");
    private static final Logger LOG = LoggerFactory.getLogger(PrivateFolders.class);

    private PrivateFolders() {
    }

    /** True where the file system has POSIX permissions (not on Windows). */
    static boolean posix(Path dir) {
        return dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /**
     * Creates {@code dir} (and missing parents) with mode 0700, or makes an existing one private.
     *
     * @param what what the folder holds, for the log line ("state", "log", ...)
     * @return the folder
     */
    static Path ensure(Path dir, String what) throws IOException {
        if (!posix(dir)) {
            Files.createDirectories(dir);
            return dir;
        }
        if (Files.notExists(dir)) {
            createPrivate(dir);
            return dir;
        }
        makePrivate(dir, what);
        return dir;
    }

    /** Creates missing folders of {@code dir}'s path with mode 0700 (existing parents are left as they are). */
    private static void createPrivate(Path dir) throws IOException {
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null && Files.notExists(parent)) {
            createPrivate(parent);
        }
        FileAttribute<Set<PosixFilePermission>> attr = PosixFilePermissions.asFileAttribute(PRIVATE);
        try {
            Files.createDirectory(dir, attr);
            // the umask may have removed bits but never adds any: 0700 & ~umask is at most 0700
            Files.setPosixFilePermissions(dir, PRIVATE);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /** Narrows an existing folder to 0700 when it has group or other bits; logs what it did. */
    static boolean makePrivate(Path dir, String what) throws IOException {
        if (!posix(dir) || !Files.isDirectory(dir)) {
            return false;
        }
        PosixFileAttributes a = Files.getFileAttributeView(dir, PosixFileAttributeView.class).readAttributes();
        Set<PosixFilePermission> perms = a.permissions();
        if (PRIVATE.containsAll(perms)) {
            return false;
        }
        String me = org.kumiki.platform.api.secret.SecretFile.processUser();
        if (me != null && !me.equals(a.owner().getName())) {
            LOG.warn("{} folder {} is owned by {} and open to other users ({}): not changed; give this service a private {} folder",
                    what, dir, a.owner().getName(), PosixFilePermissions.toString(perms), what);
            return false;
        }
        Files.setPosixFilePermissions(dir, PRIVATE);
        LOG.info("made the {} folder {} private to {} (was {}, now rwx------)", what, dir, me, PosixFilePermissions.toString(perms));
        return true;
    }
}
