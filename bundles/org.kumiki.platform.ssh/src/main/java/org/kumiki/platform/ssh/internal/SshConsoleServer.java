package org.kumiki.platform.ssh.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.session.ServerSession;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH server: public-key authentication only (through {@link AccessControl}), a Gogo shell and
 * one-command execution per channel, an idle timeout and a cap on concurrent sessions. Holds every
 * Apache MINA SSHD type, so nothing of SSHD loads before {@link #start()} runs.
 */
public final class SshConsoleServer {

    private static final Logger LOG = LoggerFactory.getLogger(SshConsoleServer.class);
    static final AttributeKey<Caller> CALLER = new AttributeKey<>();

    private final CommandProcessorImpl processor;
    private final AccessControl access;
    private final String host;
    private final int port;
    private final Path hostKey;
    private final Duration idleTimeout;
    private final int maxSessions;
    private final AtomicInteger sessions = new AtomicInteger();
    private SshServer server;

    public SshConsoleServer(CommandProcessorImpl processor, AccessControl access, String host, int port,
            Path hostKey, Duration idleTimeout, int maxSessions) {
        this.processor = processor;
        this.access = access;
        this.host = host;
        this.port = port;
        this.hostKey = hostKey;
        this.idleTimeout = idleTimeout;
        this.maxSessions = maxSessions;
    }

    /**
     * Binds and starts.
     *
     * @return the port it listens on
     * @throws BindException when the address is in use (the caller says which property moves it)
     */
    public synchronized int start() throws IOException {
        if (port != 0) {
            probe(host, port); // a port in use: one line from the caller, not an SSHD error
        }
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost(host);
        s.setPort(port);
        s.setKeyPairProvider(HostKey.load(hostKey));
        s.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory()));
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setGSSAuthenticator(null);
        s.setHostBasedAuthenticator(null);
        s.setPublickeyAuthenticator((user, key, session) -> {
            Caller caller = access.byPublicKey(key, Caller.SSH).orElse(null);
            if (caller == null) {
                LOG.info("SSH key refused for user '{}' from {}", printable(user), session.getClientAddress());
                return false;
            }
            session.setAttribute(CALLER, caller);
            return true;
        });
        if (!idleTimeout.isZero()) {
            CoreModuleProperties.IDLE_TIMEOUT.set(s, idleTimeout);
        }
        s.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                if (sessions.incrementAndGet() > maxSessions) {
                    LOG.warn("SSH session from {} refused: {} sessions already open (org.kumiki.platform.ssh maxSessions)",
                            session.getRemoteAddress(), maxSessions);
                    try {
                        session.disconnect(SshConstants.SSH2_DISCONNECT_TOO_MANY_CONNECTIONS, "too many sessions");
                    } catch (IOException e) {
                        session.close(true);
                    }
                }
            }

            @Override
            public void sessionClosed(Session session) {
                sessions.decrementAndGet();
            }
        });
        s.setShellFactory(channel -> new ConsoleCommand(processor, this::guard, null));
        s.setCommandFactory((channel, command) -> new ConsoleCommand(processor, this::guard, command));
        try {
            s.start();
        } catch (IOException e) {
            try {
                s.stop(true);
            } catch (IOException ignored) {
                // never started
            }
            throw e;
        }
        server = s;
        return boundPort(s);
    }

    private static void probe(String host, int port) throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        }
    }

    private CommandGuard guard(ChannelSession channel) {
        ServerSession session = channel.getServerSession();
        Caller caller = session.getAttribute(CALLER);
        if (caller == null) {
            throw new IllegalStateException("unauthenticated SSH channel");
        }
        return new CommandGuard(access, caller, processor::getCommands);
    }

    private static int boundPort(SshServer s) {
        for (SocketAddress a : s.getBoundAddresses()) {
            if (a instanceof InetSocketAddress i) {
                return i.getPort();
            }
        }
        return s.getPort();
    }

    public synchronized void stop() {
        SshServer s = server;
        server = null;
        if (s != null) {
            try {
                s.stop(true);
            } catch (IOException e) {
                LOG.warn("SSH console did not stop cleanly: {}", e.toString());
            }
        }
    }

    /** True when {@code host} names only this machine. */
    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }

    private static String printable(String s) {
        return s == null ? "" : s.replaceAll("\\p{Cntrl}", "?");
    }
}
