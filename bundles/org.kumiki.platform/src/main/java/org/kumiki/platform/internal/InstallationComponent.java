package org.kumiki.platform.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.kumiki.platform.api.Installation;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.LoggerFactory;

/** The installation layout: home, state/&lt;domain&gt;, log. */
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
        if (context.getProperty("felix.fileinstall.dir") == null) return; // no watched folder in this distribution
        try {
            // fileinstall (a later start level) watches this folder; it must exist
            Files.createDirectories(deploy);
        } catch (IOException e) {
            LoggerFactory.getLogger(InstallationComponent.class).warn("cannot create deploy folder {}: {}", deploy, e.toString());
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
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create state folder " + dir, e);
        }
        return dir;
    }
}
