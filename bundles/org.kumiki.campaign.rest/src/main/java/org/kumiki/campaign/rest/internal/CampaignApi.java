package org.kumiki.campaign.rest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.Servlet;

import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignReports;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.CampaignTopics;
import org.kumiki.campaign.api.EvaluationState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Role;
import org.kumiki.platform.rest.ApiCall;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.ApiResult;
import org.kumiki.platform.rest.ApiServlet;
import org.kumiki.platform.rest.Page;
import org.kumiki.platform.rest.SseStream;
import org.kumiki.platform.rest.Text;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletAsyncSupported;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

/**
 * {@code /api/campaign}: campaigns of the campaign engine. Reading needs the viewer role;
 * submitting, pausing, resuming, aborting and writing a report the operator role. A submitted
 * campaign file is kept under {@code state/campaign/submitted/} (named by its SHA-256), so the
 * campaign's {@code source} stays readable for its report. Event streams subscribe to Event Admin
 * only while somebody watches.
 */
@Component(service = Servlet.class, property = ApiServlet.API_PROPERTY + "=campaign")
@HttpWhiteboardServletPattern({"/api/campaign", "/api/campaign/*"})
@HttpWhiteboardServletAsyncSupported
public class CampaignApi extends ApiServlet {

    private static final long serialVersionUID = 1L;
    static final int MAX_FILE = 1 << 20;

    private final transient CampaignService campaigns;
    private final transient CampaignReports reports;
    private final transient Installation installation;
    private final transient BundleContext context;

