package org.kumiki.platform.metrics.internal;

import java.util.List;
import java.util.Locale;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Campaigns: campaigns by state and their evaluations by state. */
@Component(service = DomainCollector.class)
public class CampaignCollector implements DomainCollector {

    private final CampaignService campaigns;

    @Activate
    public CampaignCollector(@Reference CampaignService campaigns) {
        this.campaigns = campaigns;
    }

    @Override
    public String domain() {
        return "campaign";
    }

    @Override
    public void collect(List<MetricSnapshot> out) {
        long[] byState = new long[CampaignState.values().length];
        long[] evaluations = new long[EvaluationState.values().length];
        for (CampaignStatusDTO c : campaigns.list()) {
            if (c.state != null) {
                byState[c.state.ordinal()]++;
            }
            for (EvaluationDTO e : campaigns.evaluations(c.id)) {
                if (e.state != null) {
                    evaluations[e.state.ordinal()]++;
                }
            }
        }
        Families.Gauge cs = new Families.Gauge("kumiki_campaigns", "Campaigns by state");
        for (CampaignState s : CampaignState.values()) {
            cs.add(byState[s.ordinal()], "state", s.name().toLowerCase(Locale.ROOT));
        }
        out.add(cs.build());
        Families.Gauge es = new Families.Gauge("kumiki_campaign_evaluations", "Evaluations of all campaigns by state");
        for (EvaluationState s : EvaluationState.values()) {
            es.add(evaluations[s.ordinal()], "state", s.name().toLowerCase(Locale.ROOT));
        }
        out.add(es.build());
    }
}
