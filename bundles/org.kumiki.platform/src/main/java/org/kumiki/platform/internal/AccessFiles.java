package org.kumiki.platform.internal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.kumiki.platform.api.secret.SecretFile;

/** Reading and writing the files of {@code state/access}: stamps, privacy rules, limits, atomic writes. */
final class AccessFiles {

    /** Largest file read (either file). */
    static final long MAX_FILE_BYTES = 1024 * 1024;
    /** Longest line accepted; longer ones are refused (with their number) and skipped. */
    static final int MAX_LINE_CHARS = 16 * 1024;


    private AccessFiles() {
    }

    /**
     * What a change check compares: one stat per call (no user-name look-up). Mode is -1 where the
     * file system has no POSIX permissions. The owner is checked when the file is (re-)read.
     */
    record Stamp(Object fileKey, long modifiedNanos, long size, int mode, boolean regular) {
        static final Stamp MISSING = new Stamp(null, -1, -1, -1, false);

        boolean missing() {
            return this.equals(MISSING);
        }
    }

    static Stamp stamp(Path file) {
        try {
            if (posix(file)) {
                PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                int mode = 0;
                for (PosixFilePermission p : a.permissions()) mode |= 1 << (8 - p.ordinal());
                return new Stamp(a.fileKey(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), mode, a.isRegularFile());
            }
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new Stamp(a.fileKey(), a.lastModifiedTime().to(TimeUnit.NANOSECONDS), a.size(), -1, a.isRegularFile());
        } catch (NoSuchFileException e) {
            return Stamp.MISSING;
        } catch (IOException e) {
            return new Stamp(e.getClass().getSimpleName(), -2, -2, -1, false);
        }
    }

    static boolean posix(Path file) {
        return file.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    static String modeString(int mode) {
        StringBuilder b = new StringBuilder();
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) b.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
        return b.toString();
    }

    /**
     * Why a file may not be used, or null when it may.
     *
     * @param secret true: no group or other bits at all (tokens); false: not writable by group or others (keys)
     */
    static String refusal(Path file, Stamp s, boolean secret) {
        if (!s.regular()) return file + ": not a regular file";
        if (s.mode() >= 0) {
            String me = SecretFile.processUser();
            String owner;
            try {
                owner = Files.getOwner(file, LinkOption.NOFOLLOW_LINKS).getName();
            } catch (IOException | RuntimeException e) {
                owner = me;
            }
            if (me != null && !me.equals(owner)) {
                return file + ": owned by " + owner + ", must be owned by " + me + ", the user this service runs as";
            }
        }
        if (s.mode() >= 0) {
            if (secret && (s.mode() & 077) != 0) {
                return file + ": mode " + modeString(s.mode()) + " lets other users read or change it; make it private (chmod 600 " + file + ")";
            }
            if (!secret && (s.mode() & 022) != 0) {
                return file + ": mode " + modeString(s.mode()) + " lets other users change it; chmod 600 " + file;
            }
        }
        if (s.size() > MAX_FILE_BYTES) return file + ": larger than " + MAX_FILE_BYTES + " bytes";
        return null;
    }

    /** The file's lines (UTF-8; a file that is not UTF-8 is refused with an IOException). */
    static List<String> lines(Path file) throws IOException {
        byte[] bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (ch.size() > MAX_FILE_BYTES) throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read all
            }
            bytes = buf.array();
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("not UTF-8 text");
        }
        return text.lines().toList();
    }

    /** Writes {@code lines} to {@code file} atomically (a 0600 temporary file beside it, then a rename). */
    static void write(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            if (posix(dir)) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } else {
                Files.createFile(tmp);
            }
            StringBuilder sb = new StringBuilder();
            for (String l : lines) sb.append(l).append('\n');
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
