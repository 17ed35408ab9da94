package org.kumiki.platform.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.kumiki.platform.api.Installation;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.LoggerFactory;

/**
 * The installation layout: home, state/&lt;domain&gt;, log. At activation it makes the
 * installation's folders private to the service's user (see {@link PrivateFolders}).
 */
@Component(configurationPid = InstallationComponent.PID, immediate = true)
@Designate(ocd = InstallationComponent.Config.class)
public class InstallationComponent implements Installation {

    public static final String PID = "org.kumiki.platform.installation";
    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

    @ObjectClassDefinition(name = "Kumiki installation", description = "Folders of this installation")
    public @interface Config {
        @AttributeDefinition(name = "Home", description = "Home folder; empty means the framework property kumiki.home, then the working directory")
        String home() default "";

        @AttributeDefinition(name = "State folder", description = "Durable state; relative paths are under home")
        String state_dir() default "state";

        @AttributeDefinition(name = "Log folder", description = "Relative paths are under home")
        String log_dir() default "log";
    }

    private final Path home;
    private final Path state;
    private final Path log;
    private final Path deploy;

    @Activate
    public InstallationComponent(BundleContext context, Config config) {
        this(config, context.getProperty("kumiki.home"), context.getProperty("felix.fileinstall.dir"));
        // Private to the service's user (0700) before File Install (a later start level) reads
        // configurations with secrets and Config Admin stores them: state, logs, deploy, the
        // framework cache (which holds Config Admin's store unless felix.cm.dir moves it).
        Map<String, Path> create = new LinkedHashMap<>();
        String logDir = context.getProperty("kumiki.log.dir");
        // where logback.xml writes (${kumiki.log.dir:-log}); usually there already
        create.put("log", absolute(logDir == null || logDir.isBlank() ? "log" : logDir));
        if (context.getProperty("felix.fileinstall.dir") != null) create.put("deploy", deploy);
        Map<String, Path> existing = new LinkedHashMap<>();
        existing.put("state", state);
        existing.put("log", log);
        existing.put("framework cache", frameworkStorage(context));
        String cm = context.getProperty("felix.cm.dir");
        if (cm != null && !cm.isBlank()) create.put("configuration store", absolute(cm));
        makePrivate(create, existing);
    }

    /** The framework's storage folder: the property, else two levels above this bundle's data area (Felix). */
    private static Path frameworkStorage(BundleContext context) {
        String storage = context.getProperty(Constants.FRAMEWORK_STORAGE);
        if (storage != null && !storage.isBlank()) return absolute(storage);
        java.io.File data = context.getDataFile("");
        if (data == null) return null;
        Path p = data.toPath().toAbsolutePath().normalize();
        return p.getParent() == null ? null : p.getParent().getParent();
    }

    private static Path absolute(String p) {
        return Path.of(p).toAbsolutePath().normalize();
    }

    /**
     * Creates each folder of {@code create} with mode 0700 or narrows it to 0700, and narrows
     * each folder of {@code existing} that exists; one log line for each one changed or left open.
     */
    static void makePrivate(Map<String, Path> create, Map<String, Path> existing) {
        Set<Path> done = new HashSet<>();
        for (Map.Entry<String, Path> f : create.entrySet()) {
            if (!done.add(f.getValue())) continue;
            try {
                PrivateFolders.ensure(f.getValue(), f.getKey());
            } catch (IOException | UnsupportedOperationException e) {
                LoggerFactory.getLogger(InstallationComponent.class).warn("cannot make the {} folder {} private: {}", f.getKey(), f.getValue(), e.toString());
            }
        }
        for (Map.Entry<String, Path> f : existing.entrySet()) {
            if (f.getValue() == null || !done.add(f.getValue())) continue;
            try {
                PrivateFolders.makePrivate(f.getValue(), f.getKey());
            } catch (IOException | UnsupportedOperationException e) {
                LoggerFactory.getLogger(InstallationComponent.class).warn("cannot make the {} folder {} private: {}", f.getKey(), f.getValue(), e.toString());
            }
        }
    }

    InstallationComponent(Config config, String homeProperty, String deployProperty) {
        String h = !config.home().isBlank() ? config.home() : homeProperty;
        this.home = (h == null || h.isBlank() ? Path.of("") : Path.of(h)).toAbsolutePath().normalize();
        this.state = home.resolve(config.state_dir()).normalize();
        this.log = home.resolve(config.log_dir()).normalize();
        // fileinstall resolves a relative folder against the working directory
        this.deploy = Path.of(deployProperty == null || deployProperty.isBlank() ? "deploy" : deployProperty).toAbsolutePath().normalize();
    }

    @Override public Path home() { return home; }
    @Override public Path stateRoot() { return state; }
    @Override public Path logDirectory() { return log; }
    @Override public Path deployDirectory() { return deploy; }

    @Override
    public Path stateDirectory(String domain) {
        if (domain == null || !DOMAIN.matcher(domain).matches() || domain.contains("..")) {
            throw new IllegalArgumentException("invalid domain name for a state folder: '" + domain
                    + "' (lower-case letters, digits, '-' and '.', at most 64, no '..')");
        }
        Path dir = state.resolve(domain);
        try {
            PrivateFolders.ensure(dir, "state");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state folder " + dir, e);
        }
        return dir;
    }
}
