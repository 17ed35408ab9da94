package org.kumiki.campaign.command.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.dto.ParameterDTO;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code campaign} Gogo scope. */
@Component(service = Object.class)
@GogoCommand(scope = "campaign", function = {"run", "check", "list", "status", "pause", "resume", "abort"})
public class CampaignCommands {

    private final CampaignService campaigns;
    private final LongSupplier pollMillis;
    private final java.util.function.Supplier<PrintStream> out;

    @Activate
    public CampaignCommands(@Reference CampaignService campaigns) {
        // System.out inside a command is the session's output (Gogo's ThreadIO)
        this(campaigns, () -> 500, () -> System.out);
    }

    CampaignCommands(CampaignService campaigns, LongSupplier pollMillis, java.util.function.Supplier<PrintStream> out) {
        this.campaigns = campaigns;
        this.pollMillis = pollMillis;
        this.out = out;
    }

    @Descriptor("Start a campaign from a file (JSON, or YAML for .yaml/.yml); -w waits for its end, printing progress")
    public String run(
            @Descriptor("wait until the campaign ends, printing each evaluation as it ends") @Parameter(names = {"-w", "--wait"}, presentValue = "true", absentValue = "false") boolean wait,
            @Descriptor("the campaign file") String file) throws InterruptedException {
        CampaignStatusDTO s;
        try {
            s = campaigns.start(Path.of(file));
        } catch (CampaignException e) {
            throw oneLine(e, file);
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("invalid file name '" + Text.shown(file) + "'");
        }
        if (!wait) {
            return "Started " + s.id + " (" + s.budget + " evaluations)\n";
        }
        PrintStream out = this.out.get();
        out.println("Started " + s.id + " (" + s.budget + " evaluations)");
        int shown = 0;
        while (true) {
            CampaignStatusDTO now = campaigns.status(s.id).orElseThrow();
            List<EvaluationDTO> evs = campaigns.evaluations(s.id);
            // in proposal order: an evaluation is printed once every earlier one has ended
            while (shown < evs.size() && evs.get(shown).state.isTerminal()) {
                out.println(progress(evs.get(shown), now));
                shown++;
            }
            if (now.state.isTerminal()) {
                return status(now.id);
            }
            Thread.sleep(pollMillis.getAsLong());
        }
    }

    private static String progress(EvaluationDTO e, CampaignStatusDTO s) {
        String what = e.state == EvaluationState.COMPLETED ? values(e.objectives)
                : e.state + ": " + Text.oneLine(String.valueOf(e.state == EvaluationState.SCREENED ? e.screenedBy : e.error));
        String best = s.best == null ? "" : "  best " + values(s.best.objectives) + " (" + s.best.id + ")";
        return String.format(Locale.ROOT, "%s %d/%d %s at %s%s", e.id, e.index + 1, s.budget, what, point(e.point), best);
    }

    /** Several problems do not fit one line: the first is shown, {@code campaign:check} lists all. */
    private static IllegalArgumentException oneLine(CampaignException e, String file) {
        List<String> p = e.problems();
        String first = Text.oneLine(p.isEmpty() ? String.valueOf(e.getMessage()) : p.get(0));
        if (p.size() > 1) {
            return new IllegalArgumentException(first + " (and " + (p.size() - 1) + " more: campaign:check " + Text.shown(file) + ")");
        }
        return new IllegalArgumentException(first);
    }

    @Descriptor("Read and validate a campaign file without starting it; print every problem, one a line")
    public String check(@Descriptor("the campaign file") String file) {
        try {
            CampaignDefinition d = campaigns.read(Path.of(file));
            StringBuilder b = new StringBuilder(Text.oneLine(file) + ": valid campaign '" + d.name + "': ");
            b.append(d.parameters.size()).append(" parameters, ").append(d.constraints.size()).append(" constraints, ")
                    .append(d.objectives.size()).append(" objectives, ").append(d.budget.evaluations).append(" evaluations in batches of ")
                    .append(d.batchSize).append(", proposer ").append(d.proposer.kind).append('\n');
            TextTable t = new TextTable("PARAMETER", "TYPE", "RANGE", "UNIT");
            for (ParameterDTO p : d.parameters) {
                t.row(p.name, p.type.name().toLowerCase(Locale.ROOT),
                        p.values.isEmpty() ? "[" + num(p.min) + ", " + num(p.max) + "]" : String.join(", ", p.values), p.unit == null ? "" : p.unit);
            }
            return b.append(t).toString();
        } catch (CampaignException e) {
            StringBuilder b = new StringBuilder();
            for (String p : e.problems()) {
                b.append(Text.oneLine(p)).append('\n');
            }
            return b.toString();
        } catch (java.nio.file.InvalidPathException e) {
            throw new IllegalArgumentException("invalid file name '" + Text.shown(file) + "'");
        }
    }

