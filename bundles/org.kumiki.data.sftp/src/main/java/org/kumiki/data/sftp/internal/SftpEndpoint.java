package org.kumiki.data.sftp.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.impl.AbstractSftpClient;
import org.apache.sshd.sftp.client.impl.SftpInputStreamAsync;
import org.apache.sshd.sftp.client.impl.SftpOutputStreamAsync;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.kumiki.data.api.spi.WriteHandle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sftp://user@host:port/absolute/path} through the Apache MINA SSHD client. Key and
 * password authentication; host keys are checked against a known_hosts file and unknown or
 * changed keys are refused unless strict checking is switched off. Sessions are pooled per
 * user@host:port; parallel streams each use their own session (their own cipher stream).
 */
@Component(property = Endpoint.SCHEME + "=sftp", configurationPid = SftpEndpoint.PID)
@Designate(ocd = SftpEndpoint.Config.class)
public class SftpEndpoint implements Endpoint {

    public static final String PID = "org.kumiki.data.sftp";
    private static final Logger LOG = LoggerFactory.getLogger(SftpEndpoint.class);
    /** Bytes per SFTP read or write request (OpenSSH serves up to 256 KiB). */
    static final int REQUEST = 255 << 10;

    @ObjectClassDefinition(name = "Kumiki SFTP endpoint", description = "SSH client settings for sftp:// URIs")
    public @interface Config {
        @AttributeDefinition(name = "Private keys", description = "Key files (OpenSSH or PEM; RSA or ECDSA); empty means ~/.ssh/id_ecdsa and ~/.ssh/id_rsa where present")
        String[] identities() default {};

        @AttributeDefinition(name = "Password file", description = "A file holding the password for password authentication (optional)")
        String password_file() default "";

        @AttributeDefinition(name = "known_hosts", description = "Host keys to trust; empty means ~/.ssh/known_hosts")
        String known_hosts() default "";

        @AttributeDefinition(name = "Strict host key checking", description = "Refuse hosts whose key is not in known_hosts (switching this off trusts any host)")
        boolean strict_host_key_checking() default true;

        @AttributeDefinition(name = "Ciphers", description = "Preferred ciphers in order, e.g. aes128-gcm@openssh.com,aes128-ctr; empty keeps MINA's defaults")
        String ciphers() default "";

        @AttributeDefinition(name = "Connect timeout (s)", min = "1")
        int connect_timeout_s() default 30;

        @AttributeDefinition(name = "Idle sessions kept per host", min = "0")
        int pool_size() default 8;
    }

    private SshClient client; // started with the first connection (guarded by this)
    private final List<Path> identities;
    private final Path knownHosts;
    private final boolean strict;
    private final String ciphers;
    private final Duration timeout;
    private final String password;
    private final int poolSize;
    private final Map<String, Deque<Conn>> idle = new HashMap<>();
    private volatile boolean closed;

    @Activate
    public SftpEndpoint(Config c) throws IOException {
        this(paths(c.identities()), c.password_file().isBlank() ? null : Path.of(c.password_file()),
                c.known_hosts().isBlank() ? Path.of(System.getProperty("user.home"), ".ssh", "known_hosts") : Path.of(c.known_hosts()),
                c.strict_host_key_checking(), c.ciphers(), Duration.ofSeconds(Math.max(1, c.connect_timeout_s())), c.pool_size());
    }

    public SftpEndpoint(List<Path> identities, Path passwordFile, Path knownHosts, boolean strict, String ciphers, Duration timeout, int poolSize)
            throws IOException {
        this.timeout = timeout;
        this.poolSize = Math.max(0, poolSize);
        this.password = passwordFile == null ? null : java.nio.file.Files.readString(passwordFile).trim();
        this.identities = List.copyOf(identities);
        this.knownHosts = knownHosts;
        this.strict = strict;
        this.ciphers = ciphers;
        if (!strict) LOG.warn("sftp: strict host key checking is off: any host key is accepted");
        if (ciphers != null && !ciphers.isBlank() && BuiltinCiphers.parseCiphersList(ciphers).getParsedFactories().isEmpty()) {
            throw new IllegalArgumentException("no supported cipher in '" + ciphers + "'");
        }
    }

