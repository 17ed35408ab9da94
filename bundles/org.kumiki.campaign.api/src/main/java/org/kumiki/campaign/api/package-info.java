/**
 * Kumiki campaigns: closed loops that propose points in a parameter space, evaluate them through
 * {@link org.kumiki.campaign.api.spi.Evaluator evaluators} (lab, simulation, command, quantum)
 * and decide what to try next. Start one from a file with the
 * {@link org.kumiki.campaign.api.CampaignService}.
 *
 * <p>State changes are posted to Event Admin on the topics in {@link CampaignTopics}.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.kumiki.campaign.api;
