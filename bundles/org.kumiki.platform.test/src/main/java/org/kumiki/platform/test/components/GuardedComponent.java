package org.kumiki.platform.test.components;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** A component with a typed configuration, as every Kumiki backend has (ConfigurationGuardIT). */
@Component(service = GuardedComponent.class, configurationPid = GuardedComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = GuardedComponent.Config.class)
public class GuardedComponent {

    public static final String PID = "org.kumiki.platform.test.guarded";

    @ObjectClassDefinition(name = "Guarded test component")
    public @interface Config {
        @AttributeDefinition(description = "Memory in MiB")
        long memory_mib() default 1024;

        @AttributeDefinition(description = "A flag")
        boolean enabled() default true;
    }

    private volatile long memoryMib;
    private volatile boolean enabled;

    @Activate
    public GuardedComponent(Config config) {
        modified(config);
    }

    @Modified
    void modified(Config config) {
        this.memoryMib = config.memory_mib();
        this.enabled = config.enabled();
    }

    public long memoryMib() {
        return memoryMib;
    }

    public boolean enabled() {
        return enabled;
    }
}
