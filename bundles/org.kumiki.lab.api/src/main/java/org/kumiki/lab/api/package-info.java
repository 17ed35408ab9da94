/**
 * Kumiki lab automation, after Bluesky/Ophyd: instruments are {@link org.kumiki.lab.api.Device}
 * services (whiteboard) that are {@link org.kumiki.lab.api.Readable readable},
 * {@link org.kumiki.lab.api.Movable movable}, {@link org.kumiki.lab.api.Triggerable
 * triggerable} and/or {@link org.kumiki.lab.api.Stoppable stoppable}; a
 * {@link org.kumiki.lab.api.Plan plan} is a stream of {@link org.kumiki.lab.api.Msg messages}
 * that the {@link org.kumiki.lab.api.RunEngine} executes, emitting event-model documents
 * (start, descriptor, event, resource, datum, stop) to {@link org.kumiki.lab.api.DocumentListener
 * subscribers} and to a crash-safe store.
 *
 * <p>State changes are posted to Event Admin on {@code org/kumiki/lab/<EVENT>} ({@code STATE},
 * {@code RUN_START}, {@code RUN_STOP}, {@code SUSPENDED}, {@code RESUMED}, {@code ESTOP},
 * {@code RESET}) with the properties {@code run.uid}, {@code engine.state}, {@code reason}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.kumiki.lab.api;
