package org.kumiki.lab.engine.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.InstrumentLockedException;
import org.kumiki.lab.api.LabConstants;

/** The devices the engine knows (whiteboard) and who owns each one. */
final class Devices {

    record Entry(Device device, Map<String, Object> properties) {
    }

    private final Map<String, Entry> byName = new ConcurrentHashMap<>();
    private final Map<String, String> owners = new ConcurrentHashMap<>();

    static String nameOf(Device d, Map<String, Object> props) {
        Object n = props == null ? null : props.get(LabConstants.DEVICE_NAME);
        return n instanceof String s && !s.isBlank() ? s : d.name();
    }

    void add(Device d, Map<String, Object> props) {
        byName.put(nameOf(d, props), new Entry(d, props == null ? Map.of() : props));
    }

    void remove(Device d, Map<String, Object> props) {
        byName.computeIfPresent(nameOf(d, props), (k, e) -> e.device() == d ? null : e);
    }

    Device get(String name) throws DeviceException {
        Entry e = name == null ? null : byName.get(name);
        if (e == null) throw new DeviceException(unknown(name));
        return e.device();
    }

    /** One line: the unknown name and the known ones (at most {@value #LISTED}). */
    String unknown(String name) {
        List<String> known = new ArrayList<>(byName.keySet());
        Collections.sort(known);
        String list = known.isEmpty() ? "none are registered"
                : "known: " + String.join(", ", known.subList(0, Math.min(LISTED, known.size()))) + (known.size() > LISTED ? ", ... (" + known.size() + " in all)" : "");
        return "unknown device '" + (name == null ? "" : shown(name)) + "' (" + list + ")";
    }

    static final int LISTED = 32;

    /** A name as it may be printed: no control characters, at most 64 characters. */
    static String shown(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 64 ? t.substring(0, 64) + "..." : t;
    }

    Entry entry(String name) {
        return byName.get(name);
    }

    Collection<Entry> all() {
        return new ArrayList<>(byName.values());
    }

    <T> List<T> allOf(Class<T> type) {
        List<T> l = new ArrayList<>();
        for (Entry e : byName.values()) {
            if (type.isInstance(e.device())) l.add(type.cast(e.device()));
        }
        return l;
    }

    /** Takes a device for an owner (a run uid); re-entrant for the same owner. */
    void lock(String device, String owner) throws InstrumentLockedException {
        String prev = owners.putIfAbsent(device, owner);
        if (prev != null && !prev.equals(owner)) {
            throw new InstrumentLockedException("device '" + device + "' is owned by " + prev);
        }
    }

    String owner(String device) {
        return owners.get(device);
    }

    void unlockAll(String owner) {
        owners.values().removeIf(owner::equals);
    }

    void unlock(String device, String owner) {
        owners.remove(device, owner);
    }
}
