package org.kumiki.lab.sim.internal;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Movable;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.Triggerable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded simulated bench: motors, a detector over the first two motors, a temperature
 * controller, a synthesis robot and a spectrometer, registered as device services.
 */
@Component(service = {}, configurationPid = SimLab.PID, immediate = true)
@Designate(ocd = SimLab.Config.class)
public class SimLab {

    public static final String PID = "org.kumiki.lab.sim";
    private static final Logger LOG = LoggerFactory.getLogger(SimLab.class);

    @ObjectClassDefinition(name = "Kumiki simulated lab", description = "Simulated instruments registered as lab devices")
    public @interface Config {
        @AttributeDefinition(name = "Enabled") boolean enabled() default true;
        @AttributeDefinition(name = "Motors", description = "Names of the simulated motors") String[] motors() default {"m1", "m2", "m3"};
        @AttributeDefinition(name = "Motor speed (units/s)") double motor_velocity() default 20.0;
        @AttributeDefinition(name = "Motor acceleration (units/s^2)") double motor_acceleration() default 200.0;
        @AttributeDefinition(name = "Motor soft low limit") double motor_low() default -50.0;
        @AttributeDefinition(name = "Motor soft high limit") double motor_high() default 50.0;
        @AttributeDefinition(name = "Detector") String detector() default "det1";
        @AttributeDefinition(name = "Detector exposure (s)", description = "0: the trigger completes at once") double detector_exposure() default 0.0;
        @AttributeDefinition(name = "Detector noise (counts)") double detector_noise() default 1.0;
        @AttributeDefinition(name = "Temperature controller") String temperature_controller() default "tc1";
        @AttributeDefinition(name = "Temperature time constant (s)") double temperature_tau() default 1.0;
        @AttributeDefinition(name = "Temperature tolerance (K)") double temperature_tolerance() default 0.5;
        @AttributeDefinition(name = "Synthesis robot") String robot() default "robot1";
        @AttributeDefinition(name = "Reaction time (s)") double reaction_time() default 0.0;
        @AttributeDefinition(name = "Spectrometer") String spectrometer() default "spec1";
        @AttributeDefinition(name = "Spectrometer noise (yield units)") double spectrometer_noise() default 0.002;
        @AttributeDefinition(name = "Location") String location() default "sim-bench";
        @AttributeDefinition(name = "Random seed") long seed() default 42;
    }

    /** The devices of one bench, built without OSGi (unit tests and benchmarks use this). */
    public static final class Bench {
        public final List<SimMotor> motors = new ArrayList<>();
        public SimDetector detector;
        public SimTemperatureController temperature;
        public SimSynthesisRobot robot;
        public SimSpectrometer spectrometer;

        public List<Device> all() {
            List<Device> d = new ArrayList<>(motors);
            if (detector != null) d.add(detector);
            if (temperature != null) d.add(temperature);
            if (robot != null) d.add(robot);
            if (spectrometer != null) d.add(spectrometer);
            return d;
        }
    }

    public static Bench build(String[] motors, double velocity, double acceleration, double low, double high, String detector, double exposure,
            double noise, String tc, double tau, double tol, String robot, double reaction, String spectrometer, double specNoise, long seed) {
        Bench b = new Bench();
        for (String m : motors) b.motors.add(new SimMotor(m.trim(), 0.0, velocity, acceleration, low, high, "mm"));
        if (detector != null && !detector.isBlank()) {
            b.detector = new SimDetector(detector, b.motors.subList(0, Math.min(2, b.motors.size())), new double[] {1.0, -0.5}, 2.0, 1000, 10,
                    noise, exposure, seed);
        }
        if (tc != null && !tc.isBlank()) b.temperature = new SimTemperatureController(tc, 295.0, tau, tol, 250.0, 450.0);
        if (robot != null && !robot.isBlank()) {
            b.robot = new SimSynthesisRobot(robot, reaction, 280, 420);
            if (spectrometer != null && !spectrometer.isBlank()) b.spectrometer = new SimSpectrometer(spectrometer, b.robot, specNoise, seed + 1);
        }
        return b;
    }

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    @Activate
    public SimLab(BundleContext context, Config c) {
        if (!c.enabled()) {
            LOG.info("simulated lab disabled");
            return;
        }
        Bench b = build(c.motors(), c.motor_velocity(), c.motor_acceleration(), c.motor_low(), c.motor_high(), c.detector(), c.detector_exposure(),
                c.detector_noise(), c.temperature_controller(), c.temperature_tau(), c.temperature_tolerance(), c.robot(), c.reaction_time(),
                c.spectrometer(), c.spectrometer_noise(), c.seed());
        for (SimMotor m : b.motors) register(context, m, "motor", c.location());
        if (b.detector != null) register(context, b.detector, "detector", c.location());
        if (b.temperature != null) register(context, b.temperature, "temperature-controller", c.location());
        if (b.robot != null) register(context, b.robot, "synthesis-robot", c.location());
        if (b.spectrometer != null) register(context, b.spectrometer, "spectrometer", c.location());
        LOG.info("simulated lab: {} devices", registrations.size());
    }

    private void register(BundleContext context, Device d, String kind, String location) {
        List<String> classes = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        classes.add(Device.class.getName());
        if (d instanceof Readable) { classes.add(Readable.class.getName()); caps.add("readable"); }
        if (d instanceof Movable) { classes.add(Movable.class.getName()); caps.add("movable"); }
        if (d instanceof Triggerable) { classes.add(Triggerable.class.getName()); caps.add("triggerable"); }
        if (d instanceof Stoppable) { classes.add(Stoppable.class.getName()); caps.add("stoppable"); }
        Hashtable<String, Object> p = new Hashtable<>();
        p.put(LabConstants.DEVICE_NAME, d.name());
        p.put(LabConstants.DEVICE_KIND, kind);
        p.put(LabConstants.DEVICE_VENDOR, "kumiki-sim");
        p.put(LabConstants.DEVICE_LOCATION, location);
        p.put(LabConstants.DEVICE_CAPABILITIES, caps.toArray(new String[0]));
        registrations.add(context.registerService(classes.toArray(new String[0]), d, p));
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone
            }
        }
        registrations.clear();
    }
}
