package org.kumiki.platform.ssh.internal;

import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.service.command.CommandProcessor;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.access.AccessControl;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH console: remote Gogo sessions for keys listed by {@link AccessControl}. The server starts
 * off the start-up path: once the framework has STARTED, on a daemon thread; no SSHD class loads
 * before that. A port in use is one WARN line and the rest of the container runs on.
 */
@Component(service = {}, configurationPid = SshConsole.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SshConsole.Config.class)
public final class SshConsole {

    static final String PID = "org.kumiki.platform.ssh";
    private static final Logger LOG = LoggerFactory.getLogger(SshConsole.class);
    /** How long after the framework's STARTED event the server binds. */
    static final long SETTLE_MILLIS = 1500;

    @ObjectClassDefinition(name = "Kumiki SSH console",
            description = "Remote Gogo over SSH, public-key authentication through state/access/authorized_keys")
    public @interface Config {
        @AttributeDefinition(description = "Start the SSH console")
        boolean enabled() default true;

        @AttributeDefinition(description = "Address to listen on; loopback unless set otherwise")
        String host() default "127.0.0.1";

        @AttributeDefinition(description = "TCP port (0 picks a free one)", min = "0", max = "65535")
        int port() default 8101;

        @AttributeDefinition(description = "Seconds without traffic before a session is closed (0: never)", min = "0")
        long idleTimeoutSeconds() default 1800;

        @AttributeDefinition(description = "Most SSH sessions open at once", min = "1", max = "10000")
        int maxSessions() default 16;
    }

    private final CommandProcessor processor;
    private final AccessControl access;
    private final Installation installation;
    private final Config config;
    private final BundleContext context;
    private final AtomicBoolean launched = new AtomicBoolean();
    private final FrameworkListener started = event -> {
        if (event.getType() == FrameworkEvent.STARTED) {
            launch();
        }
    };
    private volatile boolean active = true;
    private volatile SshConsoleServer server;
    private volatile Thread starter;

    @Activate
    public SshConsole(@Reference CommandProcessor processor, @Reference AccessControl access,
            @Reference Installation installation, Config config, BundleContext context) {
        this.processor = processor;
        this.access = access;
        this.installation = installation;
        this.config = config;
        this.context = context;
        if (!config.enabled()) {
            LOG.info("SSH console disabled (org.kumiki.platform.ssh enabled=false)");
            return;
        }
        context.addFrameworkListener(started);
        Bundle framework = context.getBundle(0);
        if (framework != null && framework.getState() == Bundle.ACTIVE) {
            launch();
        }
    }

    private void launch() {
        if (!launched.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(this::startServer, "kumiki-ssh-start");
        t.setDaemon(true);
        starter = t;
        t.start();
    }

    private void startServer() {
        try {
            // let the prompt and the last components of the start-up have the CPU first: SSHD's
            // start costs about 0.35 s of CPU, and the machine may have only two cores
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            return;
        }
        String problem = validate(config);
        if (problem != null) {
            LOG.warn("SSH console not started: {}", problem);
            return;
        }
        if (!(processor instanceof CommandProcessorImpl impl)) {
            LOG.warn("SSH console not started: the Gogo CommandProcessor is not Felix Gogo's runtime ({})",
                    processor.getClass().getName());
            return;
        }
        Path hostKey = installation.stateDirectory("ssh").resolve("hostkey");
        SshConsoleServer s = new SshConsoleServer(impl, access, config.host().trim(), config.port(), hostKey,
                Duration.ofSeconds(config.idleTimeoutSeconds()), config.maxSessions());
        try {
            synchronized (this) {
                if (!active) {
                    return;
                }
                int port = s.start();
                server = s;
                if (SshConsoleServer.isLoopback(config.host().trim())) {
                    LOG.debug("SSH console listening on {}:{}", config.host(), port);
                } else {
                    LOG.info("SSH console listening on {}:{}, beyond loopback (public keys only)", config.host(), port);
                }
            }
        } catch (BindException e) {
            LOG.warn("SSH console not started: {}:{} is in use; set org.kumiki.platform.ssh port to move it",
                    config.host(), config.port());
        } catch (Exception e) {
            LOG.warn("SSH console not started on {}:{}: {}", config.host(), config.port(), e.toString());
        }
    }

    /** The problem with a configuration, as one line, or null when it is usable. */
    static String validate(Config c) {
        if (c.port() < 0 || c.port() > 65535) {
            return "port " + c.port() + " is out of range 0..65535 (org.kumiki.platform.ssh port)";
        }
        if (c.host() == null || c.host().isBlank()) {
            return "host is empty (org.kumiki.platform.ssh host)";
        }
        if (c.idleTimeoutSeconds() < 0) {
            return "idleTimeoutSeconds " + c.idleTimeoutSeconds() + " is negative (org.kumiki.platform.ssh idleTimeoutSeconds)";
        }
        if (c.maxSessions() < 1) {
            return "maxSessions " + c.maxSessions() + " must be at least 1 (org.kumiki.platform.ssh maxSessions)";
        }
        return null;
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(started);
        Thread t = starter;
        if (t != null) {
            t.interrupt();
        }
        synchronized (this) {
            active = false;
            SshConsoleServer s = server;
            server = null;
            if (s != null) {
                s.stop();
            }
        }
    }
}
