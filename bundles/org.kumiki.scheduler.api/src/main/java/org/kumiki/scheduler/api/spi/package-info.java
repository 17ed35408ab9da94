/**
 * For plugin developers: execution backends ({@link org.kumiki.scheduler.api.spi.ExecutionBackend},
 * a whiteboard of services with the property {@code kumiki.backend.name}) and named
 * in-process functions ({@link org.kumiki.scheduler.api.spi.TaskFunction}, a whiteboard of
 * services with the property {@code kumiki.function.name}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.kumiki.scheduler.api.spi;
