package org.kumiki.platform.internal;

import java.io.File;
import java.io.IOException;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipException;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File Install silently skips a {@code .jar} in the deploy folder that is not an OSGi bundle
 * (and retries it forever). This installer claims exactly those files and logs why each one is
 * ignored, one line per file (again when the file changes): not a zip file, no manifest, or a
 * manifest without {@code Bundle-SymbolicName} (a plain jar). A jar that becomes a valid bundle
 * is no longer claimed, and File Install installs it.
 */
@Component(service = ArtifactInstaller.class)
public class DeployFolderGuard implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderGuard.class);

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().toLowerCase(java.util.Locale.ROOT).endsWith(".jar") && artifact.isFile() && whyNotABundle(artifact) != null;
    }

    @Override
    public void install(File artifact) {
        report(artifact);
    }

    @Override
    public void update(File artifact) {
        report(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        // nothing was installed
    }

    private static void report(File artifact) {
        String why = whyNotABundle(artifact);
        if (why != null) {
            LOG.warn("{} ignored: {}", artifact, why);
        }
    }

    /** Why {@code jar} is not an OSGi bundle, or null when it is one. */
    static String whyNotABundle(File jar) {
        if (!jar.canRead()) {
            return "cannot be read by this service's user";
        }
        try (JarFile j = new JarFile(jar)) {
            Manifest m = j.getManifest();
            if (m == null) {
                return "no META-INF/MANIFEST.MF, so not an OSGi bundle";
            }
            if (m.getMainAttributes().getValue(new Attributes.Name("Bundle-SymbolicName")) == null) {
                return "its manifest has no Bundle-SymbolicName: a plain jar, not an OSGi bundle (wrap it with bnd)";
            }
            return null;
        } catch (ZipException e) {
            return "not a jar (zip) file: " + Text.oneLine(e.getMessage());
        } catch (IOException | SecurityException e) {
            return "cannot be opened as a jar: " + Text.oneLine(e.toString());
        }
    }
}
