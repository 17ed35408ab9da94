package org.kumiki.platform.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import org.junit.jupiter.api.Test;

class DeployJsonConfigurationsTest {

    static String why(String json) {
        return ConfiguratorJson.whyInvalid("x.json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void configuratorResourcesAreCheckedWithTheConfiguratorsReader() {
        assertNull(why("{\"org.kumiki.lab.sim\": {\"motors\": [\"x1\", \"x2\"], \"location\": \"bench-2\"}}"));
        assertNull(why("{\":configurator:resource-version\": 1, \"org.kumiki.lab.opcua.device~furnace\": {\"name\": \"furnace\"}}"));
        assertTrue(why("{\"org.kumiki.lab.sim\": {\"motors\": [\"y1\"").startsWith("not a valid OSGi Configurator JSON resource: "), why("{\"a\": ["));
        assertTrue(why("[1, 2]").startsWith("not a valid OSGi Configurator JSON resource: "), why("[1, 2]"));
        assertTrue(why("{}").startsWith("no configuration in it"), why("{}"));
        assertTrue(why("{\":configurator:resource-version\": 7, \"a\": {}}").contains("resource version"), why("{\":configurator:resource-version\": 7, \"a\": {}}"));
        assertTrue(why("{\"org.kumiki.lab.sim\": 5}").contains("org.kumiki.lab.sim"), why("{\"org.kumiki.lab.sim\": 5}"));
        assertTrue(!why("{\"a\": {\"b\": \"\u0007\n\"}, \"c\": 1e9999999999}").contains("\n"));
    }

    @Test
    void theResourceBundleHoldsTheFileAndRequiresTheConfigurator() throws Exception {
        byte[] json = "{\"a\": {\"b\": 1}}".getBytes(StandardCharsets.UTF_8);
        byte[] jar = DeployJsonConfigurations.resourceBundle("lab sim.JSON", json);
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            var a = in.getManifest().getMainAttributes();
            assertEquals("org.kumiki.deploy.json.lab_sim.JSON", a.getValue("Bundle-SymbolicName"));
            assertEquals("osgi.extender;filter:=\"" + DeployJsonConfigurations.CONFIGURATOR + "\"", a.getValue("Require-Capability"));
            JarEntry e = in.getNextJarEntry();
            assertEquals("OSGI-INF/configurator/lab_sim.json", e.getName());
            assertEquals(new String(json, StandardCharsets.UTF_8), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals("_.hidden.json", DeployJsonConfigurations.symbolic(".hidden.json"));
    }
}
