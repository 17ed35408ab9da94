/**
 * Kumiki scheduling: submit {@link org.kumiki.scheduler.api.dto.TaskSpec task specs} to the
 * {@link org.kumiki.scheduler.api.Scheduler}, which queues them, orders them by dependencies
 * and priority, packs them onto execution backends by their declared resources, retries them
 * and keeps every record in a durable journal.
 *
 * <p>State changes are posted to Event Admin on the topic
 * {@code org/kumiki/scheduler/<STATE>} (e.g. {@code org/kumiki/scheduler/COMPLETED}) with
 * the properties {@code task.id}, {@code task.name}, {@code task.state},
 * {@code task.exitCode} (when known), {@code task.backend}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.scheduler.api;
