/**
 * Data movement: verified, resumable transfers between endpoints ({@code file}, {@code sftp},
 * {@code http(s)}, ...) managed as asynchronous tasks by the {@link org.kumiki.data.api.TransferService}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.kumiki.data.api;
