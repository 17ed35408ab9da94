package org.kumiki.platform.api.secret;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads one secret (a bearer token, an API key) from a file that must be private: a regular
 * file owned by the user the JVM runs as, with no group or other permission bits (mode 0600 or
 * 0400). Anything else is refused with one line naming the property and the file, never the
 * content. The content is UTF-8, trimmed of surrounding white space (a trailing newline), not
 * empty, at most {@value #MAX_BYTES} bytes.
 */
public final class SecretFile {

    /** Largest secret file accepted. */
    public static final int MAX_BYTES = 16 * 1024;

    private static final Set<PosixFilePermission> GROUP_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SecretFile() {
    }

    /**
     * Reads the secret in {@code file}.
     *
     * @param property the configuration property that names the file (for the message), e.g. {@code token.file}
     * @param file the file
     * @return the secret, trimmed
     * @throws IllegalArgumentException (one line, without the secret) when the file is missing,
     *         not a regular file, not owned by this process's user, readable or writable by group
     *         or others, empty, too large or not UTF-8
     */
    public static String read(String property, Path file) {
        String where = property + " " + file;
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        try {
            if (view != null) {
                PosixFileAttributes a = view.readAttributes();
                if (!a.isRegularFile()) {
                    throw new IllegalArgumentException(where + ": not a regular file");
                }
                String me = processUser();
                String owner = a.owner().getName();
                if (me != null && !me.equals(owner)) {
                    throw new IllegalArgumentException(where + ": owned by " + owner + ", must be owned by " + me
                            + ", the user this service runs as");
                }
                Set<PosixFilePermission> perms = a.permissions();
                if (perms.stream().anyMatch(GROUP_OTHER::contains)) {
                    throw new IllegalArgumentException(where + ": mode " + PosixFilePermissions.toString(perms)
                            + " lets other users read or change it; make it private (chmod 600 " + file + ")");
                }
            } else if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(where + ": not a regular file");
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(where + ": larger than " + MAX_BYTES + " bytes, not a secret");
            }
            byte[] bytes = Files.readAllBytes(file);
            String text;
            try {
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(where + ": not UTF-8 text");
            } finally {
                java.util.Arrays.fill(bytes, (byte) 0);
            }
            String secret = text.strip();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException(where + ": empty");
            }
            if (secret.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException(where + ": holds more than one line or control characters");
            }
            return secret;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(where + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Chooses the secret of a configuration that may set it inline or through a file.
     *
     * @param inlineProperty name of the inline property, for the message
     * @param inline the inline value (may be null or empty)
     * @param fileProperty name of the file property, for the message
     * @param file the file value (may be null or empty)
     * @return the secret, or null when neither is set
     * @throws IllegalArgumentException when both are set, or the file is refused by {@link #read}
     */
    public static String choose(String inlineProperty, String inline, String fileProperty, String file) {
        boolean hasInline = inline != null && !inline.isBlank();
        boolean hasFile = file != null && !file.isBlank();
        if (hasInline && hasFile) {
            throw new IllegalArgumentException("set " + inlineProperty + " or " + fileProperty + ", not both");
        }
        if (hasFile) {
            return read(fileProperty, Path.of(file.strip()));
        }
        return hasInline ? inline.strip() : null;
    }

    /** The user this process runs as: the owner of /proc/self (Linux), else the system property user.name. */
    public static String processUser() {
        try {
            Path self = Path.of("/proc/self");
            if (Files.exists(self)) {
                return Files.getOwner(self).getName();
            }
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // fall through
        }
        return System.getProperty("user.name");
    }
}
