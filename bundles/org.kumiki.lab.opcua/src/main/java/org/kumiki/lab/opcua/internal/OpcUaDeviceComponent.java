package org.kumiki.lab.opcua.internal;

import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Movable;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.platform.api.Installation;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.LoggerFactory;

/**
 * One OPC UA instrument per factory configuration ({@code org.kumiki.lab.opcua.device~NAME}),
 * registered as a lab device (readable, movable, triggerable, stoppable).
 */
@Component(service = {}, configurationPid = OpcUaDeviceComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = OpcUaDeviceComponent.Config.class, factory = true)
public class OpcUaDeviceComponent {

    public static final String PID = "org.kumiki.lab.opcua.device";

    @ObjectClassDefinition(name = "Kumiki OPC UA instrument", description = "An instrument behind an OPC UA server, as a lab device")
    public @interface Config {
        @AttributeDefinition(name = "Device name", description = "Unique lab device name") String name();
        @AttributeDefinition(name = "Kind") String kind() default "opcua-instrument";
        @AttributeDefinition(name = "Location") String location() default "";
        @AttributeDefinition(name = "Endpoint", description = "opc.tcp://HOST:PORT/PATH") String endpoint();
        @AttributeDefinition(name = "Security policy", description = "Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss (with the installation's client certificate, state/lab/opcua/client-cert.der), or None (only with allow_insecure)")
        String security_policy() default "Basic256Sha256";
        @AttributeDefinition(name = "Security mode", description = "None, Sign, SignAndEncrypt") String security_mode() default "SignAndEncrypt";
        @AttributeDefinition(name = "Allow security None", description = "Accept an unsigned, unencrypted connection") boolean allow_insecure() default false;
        @AttributeDefinition(name = "User name", description = "Empty: anonymous") String username() default "";
        @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD) String _password() default "";
        @AttributeDefinition(name = "Readings", description = "KEY=NODE_ID, e.g. tc_temperature=ns=2;s=Temperature (monitored through a subscription)") String[] readings();
        @AttributeDefinition(name = "Set point node", description = "Written by set(); empty: not movable") String setpoint_node() default "";
        @AttributeDefinition(name = "Trigger method", description = "OBJECT_NODE_ID|METHOD_NODE_ID called by trigger(); empty: trigger only re-reads") String trigger_method() default "";
        @AttributeDefinition(name = "Stop method", description = "OBJECT_NODE_ID|METHOD_NODE_ID called by stop() and the emergency stop") String stop_method() default "";
        @AttributeDefinition(name = "Soft low limit", description = "Empty: none") String low() default "";
        @AttributeDefinition(name = "Soft high limit", description = "Empty: none") String high() default "";
        @AttributeDefinition(name = "Units") String units() default "";
        @AttributeDefinition(name = "Request timeout (ms)", min = "100") long request_timeout_ms() default 5000;
        @AttributeDefinition(name = "Sampling interval (ms)", min = "0") double sampling_ms() default 50;
    }

    private final OpcUaDevice device;
    private final ServiceRegistration<?> registration;

    @Activate
    public OpcUaDeviceComponent(BundleContext context, @Reference Installation installation, Config c) {
        OpcUaDevice d;
        try {
            d = new OpcUaDevice(settings(c, installation.stateDirectory("lab").resolve("opcua")));
        } catch (IllegalArgumentException e) {
            // a refused configuration (insecure, malformed): one line, no device, and no exception
            // for SCR to print with its stack trace; the next configuration update tries again
            String why = String.valueOf(e.getMessage());
            LoggerFactory.getLogger(OpcUaDeviceComponent.class).error("lab.opcua: device {}", why.startsWith(c.name() + ": ") ? why : c.name() + ": " + why);
            this.device = null;
            this.registration = null;
            return;
        }
        this.device = d;
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(LabConstants.DEVICE_NAME, c.name());
        p.put(LabConstants.DEVICE_KIND, c.kind());
        p.put(LabConstants.DEVICE_VENDOR, "opcua");
        p.put(LabConstants.DEVICE_LOCATION, c.location());
        p.put(LabConstants.DEVICE_CAPABILITIES, new String[] {"readable", "movable", "triggerable", "stoppable", "opcua"});
        this.registration = context.registerService(new String[] {Device.class.getName(), Readable.class.getName(), Movable.class.getName(),
                Triggerable.class.getName(), Stoppable.class.getName()}, device, p);
    }

    static OpcUaDevice.Settings settings(Config c, java.nio.file.Path securityDir) {
        Map<String, String> readings = new LinkedHashMap<>();
        if (c.readings() != null) {
            for (String r : c.readings()) {
                int eq = r.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("a reading is KEY=NODE_ID, not '" + r + "'");
                String key = r.substring(0, eq).trim();
                if (!key.matches("[A-Za-z][A-Za-z0-9_]{0,63}")) throw new IllegalArgumentException("bad reading key '" + key + "'");
                readings.put(key, r.substring(eq + 1).trim());
            }
        }
        return new OpcUaDevice.Settings(c.name(), c.endpoint(), c.security_policy(), c.security_mode(), c.allow_insecure(), c.username(), c._password(),
                readings, c.setpoint_node(), c.trigger_method(), c.stop_method(), bound(c.low()), bound(c.high()), c.units().isBlank() ? null : c.units(),
                c.request_timeout_ms(), c.sampling_ms(), securityDir);
    }

    private static Double bound(String s) {
        if (s == null || s.isBlank()) return null;
        double d = Double.parseDouble(s.trim());
        if (!Double.isFinite(d)) throw new IllegalArgumentException("limits must be finite");
        return d;
    }

    @Deactivate
    void deactivate() {
        if (device == null) return;
        try {
            registration.unregister();
        } catch (IllegalStateException e) {
            // gone
        }
        device.close();
    }
}
