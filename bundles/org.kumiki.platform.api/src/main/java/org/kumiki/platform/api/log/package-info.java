/**
 * The container's recent log and its logger levels: {@link org.kumiki.platform.api.log.LogAccess}
 * serves the last entries (kept in memory, each with a sequence number so that a follower, a
 * Gogo {@code kumiki:log -f} or a REST Server-Sent-Events stream, asks for what came after the
 * last one it saw) and changes logger levels at runtime. Provided by the platform only where
 * Logback is the SLF4J backend.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.kumiki.platform.api.log;