    @Activate
    public CampaignApi(@Reference CampaignService campaigns, @Reference AccessControl access, @Reference Installation installation,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY) CampaignReports reports,
            BundleContext context) {
        super("campaign", access);
        this.campaigns = campaigns;
        this.reports = reports;
        this.installation = installation;
        this.context = context;
        route("GET", "/campaigns", Role.VIEWER, "Campaigns, newest first", this::list)
                .page(CampaignStatusDTO.class)
                .query("state", "states, comma-separated (RUNNING, PAUSED, COMPLETED, ABORTED, FAILED)")
                .query("name", "prefix of the campaign name");
        route("POST", "/campaigns", Role.OPERATOR,
                "Start a campaign from a campaign file's content: JSON (Content-Type application/json) or YAML (application/yaml)", this::submit)
                .returns(CampaignStatusDTO.class).status(201).idempotent().maxBody(MAX_FILE);
        route("GET", "/campaigns/{id}", Role.VIEWER, "One campaign's status", call -> campaign(call.param("id"))).returns(CampaignStatusDTO.class);
        route("POST", "/campaigns/{id}/pause", Role.OPERATOR, "Start no new evaluation; those in flight finish", this::pause)
                .returns(CampaignStatusDTO.class);
        route("POST", "/campaigns/{id}/resume", Role.OPERATOR, "Resume a paused campaign", this::resume).returns(CampaignStatusDTO.class);
        route("POST", "/campaigns/{id}/abort", Role.OPERATOR, "Cancel the evaluations in flight and end the campaign", this::abort)
                .returns(CampaignStatusDTO.class);
        route("DELETE", "/campaigns/{id}", Role.OPERATOR, "Abort the campaign (as POST .../abort)", this::abort).returns(CampaignStatusDTO.class);
        route("GET", "/campaigns/{id}/evaluations", Role.VIEWER, "The campaign's evaluations in proposal order", this::evaluations)
                .page(EvaluationDTO.class)
                .query("state", "states, comma-separated (PROPOSED, RUNNING, COMPLETED, FAILED, CANCELLED, SCREENED)");
        route("GET", "/campaigns/{id}/report", Role.VIEWER, "The report's data: status, evaluations, convergence", this::reportData)
                .returns(ReportDTO.class);
        route("POST", "/campaigns/{id}/report", Role.OPERATOR,
                "Write the HTML report and RO-Crate on the server (state/campaign/reports/<id>/) and answer where", this::writeReport)
                .returns(ReportFileDTO.class)
                .query("baseline", "a campaign whose convergence is drawn beside this one");
        route("GET", "/campaigns/{id}/events", Role.VIEWER,
                "Evaluations as they end (event: evaluation, id: place in end order, with objectives and best score) and state changes "
                        + "(event: state); replays the ended ones first (after Last-Event-ID when given); ends when the campaign has ended",
                this::events)
                .sse().returns(EvaluationEventDTO.class);
    }

    private CampaignStatusDTO campaign(String id) {
        if (id.length() > 200) {
            throw ApiException.notFound("no campaign with that id");
        }
        return campaigns.status(id).orElseThrow(() -> ApiException.notFound("no campaign " + Text.quote(id)));
    }

    private Object list(ApiCall call) {
        Set<CampaignState> states = enums(call.query("state"), CampaignState.class, "state");
        String name = call.query("name");
        List<CampaignStatusDTO> out = new ArrayList<>();
        for (CampaignStatusDTO s : campaigns.list()) {
            if ((states.isEmpty() || states.contains(s.state)) && (name == null || (s.name != null && s.name.startsWith(name)))) {
                out.add(s);
            }
        }
        return Page.of(call, out, s -> s.id, false);
    }

    static <E extends Enum<E>> Set<E> enums(String q, Class<E> type, String param) {
        Set<E> out = new HashSet<>();
        if (q == null || q.isBlank()) {
            return out;
        }
        for (String s : q.split(",")) {
            E found = null;
            for (E e : type.getEnumConstants()) {
                if (e.name().equalsIgnoreCase(s.trim())) {
                    found = e;
                }
            }
            if (found == null) {
                List<String> known = new ArrayList<>();
                for (E e : type.getEnumConstants()) {
                    known.add(e.name());
                }
                throw ApiException.badRequest(param + "=" + Text.quote(s.trim()) + " is not one of " + String.join(", ", known));
            }
            out.add(found);
        }
        return out;
    }

    private Object submit(ApiCall call) throws IOException {
        String ct = call.request().getContentType();
        String ext;
        String type = ct == null ? "" : ct.toLowerCase(Locale.ROOT).split(";")[0].trim();
        switch (type) {
            case "application/json" -> ext = ".json";
            case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml" -> ext = ".yaml";
            case "" -> throw new ApiException(415, "Content-Type is missing: send the campaign file as application/json or application/yaml");
            default -> throw new ApiException(415, "Content-Type " + Text.quote(ct) + " is not accepted: send application/json or application/yaml");
        }
        byte[] body = call.bodyBytes();
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw ApiException.badRequest("the request needs the campaign file as its body");
        }
        String hash = HexFormat.of().formatHex(sha256(body));
        Path dir = installation.stateDirectory("campaign").resolve("submitted");
        Files.createDirectories(dir);
        Path file = dir.resolve(hash.substring(0, 16) + ext);
        boolean made = !Files.isRegularFile(file);
        if (made) {
            Path tmp = Files.createTempFile(dir, ".upload-", ext);
            try {
                Files.write(tmp, body);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        CampaignStatusDTO s;
        try {
            s = campaigns.start(file);
        } catch (CampaignException e) {
            if (made) {
                Files.deleteIfExists(file);
            }
            throw ApiException.badRequest(problems(e, file));
        }
        return ApiResult.created(path("/campaigns/" + s.id), s);
    }

    /** The problems, one line each joined with "; ", the stored file's path replaced by "body". */
    static String problems(CampaignException e, Path file) {
        List<String> lines = new ArrayList<>();
        String p = file.toString();
        for (String l : e.problems()) {
            String t = l.replace(p, "body").replace(file.getFileName().toString(), "body").replaceAll("[\\r\\n]+", " ");
            lines.add(t);
        }
        int n = lines.size();
        String all = String.join("; ", lines.subList(0, Math.min(n, 20)));
        return n > 20 ? all + "; and " + (n - 20) + " more" : all;
    }

    static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object pause(ApiCall call) {
        CampaignStatusDTO s = campaign(call.param("id"));
        try {
            return campaigns.pause(s.id);
        } catch (CampaignException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private Object resume(ApiCall call) {
        CampaignStatusDTO s = campaign(call.param("id"));
        try {
            return campaigns.resume(s.id);
        } catch (CampaignException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private Object abort(ApiCall call) {
        CampaignStatusDTO s = campaign(call.param("id"));
        try {
            return campaigns.abort(s.id);
        } catch (CampaignException e) {
            throw ApiException.conflict(e.getMessage());
        }
    }

    private List<EvaluationDTO> evaluationsOf(String id) {
        try {
            return campaigns.evaluations(id);
        } catch (CampaignException e) {
            throw ApiException.notFound(e.getMessage());
        }
    }

    private Object evaluations(ApiCall call) {
        CampaignStatusDTO s = campaign(call.param("id"));
        Set<EvaluationState> states = enums(call.query("state"), EvaluationState.class, "state");
        List<EvaluationDTO> out = new ArrayList<>();
        for (EvaluationDTO e : evaluationsOf(s.id)) {
            if (states.isEmpty() || states.contains(e.state)) {
                out.add(e);
            }
        }
        return Page.of(call, out, e -> e.id, false);
    }

    private Object reportData(ApiCall call) {
        ReportDTO r = new ReportDTO();
        r.campaign = campaign(call.param("id"));
        r.evaluations = evaluationsOf(r.campaign.id);
        r.convergence = convergence(r.campaign.id, r.evaluations);
        return r;
    }

    private Object writeReport(ApiCall call) {
        CampaignStatusDTO s = campaign(call.param("id"));
        String q = call.query("baseline");
        String baseline = q == null || q.isEmpty() ? null : q;
        if (baseline != null && campaigns.status(baseline).isEmpty()) {
            throw ApiException.badRequest("baseline: no campaign " + Text.quote(baseline));
        }
        CampaignReports w = reports;
        if (w == null) {
            throw new ApiException(501, "no report writer is installed (bundle org.kumiki.campaign.report); GET this path for the report's data");
        }
        Path page;
        try {
            page = w.report(s.id, null, baseline);
        } catch (CampaignException e) {
            throw ApiException.conflict(e.getMessage());
        }
        ReportFileDTO d = new ReportFileDTO();
        d.id = s.id;
        d.path = page.toString();
        d.folder = page.getParent() == null ? null : page.getParent().toString();
        return ApiResult.created(path("/campaigns/" + s.id + "/report"), d);
    }

    /** Ended evaluations in end order (time, then index) with the best score so far. */
    static List<EvaluationEventDTO> convergence(String campaignId, List<EvaluationDTO> all) {
        List<EvaluationDTO> ended = new ArrayList<>();
        for (EvaluationDTO e : all) {
            if (e.state != null && e.state.isTerminal() && e.state != EvaluationState.CANCELLED) {
                ended.add(e);
            }
        }
        ended.sort(Comparator.<EvaluationDTO>comparingLong(e -> e.endedAt).thenComparingInt(e -> e.index));
        List<EvaluationEventDTO> out = new ArrayList<>();
        Double best = null;
        for (EvaluationDTO e : ended) {
            if (e.score != null && (best == null || e.score > best)) {
                best = e.score;
            }
            out.add(event(campaignId, e, best));
        }
        return out;
    }

    static EvaluationEventDTO event(String campaignId, EvaluationDTO e, Double best) {
        EvaluationEventDTO d = new EvaluationEventDTO();
        d.campaignId = campaignId;
        d.id = e.id;
        d.index = e.index;
        d.state = e.state;
        d.point = e.point;
        d.objectives = e.objectives;
        d.score = e.score;
        d.bestScore = best;
        d.error = e.state == EvaluationState.SCREENED ? e.screenedBy : e.error;
        d.endedAt = e.endedAt;
        return d;
    }

    private Object events(ApiCall call) throws IOException {
        CampaignStatusDTO s = campaign(call.param("id"));
        String id = s.id;
        long after = 0;
        String last = call.lastEventId();
        if (last != null && !last.isBlank()) {
            try {
                after = Long.parseLong(last.trim());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Last-Event-ID " + Text.quote(last) + " is not an event id of this stream (a number)");
            }
            if (after < 0) {
                throw ApiException.badRequest("Last-Event-ID " + Text.quote(last) + " is out of range: 0 or more");
            }
        }
        SseStream sse = call.sse();
        Feed feed = new Feed(id, sse, after);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(EventConstants.EVENT_TOPIC, new String[] {CampaignTopics.EVALUATION_ENDED, CampaignTopics.STATE_ALL});
        props.put(EventConstants.EVENT_FILTER, "(" + CampaignTopics.CAMPAIGN_ID + "=" + escape(id) + ")");
        ServiceRegistration<EventHandler> reg = context.registerService(EventHandler.class, feed::on, props);
        sse.onClose(() -> {
            try {
                reg.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle stopped first
            }
        });
        feed.catchUp();
        return sse;
    }

    /** Feeds one stream: ended evaluations once each, numbered in end order, then the end. */
    private final class Feed {
        final String id;
        final SseStream sse;
        final long after;
        final Set<String> sent = new HashSet<>();
        long seq;
        Double best;

        Feed(String id, SseStream sse, long after) {
            this.id = id;
            this.sse = sse;
            this.after = after;
        }

        void on(Event ev) {
            catchUp();
        }

        /** Sends what ended and was not sent yet, then the state; closes when the campaign has ended. */
        synchronized void catchUp() {
            if (sse.isClosed()) {
                return;
            }
            List<EvaluationDTO> all;
            CampaignStatusDTO s;
            try {
                all = campaigns.evaluations(id);
                s = campaigns.status(id).orElse(null);
            } catch (RuntimeException e) {
                sse.close();
                return;
            }
            for (EvaluationEventDTO d : convergence(id, all)) {
                if (d.score != null && (best == null || d.score > best)) {
                    best = d.score;
                }
                if (sent.add(d.id)) {
                    seq++;
                    d.bestScore = best;
                    if (seq > after) {
                        sse.send("evaluation", Long.toString(seq), d);
                    }
                }
            }
            if (s == null) {
                sse.close();
                return;
            }
            if (lastState != s.state) {
                lastState = s.state;
                sse.send("state", null, brief(s));
            }
            if (s.state.isTerminal()) {
                sse.close();
            }
        }

        CampaignState lastState;
    }

    /** The status without the definition and bundles (an event is one line). */
    static CampaignStatusDTO brief(CampaignStatusDTO s) {
        CampaignStatusDTO b = new CampaignStatusDTO();
        b.id = s.id;
        b.name = s.name;
        b.state = s.state;
        b.message = s.message;
        b.proposed = s.proposed;
        b.done = s.done;
        b.failed = s.failed;
        b.screened = s.screened;
        b.inFlight = s.inFlight;
        b.budget = s.budget;
        b.best = s.best;
        b.createdAt = s.createdAt;
        b.endedAt = s.endedAt;
        b.bundles = null;
        return b;
    }

    static String escape(String v) {
        StringBuilder b = new StringBuilder();
        for (char c : v.toCharArray()) {
            if (c == '\\' || c == '(' || c == ')' || c == '*') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}
