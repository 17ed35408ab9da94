package org.kumiki.lab.api;

import java.util.List;
import java.util.Map;

/**
 * One instruction of a plan. Immutable; build with the static factories.
 */
public final class Msg {

    /** What the engine does. */
    public enum Command {
        /** Opens a run: emits the start document ({@link #metadata} is merged into it). */
        OPEN_RUN,
        /** Closes the run: emits the stop document ({@link #value} is an optional exit status, default success). */
        CLOSE_RUN,
        /** Starts moving {@link #devices}[0] to {@link #value}; the status joins {@link #group}. */
        SET,
        /** Waits for every status of {@link #group}. */
        WAIT,
        /** Triggers {@link #devices}[0]; the status joins {@link #group}. */
        TRIGGER,
        /** Reads {@link #devices}[0]; inside CREATE/SAVE the readings join the event. */
        READ,
        /** Opens an event bundle for stream {@link #stream}. */
        CREATE,
        /** Closes the bundle and emits the event (and a descriptor the first time its data keys are seen). */
        SAVE,
        /** Triggers every triggerable of {@link #devices}, waits, reads all of them and emits one event. */
        TRIGGER_AND_READ,
        /** A safe point: documents so far are made durable; a deferred pause stops here; rewinds come back here. */
        CHECKPOINT,
        /** Sleeps {@link #value} seconds (interrupted by pause, suspension, abort). */
        SLEEP
    }

    public final Command command;
    public final List<String> devices;
    public final Object value;
    public final String group;
    public final String stream;
    public final Map<String, Object> metadata;

    private Msg(Command command, List<String> devices, Object value, String group, String stream, Map<String, Object> metadata) {
        this.command = command;
        this.devices = devices == null ? List.of() : List.copyOf(devices);
        this.value = value;
        this.group = group;
        this.stream = stream;
        this.metadata = metadata == null ? Map.of() : metadata;
    }

    public static Msg openRun(Map<String, Object> metadata) {
        return new Msg(Command.OPEN_RUN, null, null, null, null, metadata);
    }

    public static Msg closeRun() {
        return new Msg(Command.CLOSE_RUN, null, null, null, null, null);
    }

    /** @param exitStatus success, abort or fail */
    public static Msg closeRun(String exitStatus, String reason) {
        return new Msg(Command.CLOSE_RUN, null, exitStatus, null, null, reason == null ? null : Map.of("reason", reason));
    }

    public static Msg set(String device, Object value, String group) {
        return new Msg(Command.SET, List.of(device), value, group, null, null);
    }

    public static Msg waitFor(String group) {
        return new Msg(Command.WAIT, null, null, group, null, null);
    }

    public static Msg trigger(String device, String group) {
        return new Msg(Command.TRIGGER, List.of(device), null, group, null, null);
    }

    public static Msg read(String device) {
        return new Msg(Command.READ, List.of(device), null, null, null, null);
    }

    public static Msg create(String stream) {
        return new Msg(Command.CREATE, null, null, null, stream == null ? "primary" : stream, null);
    }

    public static Msg save() {
        return new Msg(Command.SAVE, null, null, null, null, null);
    }

    public static Msg triggerAndRead(List<String> devices, String stream) {
        return new Msg(Command.TRIGGER_AND_READ, devices, null, null, stream == null ? "primary" : stream, null);
    }

    public static Msg checkpoint() {
        return new Msg(Command.CHECKPOINT, null, null, null, null, null);
    }

    public static Msg sleep(double seconds) {
        return new Msg(Command.SLEEP, null, seconds, null, null, null);
    }

    @Override
    public String toString() {
        return command + (devices.isEmpty() ? "" : " " + devices) + (value == null ? "" : " " + value) + (group == null ? "" : " group=" + group);
    }
}