    /**
     * The SSH client, set up and started with the first connection rather than at activation
     * (MINA's security set-up costs ~0.35 s of container start-up that sites without SFTP
     * transfers never need back).
     */
    private synchronized SshClient client() throws IOException {
        if (closed) throw new IOException("sftp endpoint is closed");
        if (client != null) return client;
        SshClient c = SshClient.setUpDefaultClient();
        if (strict) {
            c.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, knownHosts));
        } else {
            c.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        }
        List<Path> keys = new ArrayList<>(identities);
        if (keys.isEmpty()) {
            for (String n : new String[] {"id_ecdsa", "id_rsa"}) {
                Path p = Path.of(System.getProperty("user.home"), ".ssh", n);
                if (java.nio.file.Files.isReadable(p)) keys.add(p);
            }
        }
        if (!keys.isEmpty()) c.setKeyIdentityProvider(new FileKeyPairProvider(keys));
        if (ciphers != null && !ciphers.isBlank()) {
            List<NamedFactory<Cipher>> f = new ArrayList<>(BuiltinCiphers.parseCiphersList(ciphers).getParsedFactories());
            c.setCipherFactories(f);
        }
        c.start();
        client = c;
        return c;
    }

    static List<Path> paths(String[] s) {
        List<Path> out = new ArrayList<>();
        if (s != null) for (String x : s) if (x != null && !x.isBlank()) out.add(Path.of(x.trim()));
        return out;
    }

    @Deactivate
    public void close() {
        closed = true;
        synchronized (idle) {
            for (Deque<Conn> d : idle.values()) for (Conn c : d) c.close();
            idle.clear();
        }
        SshClient c;
        synchronized (this) {
            c = client;
            client = null;
        }
        if (c == null) return;
        try {
            c.stop();
        } catch (RuntimeException e) {
            LOG.debug("stopping the ssh client: {}", e.getMessage());
        }
    }

    @Override
    public String description() {
        return "SFTP over SSH (Apache MINA SSHD; strict known_hosts)";
    }

    @Override
    public boolean writable() {
        return true;
    }

    // ------------------------------------------------------------------ sessions

    /** One authenticated session with its SFTP channel. */
    final class Conn {
        final String key;
        final ClientSession session;
        final SftpClient sftp;
        boolean broken;

        Conn(String key, ClientSession session, SftpClient sftp) {
            this.key = key;
            this.session = session;
            this.sftp = sftp;
        }

        boolean usable() {
            return !broken && session.isOpen() && sftp.isOpen();
        }

        void close() {
            try {
                sftp.close();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
            try {
                session.close();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway
            }
        }
    }

    static String key(URI u) {
        return Objects.toString(user(u), "") + "@" + u.getHost() + ":" + port(u);
    }

    static String user(URI u) {
        String ui = u.getUserInfo();
        if (ui == null || ui.isEmpty()) return System.getProperty("user.name");
        int i = ui.indexOf(':');
        return i < 0 ? ui : ui.substring(0, i);
    }

    static int port(URI u) {
        return u.getPort() < 0 ? 22 : u.getPort();
    }

    static String path(URI u) {
        String p = u.getPath();
        return p == null || p.isEmpty() ? "/" : p;
    }

    Conn borrow(URI u) throws IOException {
        if (closed) throw new IOException("sftp endpoint stopped");
        if (u.getHost() == null) throw new IOException("sftp URI without a host: " + u.getScheme() + "://" + u.getRawAuthority());
        String k = key(u);
        synchronized (idle) {
            Deque<Conn> d = idle.get(k);
            while (d != null && !d.isEmpty()) {
                Conn c = d.pop();
                if (c.usable()) return c;
                c.close();
            }
        }
        ClientSession s = null;
        try {
            s = client().connect(user(u), u.getHost(), port(u)).verify(timeout).getSession();
            String ui = u.getUserInfo();
            if (ui != null && ui.indexOf(':') >= 0) s.addPasswordIdentity(ui.substring(ui.indexOf(':') + 1));
            else if (password != null) s.addPasswordIdentity(password);
            s.auth().verify(timeout);
            SftpClient sftp = SftpClientFactory.instance().createSftpClient(s);
            return new Conn(k, s, sftp);
        } catch (IOException | RuntimeException e) {
            if (s != null) s.close(true);
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (m.contains("Server key did not validate") || m.contains("KeyExchange signature verification") || m.contains("checkKeys")) {
                throw new IOException("sftp: host key of " + u.getHost() + ":" + port(u) + " is not trusted (known_hosts): " + m, e);
            }
            throw new IOException("sftp: cannot connect to " + k + ": " + m, e);
        }
    }

    void release(Conn c) {
        if (!c.usable() || closed) {
            c.close();
            return;
        }
        synchronized (idle) {
            Deque<Conn> d = idle.computeIfAbsent(c.key, x -> new ArrayDeque<>());
            if (d.size() < poolSize) {
                d.push(c);
                return;
            }
        }
        c.close();
    }

    /** Maps SFTP status codes to the file exceptions the engine understands; marks broken sessions. */
    static IOException map(Conn c, String path, IOException e) {
        if (e instanceof SftpException) {
            int st = ((SftpException) e).getStatus();
            if (st == SftpConstants.SSH_FX_NO_SUCH_FILE || st == SftpConstants.SSH_FX_NO_SUCH_PATH) return new NoSuchFileException(path);
            if (st == SftpConstants.SSH_FX_PERMISSION_DENIED) return new AccessDeniedException(path, null, "Permission denied");
            if (st == SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM || st == SftpConstants.SSH_FX_QUOTA_EXCEEDED) {
                return new FileSystemException(path, null, "No space left on device");
            }
            return new FileSystemException(path, null, e.getMessage());
        }
        if (c != null) c.broken = true;
        return e;
    }

    interface Op<T> {
        T run(SftpClient s) throws IOException;
    }

    <T> T with(URI u, Op<T> op) throws IOException {
        Conn c = borrow(u);
        try {
            return op.run(c.sftp);
        } catch (IOException e) {
            throw map(c, path(u), e);
        } finally {
            release(c);
        }
    }

    // ------------------------------------------------------------------ endpoint

    static EntryDTO entry(String name, URI uri, SftpClient.Attributes a) {
        EntryDTO e = new EntryDTO();
        e.name = name;
        e.uri = uri.toString();
        e.type = a.isRegularFile() ? EntryDTO.FILE : a.isDirectory() ? EntryDTO.DIRECTORY : EntryDTO.OTHER;
        e.size = a.isRegularFile() ? a.getSize() : -1;
        FileTime m = a.getModifyTime();
        e.modified = m == null ? 0 : m.toMillis();
        if (EntryDTO.OTHER.equals(e.type)) e.kind = kind(a);
        return e;
    }

    /** What a special entry is: the file type bits of its permissions (SFTP v3), else its type field. */
    static String kind(SftpClient.Attributes a) {
        if (a.isSymbolicLink()) return EntryDTO.SYMLINK;
        int perms = a.getPermissions();
        switch (perms & 0170000) {
            case 0010000: return EntryDTO.FIFO;
            case 0020000: return EntryDTO.CHAR_DEVICE;
            case 0060000: return EntryDTO.BLOCK_DEVICE;
            case 0140000: return EntryDTO.SOCKET;
            case 0120000: return EntryDTO.SYMLINK;
            default: break;
        }
        switch (a.getType()) {
            case SftpConstants.SSH_FILEXFER_TYPE_FIFO: return EntryDTO.FIFO;
            case SftpConstants.SSH_FILEXFER_TYPE_CHAR_DEVICE: return EntryDTO.CHAR_DEVICE;
            case SftpConstants.SSH_FILEXFER_TYPE_BLOCK_DEVICE: return EntryDTO.BLOCK_DEVICE;
            case SftpConstants.SSH_FILEXFER_TYPE_SOCKET: return EntryDTO.SOCKET;
            default: return null;
        }
    }

    static String lastSegment(String p) {
        String x = p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
        return x.substring(x.lastIndexOf('/') + 1);
    }

    @Override
    public EntryDTO stat(URI uri) throws IOException {
        try {
            return with(uri, s -> entry(lastSegment(path(uri)), uri, s.stat(path(uri))));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public List<EntryDTO> list(URI folder) throws IOException {
        return with(folder, s -> {
            List<EntryDTO> out = new ArrayList<>();
            String base = path(folder);
            for (SftpClient.DirEntry d : s.readDir(base)) {
                String n = d.getFilename();
                if (".".equals(n) || "..".equals(n)) continue;
                URI child;
                try {
                    child = new URI(folder.getScheme(), folder.getUserInfo(), folder.getHost(), folder.getPort(),
                            (base.endsWith("/") ? base : base + "/") + n.replace("\0", ""), null, null);
                } catch (java.net.URISyntaxException e) {
                    child = folder;
                }
                out.add(entry(n, child, d.getAttributes()));
            }
            return out;
        });
    }

    @Override
    public ReadHandle openRead(URI uri, EntryDTO expected) throws IOException {
        String p = path(uri);
        return new ReadHandle() {
            @Override
            public ReadableByteChannel range(long offset, long length) throws IOException {
                Conn c = borrow(uri);
                SftpClient.CloseableHandle h;
                try {
                    h = c.sftp.open(p, SftpClient.OpenMode.Read);
                } catch (IOException e) {
                    IOException m = map(c, p, e);
                    release(c);
                    throw m;
                }
                long size = expected != null && expected.size >= 0 ? expected.size : Long.MAX_VALUE;
                long end = length > Long.MAX_VALUE - offset ? Long.MAX_VALUE : offset + length;
                long total = Math.min(size, end);
                SftpInputStreamAsync in = new SftpInputStreamAsync((AbstractSftpClient) c.sftp, REQUEST, offset, total, p, h);
                return new ReadableByteChannel() {
                    long left = end - offset;
                    final byte[] buf = new byte[REQUEST];
                    boolean open = true;

                    @Override
                    public int read(ByteBuffer dst) throws IOException {
                        if (left <= 0) return -1;
                        int want = (int) Math.min(Math.min(dst.remaining(), buf.length), left);
                        int n;
                        try {
                            n = in.read(buf, 0, want);
                        } catch (IOException e) {
                            throw map(c, p, e);
                        }
                        if (n <= 0) return -1;
                        dst.put(buf, 0, n);
                        left -= n;
                        return n;
                    }

                    @Override
                    public boolean isOpen() {
                        return open;
                    }

                    @Override
                    public void close() {
                        if (!open) return;
                        open = false;
                        try {
                            in.close();
                        } catch (IOException | RuntimeException e) {
                            c.broken = true;
                        }
                        release(c);
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }

    /** One thread's session, file handle and pipelined output stream. */
    static final class Stream {
        final Conn conn;
        final SftpClient.CloseableHandle handle;
        SftpOutputStreamAsync out;
        long next = -1;
        final byte[] buf = new byte[REQUEST];

        Stream(Conn conn, SftpClient.CloseableHandle handle) {
            this.conn = conn;
            this.handle = handle;
        }

        /** Sends what is buffered and waits for every acknowledgement. */
        void drain() throws IOException {
            if (out != null) {
                SftpOutputStreamAsync o = out;
                out = null;
                next = -1;
                o.close(); // keeps the handle open
            }
        }
    }

    /**
     * Writes from each thread go through that thread's own session (its own cipher stream) and
     * file handle, pipelined: many write requests are in flight until {@link #flush}.
     */
    final class SftpWrite implements WriteHandle {
        final URI uri;
        final String p;
        final Map<Thread, Stream> perThread = new ConcurrentHashMap<>();

        SftpWrite(URI uri) {
            this.uri = uri;
            this.p = path(uri);
        }

        Stream mine() throws IOException {
            Stream x = perThread.get(Thread.currentThread());
            if (x != null) {
                if (!x.conn.broken) return x;
                // the connection broke: the next attempt gets a fresh session
                perThread.remove(Thread.currentThread());
                release(x.conn);
            }
            Conn c = borrow(uri);
            try {
                x = new Stream(c, c.sftp.open(p, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create));
                perThread.put(Thread.currentThread(), x);
                return x;
            } catch (IOException e) {
                IOException m = map(c, p, e);
                release(c);
                throw m;
            }
        }

        @Override
        public void write(ByteBuffer src, long position) throws IOException {
            Stream x = mine();
            try {
                if (x.out == null || x.next != position) {
                    x.drain();
                    x.out = new SftpOutputStreamAsync((AbstractSftpClient) x.conn.sftp, REQUEST, p, x.handle, false);
                    x.out.setOffset(position);
                    x.next = position;
                }
                while (src.hasRemaining()) {
                    int n = Math.min(src.remaining(), x.buf.length);
                    src.get(x.buf, 0, n);
                    x.out.write(x.buf, 0, n);
                    x.next += n;
                }
            } catch (IOException e) {
                x.out = null;
                throw map(x.conn, p, e);
            }
        }

        @Override
        public void flush() throws IOException {
            Stream x = perThread.get(Thread.currentThread());
            if (x == null) return;
            try {
                x.drain();
            } catch (IOException e) {
                throw map(x.conn, p, e);
            }
        }

        @Override
        public void force() throws IOException {
            Stream x = mine();
            try {
                x.drain();
                OpenSSHFsyncExtension f = x.conn.sftp.getExtension(OpenSSHFsyncExtension.class);
                if (f != null && f.isSupported()) f.fsync(x.handle);
            } catch (IOException e) {
                throw map(x.conn, p, e);
            }
        }

        @Override
        public void truncate(long size) throws IOException {
            Stream x = mine();
            try {
                SftpClient.Attributes a = x.conn.sftp.stat(x.handle);
                if (a.getSize() > size) x.conn.sftp.setStat(x.handle, new SftpClient.Attributes().size(size));
            } catch (IOException e) {
                throw map(x.conn, p, e);
            }
        }

        @Override
        public void close() throws IOException {
            IOException first = null;
            for (Stream x : perThread.values()) {
                try {
                    x.drain();
                    x.handle.close();
                } catch (IOException e) {
                    x.conn.broken = true;
                    if (first == null) first = map(x.conn, p, e);
                }
                release(x.conn);
            }
            perThread.clear();
            if (first != null) throw first;
        }
    }

    @Override
    public WriteHandle openWrite(URI uri) throws IOException {
        SftpWrite w = new SftpWrite(uri);
        w.mine(); // fail early: permission denied, no such folder
        return w;
    }

    @Override
    public void mkdirs(URI folder) throws IOException {
        with(folder, s -> {
            String p = path(folder);
            StringBuilder cur = new StringBuilder();
            for (String seg : p.split("/")) {
                if (seg.isEmpty()) continue;
                cur.append('/').append(seg);
                String c = cur.toString();
                SftpClient.Attributes a;
                try {
                    a = s.stat(c);
                } catch (SftpException e) {
                    if (e.getStatus() != SftpConstants.SSH_FX_NO_SUCH_FILE) throw e;
                    a = null;
                }
                if (a == null) {
                    try {
                        s.mkdir(c);
                    } catch (SftpException e) {
                        // created meanwhile by a parallel stream?
                        SftpClient.Attributes again = s.stat(c);
                        if (!again.isDirectory()) throw e;
                    }
                } else if (!a.isDirectory()) {
                    throw new FileSystemException(c, null, "not a folder");
                }
            }
            return null;
        });
    }

    @Override
    public void rename(URI from, URI to) throws IOException {
        with(from, s -> {
            OpenSSHPosixRenameExtension r = s.getExtension(OpenSSHPosixRenameExtension.class);
            if (r != null && r.isSupported()) {
                r.posixRename(path(from), path(to));
            } else {
                s.rename(path(from), path(to), SftpClient.CopyMode.Overwrite);
            }
            return null;
        });
    }

    @Override
    public void delete(URI uri) throws IOException {
        try {
            with(uri, s -> {
                SftpClient.Attributes a = s.lstat(path(uri));
                if (a.isDirectory()) s.rmdir(path(uri));
                else s.remove(path(uri));
                return null;
            });
        } catch (NoSuchFileException e) {
            // nothing there
        }
    }

    @Override
    public String readLink(URI link) throws IOException {
        return with(link, s -> s.readLink(path(link)));
    }

    @Override
    public void createLink(URI link, String target) throws IOException {
        with(link, s -> {
            s.symLink(path(link), target);
            return null;
        });
    }

    @Override
    public URI realPath(URI uri) throws IOException {
        String real = with(uri, s -> s.canonicalPath(path(uri)));
        try {
            return new URI(uri.getScheme(), uri.getUserInfo(), uri.getHost(), uri.getPort(), real, null, null);
        } catch (java.net.URISyntaxException e) {
            throw new IOException("unusable real path from the server: " + e.getMessage());
        }
    }

    @Override
    public void setModified(URI uri, long millis) throws IOException {
        with(uri, s -> {
            FileTime t = FileTime.fromMillis(millis);
            s.setStat(path(uri), new SftpClient.Attributes().modifyTime(t).accessTime(t));
            return null;
        });
    }

    @Override
    public void syncAll(List<URI> files) throws IOException {
        if (files.isEmpty()) return;
        with(files.get(0), s -> {
            OpenSSHFsyncExtension f = s.getExtension(OpenSSHFsyncExtension.class);
            if (f == null || !f.isSupported()) return null;
            for (URI u : files) {
                SftpClient.Attributes a = s.stat(path(u));
                if (!a.isRegularFile()) continue;
                try (SftpClient.CloseableHandle h = s.open(path(u), SftpClient.OpenMode.Read)) {
                    f.fsync(h);
                }
            }
            return null;
        });
    }
}
