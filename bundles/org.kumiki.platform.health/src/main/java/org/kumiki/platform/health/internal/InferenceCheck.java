package org.kumiki.platform.health.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.ModelState;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The inference engines a site needs are there (ONNX Runtime by default) and every model serves:
 * a model that failed to load (or whose engine is missing) is CRITICAL, one still loading is WARN.
 * A model folder that was never loaded, or was unloaded on purpose, is not a fault (as OIP's
 * {@code /v2/health/ready}).
 */
@Component(service = HealthCheck.class, configurationPid = InferenceCheck.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {HealthCheck.NAME + "=Inference models", HealthCheck.TAGS + "=inference", HealthCheck.TAGS + "=" + Checks.DEFAULT})
@Designate(ocd = InferenceCheck.Config.class)
public class InferenceCheck implements HealthCheck {

    static final String PID = "org.kumiki.platform.health.inference";

    @ObjectClassDefinition(name = "Kumiki health: inference", description = "Engines present and every model READY")
    public @interface Config {
        @AttributeDefinition(name = "Required engines", description = "Platforms whose engine must be registered (CRITICAL otherwise), e.g. onnxruntime_onnx")
        String[] required_platforms() default {"onnxruntime_onnx"};
    }

    private final ModelRepository repository;
    private final Set<String> required;
    private final Map<InferenceEngine, String> engines = new ConcurrentHashMap<>();

    @Activate
    public InferenceCheck(@Reference ModelRepository repository, Config config) {
        this.repository = repository;
        this.required = new TreeSet<>();
        for (String p : config.required_platforms() == null ? new String[0] : config.required_platforms()) {
            if (p != null && !p.isBlank()) {
                required.add(p.trim());
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addEngine(InferenceEngine engine, Map<String, Object> props) {
        Object p = props.get(InferenceEngine.PLATFORM);
        engines.put(engine, p == null ? "" : p.toString());
    }

    void removeEngine(InferenceEngine engine) {
        engines.remove(engine);
    }

    @Override
    public Result execute() {
        return evaluate(required, new TreeSet<>(engines.values()), repository.index());
    }

    static Result evaluate(Set<String> required, Set<String> platforms, List<ModelStatusDTO> index) {
        ResultLog log = Checks.log();
        for (String p : required) {
            if (!platforms.contains(p)) {
                Checks.add(log, Result.Status.CRITICAL, "no engine for " + p + (p.equals("onnxruntime_onnx") ? " (ONNX Runtime is not loaded)" : "") + " is registered");
            }
        }
        List<String> ready = new ArrayList<>();
        for (ModelStatusDTO s : index) {
            String what = "model '" + s.name + "'" + (s.version == null ? "" : " version " + s.version);
            String why = s.reason == null ? "" : " (" + s.reason + ")";
            if (s.state == ModelState.READY) {
                ready.add(s.name + (s.version == null ? "" : "/" + s.version));
            } else if (s.state == ModelState.LOADING) {
                Checks.add(log, Result.Status.WARN, what + " is LOADING");
            } else if (s.state == ModelState.UNAVAILABLE && ("not loaded".equals(s.reason) || "unloaded".equals(s.reason))) {
                continue;
            } else {
                Checks.add(log, Result.Status.CRITICAL, what + " is " + s.state + why);
            }
        }
        Checks.add(log, Result.Status.OK, "engines: " + (platforms.isEmpty() ? "none" : String.join(", ", platforms)) + "; " + ready.size() + " model"
                + (ready.size() == 1 ? "" : "s") + " READY" + (ready.isEmpty() ? "" : ": " + String.join(", ", ready)));
        return new Result(log);
    }
}
