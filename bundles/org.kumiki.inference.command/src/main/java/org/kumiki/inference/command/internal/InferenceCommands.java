package org.kumiki.inference.command.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.InferenceService;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.inference.oip.OipCodec;
import org.kumiki.platform.text.Text;
import org.kumiki.platform.text.TextTable;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The {@code infer} Gogo scope. */
@Component(service = Object.class)
@GogoCommand(scope = "infer", function = {"models", "load", "unload", "run", "stats"})
public class InferenceCommands {

    private final InferenceService inference;
    private final ModelRepository repository;

    @Activate
    public InferenceCommands(@Reference InferenceService inference, @Reference ModelRepository repository) {
        this.inference = inference;
        this.repository = repository;
    }

    @Descriptor("list the model repository: every model folder and loaded version, its state, execution provider and why it is not ready")
    public String models() {
        TextTable t = new TextTable("MODEL", "VERSION", "STATE", "PROVIDER", "REASON");
        for (ModelStatusDTO s : repository.index()) {
            t.row(s.name, s.version == null ? "-" : s.version, s.state, s.provider == null ? "-" : s.provider, s.reason == null ? "" : s.reason);
        }
        return t.size() == 0 ? "no models in the repository" : t.toString();
    }

    @Descriptor("load (or reload) every version of a model from its repository folder")
    public String load(@Descriptor("model name (folder under the repository)") String model) {
        try {
            List<ModelStatusDTO> st = repository.load(model);
            StringBuilder sb = new StringBuilder();
            for (ModelStatusDTO s : st) {
                sb.append("loaded ").append(s.name).append(" version ").append(s.version).append(" on ").append(s.provider).append('\n');
            }
            return sb.toString().trim();
        } catch (InferenceException e) {
            throw failure(e);
        }
    }

    @Descriptor("unload every version of a model and free its memory")
    public String unload(@Descriptor("model name") String model) {
        try {
            repository.unload(model);
            return "unloaded " + model;
        } catch (InferenceException e) {
            throw failure(e);
        }
    }

    @Descriptor("run one inference; the request is OIP v2 JSON, e.g. {\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}")
    public String run(
            @Descriptor("model version (default: the highest loaded)") @Parameter(names = {"-v", "--version"}, absentValue = "") String version,
            @Descriptor("model name") String model,
            @Descriptor("OIP v2 inference request as JSON (quote it in single quotes)") String json) {
        OipCodec.Request r;
        try {
            r = OipCodec.parseRequest(json.getBytes(StandardCharsets.UTF_8), -1);
        } catch (IllegalArgumentException e) {
            throw failure(e);
        }
        InferenceResponse resp;
        try {
            resp = inference.infer(new InferenceRequest(model, version.isEmpty() ? null : version, r.id, r.inputs, r.outputs));
        } catch (InferenceException e) {
            throw failure(e);
        }
        TextTable t = new TextTable("OUTPUT", "DATATYPE", "SHAPE", "DATA");
        for (Tensor o : resp.outputs) {
            t.row(o.name(), o.type(), java.util.Arrays.toString(o.shape()), data(o));
        }
        return "model " + resp.model + " version " + resp.version + "\n" + t;
    }

    /** The output's values as OIP JSON, cut at 200 characters. */
    static String data(Tensor o) {
        OipCodec.Body b = OipCodec.writeResponse("m", null, null, List.of(o), n -> false);
        JsonNode data = OipCodec.parseJson(b.json, 0, b.json.length).get("outputs").get(0).get("data");
        String s = data.toString();
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    @Descriptor("request counts and average durations of every loaded model version")
    public String stats() {
        TextTable t = new TextTable("MODEL", "VERSION", "OK", "FAILED", "ROWS", "EXECUTIONS", "AVG REQUEST", "AVG QUEUE", "AVG COMPUTE");
        for (ModelStatsDTO s : inference.statistics()) {
            t.row(s.name, s.version, s.requestSuccess, s.requestFailure, s.inferenceCount, s.executionCount,
                    ms(s.requestNanos, s.requestSuccess), ms(s.queueNanos, s.requestSuccess + s.requestFailure), ms(s.computeNanos, s.executionCount));
        }
        return t.size() == 0 ? "no models loaded" : t.toString();
    }

    /** A service's or codec's error as one harmless line (control characters escaped, cut at 500 characters). */
    static IllegalArgumentException failure(Exception e) {
        return new IllegalArgumentException(e.getMessage() == null ? e.getClass().getSimpleName() : Text.shown(e.getMessage().strip(), 500), e);
    }

    static String ms(long nanos, long count) {
        return count == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.3f ms", nanos / 1e6 / count);
    }
}
