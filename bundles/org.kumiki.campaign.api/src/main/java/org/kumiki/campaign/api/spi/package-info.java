/**
 * Extension points: {@link org.kumiki.campaign.api.spi.Evaluator} services evaluate points,
 * {@link org.kumiki.campaign.api.spi.Proposer} services propose them. Both are whiteboards,
 * named by a service property.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.kumiki.campaign.api.spi;
