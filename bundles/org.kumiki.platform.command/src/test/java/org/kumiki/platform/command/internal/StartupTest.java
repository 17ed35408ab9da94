package org.kumiki.platform.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/** The script runner's start of the servers on a real Felix framework, started as the bnd launcher starts it. */
class StartupTest {

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

    /** A framework at the launcher's beginning level 102, with the servers' level property if given. */
    FrameworkStartLevel startedAt102(String servers) throws Exception {
        Map<String, String> config = new HashMap<>(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("cache").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT,
                Constants.FRAMEWORK_BEGINNING_STARTLEVEL, "102"));
        if (servers != null) config.put(Startup.SERVERS, servers);
        framework = new FrameworkFactory().newFramework(config);
        framework.init();
        FrameworkStartLevel fsl = framework.adapt(FrameworkStartLevel.class);
        CountDownLatch started = new CountDownLatch(1);
        framework.getBundleContext().addFrameworkListener(e -> {
            if (e.getType() == FrameworkEvent.STARTED) started.countDown();
        });
        framework.start();
        if (!started.await(60, TimeUnit.SECONDS)) throw new AssertionError("framework not started");
        assertEquals(102, fsl.getStartLevel());
        return fsl;
    }

    @Test
    void aScriptLineThatNeedsTheServersRaisesTheirLevelAndWaitsForIt() throws Exception {
        FrameworkStartLevel fsl = startedAt102("110");
        try (Startup startup = new Startup(framework.getBundleContext())) {
            startup.startServers();
            startup.await(60_000, true);
        }
        assertEquals(110, fsl.getStartLevel());
    }

    @Test
    void aSiteWithoutDeferredServersOrALevelAlreadyAboveIsLeftAlone() throws Exception {
        FrameworkStartLevel fsl = startedAt102(null);
        try (Startup startup = new Startup(framework.getBundleContext())) {
            startup.startServers();
            startup.await(60_000, true);
        }
        assertEquals(102, fsl.getStartLevel());
    }
}
