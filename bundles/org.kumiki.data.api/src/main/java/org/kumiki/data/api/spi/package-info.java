/** The endpoint whiteboard: one service per URI scheme family (file, sftp, http, ...). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.kumiki.data.api.spi;
