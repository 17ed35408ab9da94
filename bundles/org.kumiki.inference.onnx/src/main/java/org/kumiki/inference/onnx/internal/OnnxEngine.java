package org.kumiki.inference.onnx.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.api.spi.LoadedModel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code onnxruntime_onnx} engine: one ONNX Runtime session per model instance. The
 * execution provider comes from the model's {@code parameters.provider} or this component's
 * configuration; CUDA is used only where the ONNX Runtime build offers it, and the provider
 * actually used is reported per model.
 */
@Component(service = InferenceEngine.class, configurationPid = OnnxEngine.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        property = InferenceEngine.PLATFORM + "=" + OnnxEngine.PLATFORM)
@Designate(ocd = OnnxEngine.Config.class)
public class OnnxEngine implements InferenceEngine {

    public static final String PID = "org.kumiki.inference.onnx";
    public static final String PLATFORM = "onnxruntime_onnx";
    /** The values of {@code provider}, in a model's parameters or the engine configuration. */
    public static final List<String> PROVIDERS = List.of("cpu", "cuda", "cuda-only", "tensorrt", "tensorrt-only");
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEngine.class);

    @ObjectClassDefinition(name = "Kumiki ONNX Runtime engine", description = "Session settings for models of the onnxruntime_onnx platform; applied to models loaded afterwards")
    public @interface Config {
        @AttributeDefinition(name = "Intra-op threads", description = "Threads inside one operator per session; 0 lets ONNX Runtime choose (all cores)", min = "0")
        int intra_op_threads() default 1;

        @AttributeDefinition(name = "Inter-op threads", description = "Threads across operators per session (parallel execution mode only); 0 lets ONNX Runtime choose", min = "0")
        int inter_op_threads() default 1;

        @AttributeDefinition(name = "Parallel execution", description = "Run independent operators in parallel (ONNX Runtime's PARALLEL execution mode)")
        boolean parallel_execution() default false;

        @AttributeDefinition(name = "Graph optimisation", description = "ONNX Runtime graph optimisation level", options = {
                @org.osgi.service.metatype.annotations.Option(label = "none", value = "NO_OPT"),
                @org.osgi.service.metatype.annotations.Option(label = "basic", value = "BASIC_OPT"),
                @org.osgi.service.metatype.annotations.Option(label = "extended", value = "EXTENDED_OPT"),
                @org.osgi.service.metatype.annotations.Option(label = "all", value = "ALL_OPT")})
        String optimization() default "ALL_OPT";

        @AttributeDefinition(name = "Execution provider", description = "cpu; cuda (CUDA when available, else CPU, reported); tensorrt (TensorRT, with CUDA then CPU for the nodes it does not take; falls back to CUDA or CPU, reported); cuda-only and tensorrt-only fail the load instead of falling back; a model's parameters.provider overrides it")
        String provider() default "cpu";

        @AttributeDefinition(name = "CUDA device", description = "GPU index for the CUDA and TensorRT providers", min = "0")
        int cuda_device() default 0;
    }

    private OrtEnvironment env;
    private volatile Config config;

    @Activate
    public OnnxEngine(Config config) {
        this.config = config;
    }

    /**
     * The ONNX Runtime environment, created with the first model: starting it extracts and
     * loads the native library (tens of MB), which a container without models never needs.
     */
    private synchronized OrtEnvironment env() {
        if (env == null) {
            env = OrtEnvironment.getEnvironment();
            LOG.info("ONNX Runtime {} with providers {}", env.getVersion(), OrtEnvironment.getAvailableProviders());
        }
        return env;
    }

    @Modified
    void modified(Config config) {
        this.config = config;
    }

    /** The providers this ONNX Runtime build offers. */
    public static EnumSet<OrtProvider> availableProviders() {
        return OrtEnvironment.getAvailableProviders();
    }

    @Override
    public LoadedModel load(String model, String version, Path versionDir, ModelConfigDTO modelConfig) {
        String fileName = modelConfig.parameters == null ? null : modelConfig.parameters.get("default_model_filename");
        Path file = versionDir.resolve(fileName == null ? "model.onnx" : fileName).normalize();
        if (!file.startsWith(versionDir) || !Files.isRegularFile(file)) {
            throw new InferenceException(Kind.UNAVAILABLE, "no model file " + file.getFileName() + " in " + versionDir);
        }
        Config c = config;
        String wanted = modelConfig.parameters == null ? null : modelConfig.parameters.get("provider");
        if (wanted == null || wanted.isBlank()) {
            wanted = c.provider();
        }
        wanted = wanted.trim().toLowerCase(Locale.ROOT);
        if (!PROVIDERS.contains(wanted)) {
            throw new InferenceException(Kind.UNAVAILABLE, "unknown provider '" + wanted + "'; use one of " + String.join(", ", PROVIDERS));
        }
        int instances = Math.max(1, modelConfig.instanceCount);
        OrtSession[] sessions = new OrtSession[instances];
        OrtEnvironment environment = env(); // before SessionOptions: it loads the native library
        SessionOptions options = new SessionOptions();
        try {
            options.setIntraOpNumThreads(threads(modelConfig, "intra_op_threads", c.intra_op_threads()));
            options.setInterOpNumThreads(threads(modelConfig, "inter_op_threads", c.inter_op_threads()));
            options.setExecutionMode(c.parallel_execution() ? SessionOptions.ExecutionMode.PARALLEL : SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(SessionOptions.OptLevel.valueOf(c.optimization()));
            // in ONNX Runtime's order of preference: TensorRT, then CUDA for the nodes it does not
            // take, then CPU (always there); the first one registered runs the model
            List<String> used = new ArrayList<>();
            List<String> whyNot = new ArrayList<>();
            if (wanted.startsWith("tensorrt")) {
                register(OrtProvider.TENSOR_RT, "TensorRT", wanted.equals("tensorrt-only"), () -> options.addTensorrt(c.cuda_device()), used, whyNot);
            }
            if (!wanted.equals("cpu")) {
                register(OrtProvider.CUDA, "CUDA", wanted.equals("cuda-only"), () -> options.addCUDA(c.cuda_device()), used, whyNot);
            }
            String provider = used.isEmpty() ? "CPUExecutionProvider" : used.get(0);
            String note = whyNot.isEmpty() ? null : String.join("; ", whyNot);
            for (int i = 0; i < instances; i++) {
                sessions[i] = environment.createSession(file.toString(), options);
            }
            String reported = note == null ? provider : provider + " (fallback: " + note + ")";
            if (note != null) {
                LOG.warn("Model {} version {} runs on {}: {}", model, version, provider, note);
            }
            return new OnnxModel(environment, model, version, sessions, options, reported);
        } catch (InferenceException e) {
            closeAll(sessions, options);
            throw e;
        } catch (Exception | UnsatisfiedLinkError e) {
            closeAll(sessions, options);
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().replaceAll("\\s+", " ");
            throw new InferenceException(Kind.UNAVAILABLE, "ONNX Runtime cannot load " + file.getFileName() + ": " + msg, e);
        }
    }

    /** Adds one execution provider to the session options; may fail with the ONNX Runtime's reason. */
    interface ProviderSetup {
        void add() throws Exception;
    }

    /**
     * Registers {@code provider} ({@code name} in messages): its ONNX Runtime name goes to
     * {@code used}, or the reason it cannot run to {@code whyNot}; when it is {@code required}
     * (cuda-only, tensorrt-only) that reason fails the load instead.
     */
    private static void register(OrtProvider provider, String name, boolean required, ProviderSetup setup, List<String> used, List<String> whyNot) {
        String reason;
        if (!availableProviders().contains(provider)) {
            reason = "this ONNX Runtime build has no " + name + " provider (GPU sites install org.kumiki.inference.onnxruntime.cuda)";
        } else {
            try {
                setup.add();
                used.add(provider.getName());
                return;
            } catch (Exception | UnsatisfiedLinkError e) {
                reason = name + " failed to start: " + e.getMessage();
            }
        }
        if (required) {
            throw new InferenceException(Kind.UNAVAILABLE, "provider " + name.toLowerCase(Locale.ROOT) + "-only requested but " + reason);
        }
        whyNot.add(reason);
    }

    /** A model's parameters.<name> (0..256) or the engine's setting. */
    static int threads(ModelConfigDTO mc, String name, int dflt) {
        String v = mc.parameters == null ? null : mc.parameters.get(name);
        if (v == null || v.isBlank()) {
            return Math.max(0, dflt);
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0 && n <= 256) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InferenceException(Kind.UNAVAILABLE, "parameters." + name + " must be an integer from 0 to 256, got '" + v + "'");
    }

    static void closeAll(OrtSession[] sessions, SessionOptions options) {
        for (OrtSession s : sessions) {
            if (s != null) {
                try {
                    s.close();
                } catch (Exception e) {
                    LOG.debug("session close", e);
                }
            }
        }
        options.close();
    }
}
