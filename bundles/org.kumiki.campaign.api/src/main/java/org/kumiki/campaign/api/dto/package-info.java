/** Campaign definitions as read from a campaign file, and the status and evaluation records. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.kumiki.campaign.api.dto;
