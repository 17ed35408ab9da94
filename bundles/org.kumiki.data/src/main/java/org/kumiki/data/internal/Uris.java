package org.kumiki.data.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

import org.kumiki.data.api.TransferRejectedException;

/** URI parsing and the name rules every URI and listed name must pass. */
public final class Uris {

    private Uris() {
    }

    /**
     * Parses and checks a URI: a scheme, an absolute path, no {@code .} or {@code ..} segment,
     * no NUL or control characters. A bare absolute path means {@code file:}.
     */
    public static URI parse(String s) {
        if (s == null || s.isBlank()) throw new TransferRejectedException("empty URI");
        if (s.length() > 8192) throw new TransferRejectedException("URI longer than 8192 characters");
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x20 || s.charAt(i) == 0x7f) throw new TransferRejectedException("URI contains a control or NUL character: " + printable(s));
        }
        URI u;
        try {
            if (s.startsWith("/")) {
                u = Path.of(s).toUri();
                if (s.endsWith("/") && !u.getPath().endsWith("/")) u = new URI(u.getScheme(), null, u.getPath() + "/", null);
            } else {
                u = new URI(s);
            }
        } catch (URISyntaxException | RuntimeException e) {
            throw new TransferRejectedException("not a valid URI: " + printable(s) + " (" + e.getMessage() + ")");
        }
        if (u.getScheme() == null) throw new TransferRejectedException("URI has no scheme (file:, sftp:, https:, ...) and is not an absolute path: " + printable(s));
        if (u.isOpaque()) throw new TransferRejectedException("URI must have a path (e.g. file:///data/x): " + printable(s));
        String path = u.getPath();
        if (path == null || !path.startsWith("/")) throw new TransferRejectedException("URI path must be absolute: " + printable(s));
        checkPath(path, s);
        return u;
    }

    /** Refuses {@code .}/{@code ..} segments and NUL in a decoded path. */
    static void checkPath(String path, String original) {
        if (path.indexOf('\0') >= 0) throw new TransferRejectedException("path contains a NUL byte: " + printable(original));
        for (String seg : path.split("/", -1)) {
            if (seg.equals("..") || seg.equals(".")) throw new TransferRejectedException("path contains a '" + seg + "' segment: " + printable(original));
        }
    }

    /** Whether a name listed by an endpoint is one safe path segment. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) return "empty name";
        if (name.equals(".") || name.equals("..")) return "name '" + name + "'";
        if (name.indexOf('/') >= 0) return "name with '/': " + printable(name);
        if (name.indexOf('\0') >= 0) return "name with a NUL byte: " + printable(name);
        if (name.length() > 255) return "name longer than 255 characters";
        return null;
    }

    /** The child {@code name} of a folder URI. */
    public static URI child(URI folder, String name) {
        String p = folder.getPath();
        if (!p.endsWith("/")) p += "/";
        return withPath(folder, p + name);
    }

    public static URI withPath(URI u, String path) {
        try {
            return new URI(u.getScheme(), u.getRawUserInfo() == null ? null : u.getUserInfo(), u.getHost(), u.getPort(), path, null, null);
        } catch (URISyntaxException e) {
            throw new TransferRejectedException("cannot build URI for " + printable(path) + ": " + e.getMessage());
        }
    }

    /** The last segment of the path ("" for the root). */
    public static String name(URI u) {
        String p = u.getPath();
        if (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p.substring(p.lastIndexOf('/') + 1);
    }

    public static URI parent(URI u) {
        String p = u.getPath();
        if (p.endsWith("/") && p.length() > 1) p = p.substring(0, p.length() - 1);
        int i = p.lastIndexOf('/');
        return withPath(u, i <= 0 ? "/" : p.substring(0, i));
    }

    /** The URI with any password removed, for logs and records. */
    public static String redact(URI u) {
        if (u.getUserInfo() == null || !u.getUserInfo().contains(":")) return u.toString();
        try {
            return new URI(u.getScheme(), u.getUserInfo().substring(0, u.getUserInfo().indexOf(':')) + ":***", u.getHost(), u.getPort(), u.getPath(), u.getQuery(), null).toString();
        } catch (URISyntaxException e) {
            return u.getScheme() + "://***";
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", (int) c));
            else b.append(c);
        }
        if (s.length() > 200) b.append("...");
        return b.toString();
    }
}
