package org.kumiki.campaign.report.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.Goal;
import org.kumiki.campaign.api.dto.ObjectiveDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.campaign.api.dto.ParameterType;
import org.kumiki.campaign.api.dto.ProvenanceDTO;
import org.kumiki.campaign.api.dto.StepDTO;

/** Synthetic campaigns (with a hostile parameter name) behind a CampaignService that only reads. */
final class Synthetic {
    /** Markup that would run script if a report pasted it in unescaped. */
    static final String HOSTILE = "</script><script>window.__pwned=true</script><img src=x onerror=\"window.__pwned=true\">";

    final Map<String, CampaignStatusDTO> statuses = new LinkedHashMap<>();
    final Map<String, List<EvaluationDTO>> evaluations = new LinkedHashMap<>();

    /**
     * Adds a campaign of {@code n} evaluations, of which every fifth failed, maximising
     * {@code yield} (the minimum of the parameters' landscape is noisy but reproducible).
     */
    CampaignStatusDTO add(String id, String proposer, int n, Path source, String sourceHash) {
        CampaignDefinition d = new CampaignDefinition();
        d.name = id.substring(0, id.lastIndexOf('-'));
        d.seed = 7;
        d.parameters.add(param("ratio_a", ParameterType.CONTINUOUS, 0, 1, null));
        d.parameters.add(param("temperature", ParameterType.INTEGER, 20, 80, "degC"));
        ParameterDTO solvent = param("solvent", ParameterType.CATEGORICAL, 0, 0, null);
        solvent.values.addAll(List.of("water", "ethanol"));
        d.parameters.add(solvent);
        d.parameters.add(param(HOSTILE, ParameterType.CONTINUOUS, -1, 1, null));
        ObjectiveDTO o = new ObjectiveDTO();
        o.name = "yield";
        o.goal = Goal.MAXIMISE;
        d.objectives.add(o);
        d.budget.evaluations = n;
        d.batchSize = 2;
        d.proposer.kind = proposer;
        StepDTO st = new StepDTO();
        st.name = "measure";
        st.evaluator = "command";
        d.pipeline.add(st);
        d.source = source == null ? null : source.toString();
        d.sourceHash = sourceHash;

        Random r = new Random(id.hashCode());
        List<EvaluationDTO> evs = new ArrayList<>();
        CampaignStatusDTO s = new CampaignStatusDTO();
        for (int i = 0; i < n; i++) {
            EvaluationDTO e = new EvaluationDTO();
            e.id = id + "-" + i;
            e.index = i;
            double a = r.nextDouble();
            long t = 20 + r.nextInt(61);
            e.point.put("ratio_a", a);
            e.point.put("temperature", t);
            e.point.put("solvent", r.nextBoolean() ? "water" : "ethanol");
            e.point.put(HOSTILE, r.nextDouble() * 2 - 1);
            e.proposer = proposer;
            e.proposerSeed = r.nextLong();
            e.stepName = "measure";
            e.attempt = 1;
            e.proposedAt = 1_700_000_000_000L + i * 1000L;
            e.endedAt = e.proposedAt + 500 + (i % 3) * 700; // ends out of proposal order
            ProvenanceDTO p = new ProvenanceDTO();
            p.stepName = "measure";
            p.attempt = 1;
            p.evaluator = "command";
            p.bundle = "org.kumiki.campaign";
            p.bundleVersion = "1.0.0.202612040000";
            p.handle = "task-" + (i + 1);
            p.ids.put("taskId", p.handle);
            p.ids.put("runUid", "run-" + i + "-" + HOSTILE);
            e.provenance.add(p);
            e.dataRefs.add("task:" + p.handle);
            e.dataRefs.add("file:///srv/archive/" + id + "/" + i + ".csv");
            if (i % 5 == 4) {
                e.state = EvaluationState.FAILED;
                e.error = "step 'measure' attempt 1/1: " + HOSTILE;
                s.failed++;
            } else {
                e.state = EvaluationState.COMPLETED;
                double y = 1 - Math.pow(a - 0.4, 2) - Math.pow((t - 50) / 60.0, 2);
                e.objectives.put("yield", y);
                e.score = y;
                if (s.best == null || y > s.best.score) {
                    s.best = e;
                }
            }
            evs.add(e);
        }
        s.id = id;
        s.name = d.name;
        s.state = CampaignState.COMPLETED;
        s.message = "budget spent";
        s.budget = n;
        s.done = n;
        s.proposed = n;
        s.createdAt = 1_700_000_000_000L;
        s.endedAt = 1_700_000_000_000L + n * 1000L + 3000;
        s.source = d.source;
        s.sourceHash = d.sourceHash;
        s.definition = d;
        s.bundles.put("org.kumiki.campaign", "1.0.0.202612040000");
        s.bundles.put("org.kumiki.campaign.api", "1.1.0.202612040000");
        statuses.put(id, s);
        evaluations.put(id, evs);
        return s;
    }

    static long completed(List<EvaluationDTO> evs) {
        return evs.stream().filter(e -> e.state == EvaluationState.COMPLETED).count();
    }

    private static ParameterDTO param(String name, ParameterType type, double min, double max, String unit) {
        ParameterDTO p = new ParameterDTO();
        p.name = name;
        p.type = type;
        p.min = min;
        p.max = max;
        p.unit = unit;
        return p;
    }

    /**
     * The campaigns behind a CampaignService that only answers {@code status} and
     * {@code evaluations} (a proxy, so methods added to the API later need nothing here).
     */
    CampaignService service() {
        return (CampaignService) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CampaignService.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "status" -> Optional.ofNullable(statuses.get((String) args[0]));
                    case "evaluations" -> {
                        List<EvaluationDTO> e = evaluations.get((String) args[0]);
                        if (e == null) {
                            throw new CampaignException("unknown campaign '" + args[0] + "'");
                        }
                        yield e;
                    }
                    case "list" -> new java.util.ArrayList<>(statuses.values());
                    case "toString" -> "synthetic campaigns";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
