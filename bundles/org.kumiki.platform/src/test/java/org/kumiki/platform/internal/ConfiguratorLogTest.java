package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.util.tracker.ServiceTracker;

/** The Configurator's LogService on a real Felix framework: no other bundle gets it, even one tracking LogService before it came. */
class ConfiguratorLogTest {

    @TempDir
    Path dir;
    Framework framework;

    @AfterEach
    void stop() throws Exception {
        if (framework != null) {
            framework.stop();
            framework.waitForStop(30_000);
        }
    }

    BundleContext bundle(String symbolicName) throws Exception {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        a.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar, m).close();
        Bundle b = framework.getBundleContext().installBundle(symbolicName, new ByteArrayInputStream(jar.toByteArray()));
        b.start();
        return b.getBundleContext();
    }

    @Test
    void onlyTheConfiguratorGetsItEvenWhenTrackingStartedBefore() throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
        // as Felix Config Admin: tracking LogService from its start, before org.kumiki.platform's components
        ServiceTracker<Object, Object> configAdmin = new ServiceTracker<>(bundle("org.apache.felix.configadmin"), "org.osgi.service.log.LogService", null);
        configAdmin.open();
        ServiceTracker<Object, Object> configurator = new ServiceTracker<>(bundle(ConfiguratorLog.CONFIGURATOR), "org.osgi.service.log.LogService", null);
        configurator.open();

        ConfiguratorLog log = new ConfiguratorLog(bundle("org.kumiki.platform"));
        try {
            assertNotNull(configurator.getService(), "the Configurator's");
            assertNull(configAdmin.getService(), "hidden from a bundle that was already tracking");
            ServiceTracker<Object, Object> later = new ServiceTracker<>(bundle("org.apache.felix.metatype"), "org.osgi.service.log.LogService", null);
            later.open();
            assertNull(later.getService(), "hidden from a bundle that looks later");
            ServiceTracker<Object, Object> configuratorLater = new ServiceTracker<>(bundle(ConfiguratorLog.CONFIGURATOR), "org.osgi.service.log.LogService", null);
            configuratorLater.open();
            assertNotNull(configuratorLater.getService(), "the Configurator's, when it looks later");
        } finally {
            log.deactivate();
        }
        configAdmin.close();
        configurator.close();
    }
}
