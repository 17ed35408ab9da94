package org.kumiki.platform.internal;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.felix.cm.json.io.ConfigurationReader;
import org.apache.felix.cm.json.io.ConfigurationResource;
import org.apache.felix.cm.json.io.Configurations;

/**
 * Checks an OSGi Configurator JSON resource with the reader the Configurator itself uses
 * (Apache Felix cm.json), so that a bad file is refused with its reason before the Configurator
 * sees it. Kept apart from {@link DeployJsonConfigurations} so that a distribution without
 * cm.json fails only here ({@link NoClassDefFoundError}).
 */
final class ConfiguratorJson {

    private ConfiguratorJson() {
    }

    /** Why {@code json} is not a usable Configurator resource, or null when it is one. */
    static String whyInvalid(String name, byte[] json) {
        try (Reader r = new InputStreamReader(new ByteArrayInputStream(json), StandardCharsets.UTF_8)) {
            ConfigurationReader reader = Configurations.buildReader().verifyAsBundleResource(true).withIdentifier(name).build(r);
            ConfigurationResource resource = reader.readConfigurationResource();
            List<String> errors = reader.getIgnoredErrors();
            if (!errors.isEmpty()) {
                return Text.oneLine(String.join("; ", errors));
            }
            if (resource == null || resource.getConfigurations().isEmpty()) {
                return "no configuration in it (expected {\"PID\": {...}} or {\"FACTORYPID~NAME\": {...}})";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "not a valid OSGi Configurator JSON resource: " + Text.oneLine(String.valueOf(e.getMessage()));
        }
    }
}
