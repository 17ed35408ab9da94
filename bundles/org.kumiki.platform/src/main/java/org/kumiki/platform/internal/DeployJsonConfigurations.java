package org.kumiki.platform.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OSGi Configurator JSON files in the deploy folder ({@code deploy/NAME.json}). File Install
 * 3.7.4 reads only {@code .cfg} and {@code .config}; this installer hands each {@code .json} file
 * to the Configurator (Apache Felix Configurator, in the base distribution) by wrapping it into
 * a generated resource bundle ({@code OSGI-INF/configurator/NAME.json} and the
 * {@code osgi.extender=osgi.configurator} requirement), exactly what a site's defaults bundle
 * holds. Editing the file updates that bundle (the Configurator applies the new content),
 * deleting it uninstalls the bundle (the Configurator removes its configurations). A file that
 * is not a valid configuration resource is refused with one line naming the file and the reason,
 * and a configuration installed from an earlier good version stays as it was.
 */
@Component(service = ArtifactInstaller.class)
public class DeployJsonConfigurations implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(DeployJsonConfigurations.class);
    static final String LOCATION = "kumiki-deploy-json:";
    static final String CONFIGURATOR = "(&(osgi.extender=osgi.configurator)(version>=1.0)(!(version>=2.0)))";
    /** Larger files are refused: a configuration is small, and the file is read into memory. */
    static final long MAX_BYTES = 1 << 20;

    private final BundleContext context;

    @Activate
    public DeployJsonConfigurations(BundleContext context) {
        this.context = context;
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().toLowerCase(Locale.ROOT).endsWith(".json");
    }

    @Override
    public void install(File artifact) {
        apply(artifact);
    }

    @Override
    public void update(File artifact) {
        apply(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        Bundle b = context.getBundle(location(artifact));
        if (b == null) return;
        try {
            b.uninstall();
            LOG.info("{}: removed, its configurations deleted", artifact);
        } catch (BundleException | IllegalStateException e) {
            LOG.warn("{}: could not remove its configurations: {}", artifact, Text.oneLine(e.getMessage()));
        }
    }

    private void apply(File artifact) {
        byte[] json;
        try {
            if (Files.size(artifact.toPath()) > MAX_BYTES) {
                LOG.warn("{} ignored: larger than {} bytes", artifact, MAX_BYTES);
                return;
            }
            json = Files.readAllBytes(artifact.toPath());
        } catch (IOException | SecurityException e) {
            LOG.warn("{} ignored: cannot be read: {}", artifact, Text.oneLine(e.toString()));
            return;
        }
        String why;
        try {
            why = ConfiguratorJson.whyInvalid(artifact.getName(), json);
        } catch (NoClassDefFoundError e) {
            LOG.warn("{} ignored: this distribution has no OSGi Configurator (org.apache.felix.configurator, org.apache.felix.cm.json)", artifact);
            return;
        }
        if (why != null) {
            Bundle b = context.getBundle(location(artifact));
            LOG.warn("{} ignored: {}{}", artifact, why, b == null ? "" : " (the configurations from its last valid version stay)");
            return;
        }
        String location = location(artifact);
        try {
            byte[] jar = resourceBundle(artifact.getName(), json);
            Bundle b = context.getBundle(location);
            if (b == null) {
                b = context.installBundle(location, new ByteArrayInputStream(jar));
                LOG.info("{}: handed to the OSGi Configurator", artifact);
            } else {
                b.update(new ByteArrayInputStream(jar));
                LOG.info("{}: updated, handed to the OSGi Configurator", artifact);
            }
            b.start();
        } catch (BundleException | IOException | IllegalStateException | SecurityException e) {
            LOG.warn("{} ignored: {}", artifact, Text.oneLine(e.getMessage()));
        }
    }

    static String location(File artifact) {
        return LOCATION + artifact.getAbsoluteFile().toURI();
    }

    /** A bundle holding {@code OSGI-INF/configurator/NAME} and requiring the Configurator extender. */
    static byte[] resourceBundle(String fileName, byte[] json) throws IOException {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.kumiki.deploy.json." + symbolic(fileName));
        a.putValue("Bundle-Version", "0.0.0");
        a.putValue("Bundle-Name", "deploy/" + fileName + " (configuration for the OSGi Configurator)");
        a.putValue("Require-Capability", "osgi.extender;filter:=\"" + CONFIGURATOR + "\"");
        ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + 512);
        try (JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry("OSGI-INF/configurator/" + symbolic(fileName.substring(0, fileName.length() - ".json".length())) + ".json"));
            jar.write(json);
            jar.closeEntry();
        }
        return out.toByteArray();
    }

    /** The file name reduced to characters a symbolic name and a resource path accept. */
    static String symbolic(String fileName) {
        String s = fileName.replaceAll("[^A-Za-z0-9_.-]", "_");
        return s.startsWith(".") ? "_" + s : s;
    }
}
