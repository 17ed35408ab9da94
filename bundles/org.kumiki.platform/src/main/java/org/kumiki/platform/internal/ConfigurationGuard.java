package org.kumiki.platform.internal;

import java.lang.reflect.Array;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every configuration against the metatype of its PID before a component sees it, for
 * every bundle that declares one (all Kumiki components do, through {@code @Designate}). A value
 * of the wrong type ({@code memory.mib=abc} for a Long), out of its range or not one of its
 * options is replaced by the last good value of that property (or removed, so that the
 * component's default applies, when there was none), with one log line naming the file (or the
 * PID), the property and the expected type. So a typo in {@code deploy/*.cfg} never takes a
 * component down: it keeps its last good configuration. Values of password attributes are
 * never shown. Immediate: Config Admin gets and releases plugins at each use, and the last good
 * values must outlive that.
 */
@Component(service = ConfigurationPlugin.class, immediate = true, property = ConfigurationPlugin.CM_RANKING + ":Integer=" + ConfigurationGuard.RANKING)
public class ConfigurationGuard implements ConfigurationPlugin {

    /** Ranking among configuration plugins: within 0..1000 (may modify), early so that others see checked values. */
    static final int RANKING = 100;
    static final String FILE_PROPERTY = "felix.fileinstall.filename";
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationGuard.class);

    private final BundleContext context;
    private final MetaTypeService metatype;
    /** PID -> property -> last value that passed. */
    private final Map<String, Map<String, Object>> lastGood = new ConcurrentHashMap<>();
    /** PID/property -> the bad value last reported (one line per bad value, not per read). */
    private final Map<String, String> reported = new ConcurrentHashMap<>();

    @Activate
    public ConfigurationGuard(BundleContext context, @Reference MetaTypeService metatype) {
        this.context = context;
        this.metatype = metatype;
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        if (properties == null) return;
        Object pidValue = properties.get(Constants.SERVICE_PID);
        if (!(pidValue instanceof String)) return;
        String pid = (String) pidValue;
        Object factory = properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
        ObjectClassDefinition ocd = find(factory instanceof String ? (String) factory : null, pid);
        if (ocd == null) return;
        check(pid, source(properties, pid), ocd.getAttributeDefinitions(ObjectClassDefinition.ALL), properties);
    }

    /** Checks {@code properties} in place; package-private for unit tests. */
    void check(String pid, String source, AttributeDefinition[] ads, Dictionary<String, Object> properties) {
        if (ads == null) return;
        Map<String, Object> good = lastGood.computeIfAbsent(pid, k -> new ConcurrentHashMap<>());
        for (AttributeDefinition ad : ads) {
            String key = ad.getID();
            Object value = properties.get(key);
            if (value == null) continue;
            String problem = problem(ad, value);
            String reportKey = pid + "\u0000" + key;
            if (problem == null) {
                good.put(key, value);
                reported.remove(reportKey);
                continue;
            }
            Object keep = good.get(key);
            if (keep != null) {
                properties.put(key, keep);
            } else {
                properties.remove(key);
            }
            boolean secret = ad.getType() == AttributeDefinition.PASSWORD;
            String shown = secret ? "(secret, not shown)" : "'" + Text.oneLine(display(value)) + "'";
            if (!shown.equals(reported.put(reportKey, shown))) {
                LOG.error("{}: {} = {} {}; {}", source, key, shown, problem,
                        keep != null ? "keeping the last good value " + (secret ? "(not shown)" : "'" + Text.oneLine(display(keep)) + "'")
                                : "using the component's default");
            }
        }
    }

    /** The file the configuration came from (File Install), else the PID. */
    static String source(Dictionary<String, Object> properties, String pid) {
        Object f = properties.get(FILE_PROPERTY);
        if (f instanceof String) {
            String s = (String) f;
            try {
                return s.startsWith("file:") ? Path.of(URI.create(s)).toString() : s;
            } catch (IllegalArgumentException e) {
                return s;
            }
        }
        return "configuration " + pid;
    }

    private ObjectClassDefinition find(String factoryPid, String pid) {
        for (Bundle b : context.getBundles()) {
            if (b.getState() == Bundle.UNINSTALLED) continue;
            MetaTypeInformation mti;
            try {
                mti = metatype.getMetaTypeInformation(b);
            } catch (RuntimeException e) {
                continue;
            }
            if (mti == null) continue;
            try {
                if (factoryPid != null && contains(mti.getFactoryPids(), factoryPid)) return mti.getObjectClassDefinition(factoryPid, null);
                if (factoryPid == null && contains(mti.getPids(), pid)) return mti.getObjectClassDefinition(pid, null);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private static boolean contains(String[] a, String s) {
        return a != null && Arrays.asList(a).contains(s);
    }

    /** Why {@code value} does not fit {@code ad}, or null when it fits. */
    static String problem(AttributeDefinition ad, Object value) {
        List<Object> values = new ArrayList<>();
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) values.add(Array.get(value, i));
        } else if (value instanceof Collection) {
            values.addAll((Collection<?>) value);
        } else {
            values.add(value);
        }
        if (ad.getCardinality() == 0 && values.size() > 1) return "is a list, expected one " + typeName(ad.getType());
        for (Object v : values) {
            String p = problemOfOne(ad, v);
            if (p != null) return p;
        }
        return null;
    }

    private static String problemOfOne(AttributeDefinition ad, Object v) {
        if (v == null) return null;
        int type = ad.getType();
        if (v instanceof String) {
            String s = ((String) v).trim();
            String expected = "is not a " + typeName(type);
            try {
                switch (type) {
                    case AttributeDefinition.LONG: Long.parseLong(s); break;
                    case AttributeDefinition.INTEGER: Integer.parseInt(s); break;
                    case AttributeDefinition.SHORT: Short.parseShort(s); break;
                    case AttributeDefinition.BYTE: Byte.parseByte(s); break;
                    case AttributeDefinition.DOUBLE:
                    case AttributeDefinition.FLOAT:
                        if (s.isEmpty()) return expected;
                        Double.parseDouble(s);
                        break;
                    case AttributeDefinition.BOOLEAN:
                        if (!"true".equalsIgnoreCase(s) && !"false".equalsIgnoreCase(s)) return expected;
                        break;
                    case AttributeDefinition.CHARACTER:
                        if (s.length() != 1) return expected;
                        break;
                    default:
                        break;
                }
            } catch (NumberFormatException e) {
                return expected;
            }
        } else if (isNumeric(type) && !(v instanceof Number)) {
            return "is a " + v.getClass().getSimpleName() + ", expected a " + typeName(type);
        } else if (type == AttributeDefinition.BOOLEAN && !(v instanceof Boolean)) {
            return "is a " + v.getClass().getSimpleName() + ", expected a " + typeName(type);
        }
        String[] options = ad.getOptionValues();
        if (options != null && options.length > 0 && !Arrays.asList(options).contains(String.valueOf(v).trim())) {
            return "is not one of " + String.join(", ", options);
        }
        if (type != AttributeDefinition.STRING && type != AttributeDefinition.PASSWORD) {
            // range (min/max) as the metatype implementation checks it
            String msg;
            try {
                msg = ad.validate(String.valueOf(v).trim().replace("\\", "\\\\").replace(",", "\\,"));
            } catch (RuntimeException e) {
                msg = null;
            }
            if (msg != null && !msg.isEmpty()) {
                return "is out of range for a " + typeName(type) + " (" + msg.replace("%", "").trim() + ")";
            }
        }
        return null;
    }

    private static boolean isNumeric(int type) {
        switch (type) {
            case AttributeDefinition.LONG:
            case AttributeDefinition.INTEGER:
            case AttributeDefinition.SHORT:
            case AttributeDefinition.BYTE:
            case AttributeDefinition.DOUBLE:
            case AttributeDefinition.FLOAT:
                return true;
            default:
                return false;
        }
    }

    static String typeName(int type) {
        switch (type) {
            case AttributeDefinition.LONG: return "Long (a whole number)";
            case AttributeDefinition.INTEGER: return "Integer (a whole number)";
            case AttributeDefinition.SHORT: return "Short (a whole number)";
            case AttributeDefinition.BYTE: return "Byte (a whole number)";
            case AttributeDefinition.DOUBLE: return "Double (a number)";
            case AttributeDefinition.FLOAT: return "Float (a number)";
            case AttributeDefinition.BOOLEAN: return "Boolean (true or false)";
            case AttributeDefinition.CHARACTER: return "Character (one character)";
            case AttributeDefinition.PASSWORD: return "Password";
            default: return "String";
        }
    }

    private static String display(Object v) {
        if (v.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) parts.add(String.valueOf(Array.get(v, i)));
            return parts.toString();
        }
        return String.valueOf(v);
    }

    /** A copy of the last good values kept for a PID (unit tests). */
    Map<String, Object> lastGood(String pid) {
        return new HashMap<>(lastGood.getOrDefault(pid, Map.of()));
    }
}