    @Descriptor("List campaigns, newest first")
    public String list() {
        List<CampaignStatusDTO> all = campaigns.list();
        if (all.isEmpty()) {
            return "No campaigns.\n";
        }
        TextTable t = new TextTable("ID", "STATE", "DONE", "FAILED", "RUNNING", "BEST");
        for (CampaignStatusDTO s : all) {
            t.row(s.id, s.state, s.done + "/" + s.budget, s.failed, s.inFlight, s.best == null ? "" : values(s.best.objectives));
        }
        return t.toString();
    }

    @Descriptor("Show a campaign's progress: evaluations done of the budget, the best so far, what runs now")
    public String status(@Descriptor("campaign id (see campaign:list)") String id) {
        CampaignStatusDTO s = campaigns.status(id).orElseThrow(() -> new IllegalArgumentException("unknown campaign '" + Text.shown(id) + "'"));
        StringBuilder b = new StringBuilder();
        b.append(s.id).append("  ").append(s.state);
        if (s.message != null) {
            b.append(" (").append(Text.oneLine(s.message)).append(')');
        }
        b.append('\n').append("evaluations  ").append(s.done).append('/').append(s.budget).append(" done, ")
                .append(s.screened > 0 ? s.screened + " screened, " : "").append(s.failed)
                .append(" failed, ").append(s.inFlight).append(" running\n");
        if (s.experimentBudget > 0 || s.simulationBudget > 0 || s.experiments > 0 || s.simulations > 0) {
            b.append("spent        ").append(s.experiments).append(s.experimentBudget > 0 ? "/" + s.experimentBudget : "")
                    .append(" experiments, ").append(s.simulations).append(s.simulationBudget > 0 ? "/" + s.simulationBudget : "")
                    .append(" simulations\n");
        }
        if (s.best != null) {
            b.append("best         ").append(values(s.best.objectives)).append(" at ").append(point(s.best.point)).append(" (")
                    .append(s.best.id).append(")\n");
        }
        if (s.source != null) {
            b.append("file         ").append(Text.oneLine(s.source)).append(" (sha256 ").append(s.sourceHash, 0, 12).append(")\n");
        }
        TextTable t = new TextTable("EVALUATION", "STATE", "STEP", "ATTEMPT", "HANDLE", "POINT");
        for (EvaluationDTO e : campaigns.evaluations(s.id)) {
            if (!e.state.isTerminal()) {
                t.row(e.id, e.state, e.stepName, e.attempt, e.handle == null ? "" : Text.oneLine(e.handle), point(e.point));
            }
        }
        if (t.size() > 0) {
            b.append(t);
        }
        return b.toString();
    }

    @Descriptor("Pause a campaign: nothing new starts, what runs finishes and is recorded")
    public String pause(@Descriptor("campaign id") String id) {
        return act(() -> campaigns.pause(id));
    }

    @Descriptor("Resume a paused campaign")
    public String resume(@Descriptor("campaign id") String id) {
        return act(() -> campaigns.resume(id));
    }

    @Descriptor("Abort a campaign: cancel its evaluations in flight and end it")
    public String abort(@Descriptor("campaign id") String id) {
        return act(() -> campaigns.abort(id));
    }

    private static String act(java.util.function.Supplier<CampaignStatusDTO> action) {
        try {
            CampaignStatusDTO s = action.get();
            return s.id + " " + s.state + "\n";
        } catch (CampaignException e) {
            throw new IllegalArgumentException(Text.oneLine(e.getMessage()));
        }
    }

    static String values(Map<String, Double> values) {
        StringBuilder b = new StringBuilder();
        values.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(num(v)));
        return b.toString();
    }

    static String point(Map<String, Object> point) {
        StringBuilder b = new StringBuilder();
        point.forEach((k, v) -> b.append(b.length() == 0 ? "" : " ").append(k).append('=')
                .append(v instanceof Double ? num((Double) v) : Text.shown(String.valueOf(v))));
        return b.toString();
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
    }
}
