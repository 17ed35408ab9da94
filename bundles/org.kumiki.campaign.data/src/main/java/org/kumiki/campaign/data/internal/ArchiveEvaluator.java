package org.kumiki.campaign.data.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.StepDTO;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.OptionProblem;
import org.kumiki.data.api.ChecksumAlgorithm;
import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.EndpointDTO;
import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The {@code archive} step: moves an evaluation's raw data (the data references of the earlier
 * steps that are URIs of a scheme the {@link TransferService} has an endpoint for: a lab run's
 * exported documents, datasets, files) to {@code options.to}, a folder URI in which
 * {@code {campaign}}, {@code {evaluation}}, {@code {step}} and {@code {attempt}} are replaced,
 * e.g. {@code file:///data/archive/{campaign}/{evaluation}/} or {@code sftp://host/archive/{campaign}/}.
 * One transfer task per evaluation, verified end to end with SHA-256 and idempotent by a client
 * submission id, so the handle is the transfer id and a restart re-attaches to it. The result
 * records the transfer id ({@link EvaluationResult#TRANSFER_ID}) and the SHA-256 of each archived
 * file, read back through the destination's endpoint ({@link EvaluationResult#SHA256} for the
 * first file, {@code sha256:<destination URI>} for each); the archived URIs become data
 * references. A transfer that fails (a refused destination) fails the step with one line.
 * References that are not such URIs (run uids, task ids) are left alone.
 */
@Component(service = Evaluator.class, property = Evaluator.NAME + "=" + ArchiveEvaluator.NAME)
public class ArchiveEvaluator implements Evaluator {
    public static final String NAME = "archive";
    /** Handle of an evaluation with nothing to move. */
    static final String NOTHING = "archive-nothing";
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");

    private final TransferService transfers;
    private final Map<String, Endpoint> endpoints = new ConcurrentHashMap<>();

    @Activate
    public ArchiveEvaluator(@Reference TransferService transfers) {
        this.transfers = transfers;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addEndpoint(Endpoint e, Map<String, Object> props) {
        for (String s : schemes(props.get(Endpoint.SCHEME))) {
            endpoints.put(s, e);
        }
    }

    public void removeEndpoint(Endpoint e, Map<String, Object> props) {
        for (String s : schemes(props.get(Endpoint.SCHEME))) {
            endpoints.remove(s, e);
        }
    }

    private static List<String> schemes(Object p) {
        if (p instanceof String s) {
            return List.of(s);
        }
        if (p instanceof String[] a) {
            return List.of(a);
        }
        return List.of();
    }

    private Set<String> knownSchemes() {
        Set<String> s = new TreeSet<>(endpoints.keySet());
        for (EndpointDTO e : transfers.endpoints()) {
            if (e.schemes != null) {
                s.addAll(e.schemes);
            }
        }
        return s;
    }

    @Override
    public List<OptionProblem> validate(CampaignDefinition definition, StepDTO step) {
        List<OptionProblem> problems = new ArrayList<>();
        for (String k : step.options.keySet()) {
            if (!"to".equals(k)) {
                problems.add(OptionProblem.of("unknown option '" + k + "' (known: to)", k));
            }
        }
        Object to = step.options.get("to");
        if (!(to instanceof String s) || s.isBlank()) {
            problems.add(OptionProblem.of("'to' must be the archive folder's URI, e.g. file:///data/archive/{campaign}/{evaluation}/",
                    to == null ? new String[0] : new String[] {"to"}));
            return problems;
        }
        String why = checkDestination(s);
        if (why != null) {
            problems.add(OptionProblem.of("to: " + why, "to"));
        }
        return problems;
    }

    /** Null when the URI template is usable, else why not. */
    private String checkDestination(String template) {
        URI uri;
        try {
            uri = new URI(expand(template, "c", "e", "s", 1));
        } catch (URISyntaxException e) {
            return "not a URI: " + e.getMessage();
        }
        Set<String> known = knownSchemes();
        if (uri.getScheme() == null || !known.contains(uri.getScheme())) {
            return "no endpoint for scheme '" + uri.getScheme() + "' (known: " + String.join(", ", known) + ")";
        }
        return null;
    }

    static String expand(String template, String campaign, String evaluation, String step, int attempt) {
        String t = template.replace("{campaign}", safe(campaign)).replace("{evaluation}", safe(evaluation)).replace("{step}", safe(step))
                .replace("{attempt}", Integer.toString(attempt));
        return t.endsWith("/") ? t : t + "/";
    }

    @Override
    public String start(EvaluationRequest request) throws Exception {
        Object to = request.options.get("to");
        if (!(to instanceof String template) || template.isBlank()) {
            throw new IllegalArgumentException("archive step '" + request.stepName + "': option 'to' (the archive folder's URI) is missing");
        }
        String why = checkDestination(template);
        if (why != null) {
            throw new IllegalArgumentException("archive step '" + request.stepName + "': to: " + why);
        }
        String folder = expand(template, request.campaignId, request.evaluationId, request.stepName, request.attempt);
        Set<String> schemes = knownSchemes();
        TransferRequest t = new TransferRequest();
        for (String ref : request.dataRefs) {
            URI src;
            try {
                src = new URI(ref);
            } catch (URISyntaxException e) {
                continue; // a run uid or task id: not a location
            }
            if (src.getScheme() == null || !schemes.contains(src.getScheme()) || src.getPath() == null || src.getPath().isEmpty()) {
                continue;
            }
            String path = src.getPath();
            boolean dir = path.endsWith("/");
            String name = path.substring(path.lastIndexOf('/', dir ? path.length() - 2 : path.length() - 1) + 1);
            t.items.add(TransferItem.of(ref, folder + name, dir));
        }
        if (t.items.isEmpty()) {
            return NOTHING;
        }
        t.label = "archive " + request.evaluationId;
        t.clientSubmissionId = "campaign-archive-" + safe(request.evaluationId) + "-" + safe(request.stepName) + "-" + request.attempt;
        t.checksum = ChecksumAlgorithm.SHA256.id();
        t.verify = true;
        return transfers.submit(t).id;
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        if (NOTHING.equals(handle)) {
            return CompletableFuture.completedFuture(new EvaluationResult());
        }
        if (handle == null || transfers.task(handle).isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("unknown transfer '" + handle + "'"));
        }
        return transfers.await(handle).thenApply(this::recorded);
    }

    private EvaluationResult recorded(TransferTaskDTO task) {
        if (task.state != TransferState.SUCCEEDED) {
            String why = task.message != null ? task.message : !task.errors.isEmpty() ? task.errors.get(0).message : String.valueOf(task.state);
            throw new IllegalStateException("archive transfer " + task.id + " " + String.valueOf(task.state).toLowerCase(java.util.Locale.ROOT) + ": " + why.replaceAll("[\\r\\n]+", " "));
        }
        EvaluationResult r = new EvaluationResult();
        r.provenance.put(EvaluationResult.TRANSFER_ID, task.id);
        try {
            for (TransferItem item : task.request.items) {
                for (URI f : files(URI.create(item.destination), item.recursive)) {
                    String sum = sha256(f);
                    if (!r.provenance.containsKey(EvaluationResult.SHA256)) {
                        r.provenance.put(EvaluationResult.SHA256, sum);
                    }
                    r.provenance.put("sha256:" + f, sum);
                }
                r.dataRefs.add(item.destination);
            }
        } catch (IOException e) {
            throw new IllegalStateException("archive transfer " + task.id + ": cannot read back the archived files: " + e.getMessage());
        }
        return r;
    }

    private List<URI> files(URI destination, boolean recursive) throws IOException {
        if (!recursive) {
            return List.of(destination);
        }
        List<URI> out = new ArrayList<>();
        String base = destination.toString().endsWith("/") ? destination.toString() : destination + "/";
        for (EntryDTO e : transfers.list(URI.create(base))) {
            if (e.isFile()) {
                out.add(URI.create(e.uri));
            } else if (e.isDirectory()) {
                out.addAll(files(URI.create(e.uri), true));
            }
        }
        return out;
    }

    /** SHA-256 of what the destination's endpoint holds (its own checksum when it has one). */
    private String sha256(URI file) throws IOException {
        Endpoint ep = endpoints.get(file.getScheme());
        if (ep == null) {
            throw new IOException("no endpoint for " + file.getScheme());
        }
        String own = ep.checksum(file, ChecksumAlgorithm.SHA256);
        if (own != null) {
            return own;
        }
        EntryDTO st = ep.stat(file);
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (ReadHandle h = ep.openRead(file, st); ReadableByteChannel ch = h.range(0, st.size < 0 ? Long.MAX_VALUE : st.size)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Override
    public void cancel(String handle) {
        if (handle != null && !NOTHING.equals(handle)) {
            transfers.cancel(handle);
        }
    }

    static String safe(String s) {
        return UNSAFE.matcher(s == null ? "" : s).replaceAll("_");
    }
}
