package org.kumiki.inference.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.InferenceService;
import org.kumiki.inference.api.InferenceTopics;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.ModelState;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.dto.ModelMetadataDTO;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.inference.api.spi.EngineProperties;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.api.spi.LoadedModel;
import org.kumiki.platform.api.Installation;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model repository and the inference service. Model folders follow Triton's layout; each
 * version is loaded by the engine registered for the model's platform; engines may come and go.
 */
@Component(service = {InferenceService.class, ModelRepository.class}, configurationPid = ModelManager.PID, immediate = true,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ModelManager.Config.class)
public class ModelManager implements InferenceService, ModelRepository {

    public static final String PID = "org.kumiki.inference";
    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

    @ObjectClassDefinition(name = "Kumiki inference", description = "Model repository (Triton layout) and inference service")
    public @interface Config {
        @AttributeDefinition(name = "Model repository", description = "Folder holding <model>/<version>/model.onnx and <model>/config.json; empty means state/inference/models under the installation home")
        String repository() default "";

        @AttributeDefinition(name = "Load all at start", description = "Load every model folder when the service starts (Triton's default mode); otherwise only on request")
        boolean load_all() default true;

        @AttributeDefinition(name = "Async threads", description = "Threads that run asynchronous requests of models without dynamic batching", min = "1")
        int async_threads() default 8;
    }

    /** A model folder and what is loaded from it. */
    private static final class Entry {
        volatile TreeMap<String, ServedModel> versions = new TreeMap<>(VERSION_ORDER);
        volatile ModelState state = ModelState.UNAVAILABLE;
        volatile String reason = "not loaded";
        volatile String platform;
    }

    /** Numeric versions in numeric order, others after them by name. */
    static final Comparator<String> VERSION_ORDER = (a, b) -> {
        boolean na = a.matches("\\d{1,18}");
        boolean nb = b.matches("\\d{1,18}");
        if (na && nb) {
            return Long.compare(Long.parseLong(a), Long.parseLong(b));
        }
        return na ? -1 : nb ? 1 : a.compareTo(b);
    };

    private final Path repository;
    private final Map<String, Entry> models = new ConcurrentHashMap<>();
    private final Map<String, InferenceEngine> engines = new ConcurrentHashMap<>();
    private final Object repoLock = new Object();
    private final ExecutorService async;
    private final ExecutorService loader;
    private volatile EventAdmin events;
    private volatile boolean active = true;

    @Activate
    public ModelManager(@Reference Installation installation, Config config) {
        this(config.repository().isBlank() ? installation.stateDirectory("inference").resolve("models") : Paths.get(config.repository()),
                config.async_threads(), config.load_all());
    }

    /** For unit tests and embedding: engines are added with {@link #addEngine}. */
    public ModelManager(Path repository, int asyncThreads, boolean loadAll) {
        this.repository = repository.toAbsolutePath().normalize();
        AtomicInteger n = new AtomicInteger();
        this.async = new ThreadPoolExecutor(Math.max(1, asyncThreads), Math.max(1, asyncThreads), 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "kumiki-inference-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) async).allowCoreThreadTimeOut(true);
        this.loader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "kumiki-inference-loader");
            t.setDaemon(true);
            return t;
        });
        try {
            Files.createDirectories(this.repository);
        } catch (IOException e) {
            LOG.warn("Cannot create the model repository {}: {}", this.repository, e.toString());
        }
        scanFolders();
        if (loadAll) {
            loader.execute(this::loadAll);
        }
    }

    public Path repositoryPath() {
        return repository;
    }

    @Deactivate
    public void deactivate() {
        active = false;
        loader.shutdownNow();
        synchronized (repoLock) {
            for (String name : new ArrayList<>(models.keySet())) {
                closeVersions(models.get(name));
            }
            models.clear();
        }
        async.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addEngine(InferenceEngine engine, Map<String, Object> props) {
        String problem = EngineProperties.problem(props);
        if (problem != null) {
            LOG.warn("{}", problem);
            return;
        }
        String platform = String.valueOf(props.get(InferenceEngine.PLATFORM));
        engines.put(platform, engine);
        LOG.info("Inference engine for platform {} arrived", platform);
        if (active && !loader.isShutdown()) {
            loader.execute(() -> loadWaiting(platform));
        }
    }

    public void removeEngine(InferenceEngine engine, Map<String, Object> props) {
        if (EngineProperties.problem(props) != null) {
            return; // refused when it came
        }
        String platform = String.valueOf(props.get(InferenceEngine.PLATFORM));
        if (!engines.remove(platform, engine)) {
            return;
        }
        synchronized (repoLock) {
            for (Map.Entry<String, Entry> e : models.entrySet()) {
                Entry entry = e.getValue();
                if (platform.equals(entry.platform) && !entry.versions.isEmpty()) {
                    closeVersions(entry);
                    entry.state = ModelState.UNAVAILABLE;
                    entry.reason = "the engine for platform " + platform + " went away";
                    post(InferenceTopics.UNLOADED, e.getKey(), null, null, entry.reason);
                }
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setEvents(EventAdmin ea) {
        this.events = ea;
    }

    void unsetEvents(EventAdmin ea) {
        if (this.events == ea) {
            this.events = null;
        }
    }

    private void post(String topic, String model, String version, String provider, String reason) {
        EventAdmin ea = events;
        if (ea == null) {
            return;
        }
        Map<String, Object> p = new HashMap<>();
        p.put(InferenceTopics.MODEL, model);
        if (version != null) {
            p.put(InferenceTopics.VERSION, version);
        }
        if (provider != null) {
            p.put(InferenceTopics.PROVIDER, provider);
        }
        if (reason != null) {
            p.put(InferenceTopics.REASON, reason);
        }
        try {
            ea.postEvent(new Event(topic, p));
        } catch (RuntimeException e) {
            LOG.debug("event not posted", e);
        }
    }

    private void scanFolders() {
        try (Stream<Path> s = Files.list(repository)) {
            s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(ModelConfigs::validName)
                    .forEach(n -> models.computeIfAbsent(n, k -> new Entry()));
        } catch (IOException e) {
            LOG.warn("Cannot list the model repository {}: {}", repository, e.toString());
        }
    }

    private void loadAll() {
        scanFolders();
        for (String name : new ArrayList<>(models.keySet())) {
            if (!active) {
                return;
            }
            tryLoad(name);
        }
    }

    private void loadWaiting(String platform) {
        for (Map.Entry<String, Entry> e : models.entrySet()) {
            Entry entry = e.getValue();
            if (entry.versions.isEmpty() && entry.reason != null && entry.reason.startsWith("no engine for platform " + platform)) {
                tryLoad(e.getKey());
            }
        }
    }

    private void tryLoad(String name) {
        try {
            load(name);
        } catch (InferenceException e) {
            LOG.warn("Model {} not loaded: {}", name, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Model {} not loaded", name, e);
        }
    }

    // ---- ModelRepository

    @Override
    public List<ModelStatusDTO> index() {
        scanFolders();
        List<ModelStatusDTO> out = new ArrayList<>();
        for (String name : new TreeMap<>(models).keySet()) {
            Entry e = models.get(name);
            if (e == null) {
                continue;
            }
            TreeMap<String, ServedModel> v = e.versions;
            if (v.isEmpty()) {
                ModelStatusDTO s = new ModelStatusDTO();
                s.name = name;
                s.state = e.state;
                s.reason = e.reason;
                s.platform = e.platform;
                out.add(s);
            }
            for (ServedModel m : v.descendingMap().values()) {
                out.add(status(m));
            }
        }
        return out;
    }

    private static ModelStatusDTO status(ServedModel m) {
        ModelStatusDTO s = new ModelStatusDTO();
        s.name = m.name;
        s.version = m.version;
        s.state = ModelState.READY;
        s.platform = m.config.platform;
        s.provider = m.provider();
        return s;
    }

    @Override
    public List<ModelStatusDTO> load(String name) {
        if (!ModelConfigs.validName(name)) {
            throw new InferenceException(Kind.INVALID_ARGUMENT, "invalid model name '" + name + "'");
        }
        Path dir = repository.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new InferenceException(Kind.NOT_FOUND, "no model folder '" + name + "' in the repository " + repository);
        }
        synchronized (repoLock) {
            Entry entry = models.computeIfAbsent(name, k -> new Entry());
            ModelConfigDTO config;
            try {
                config = ModelConfigs.read(dir);
            } catch (IllegalArgumentException e) {
                return failed(name, entry, null, "invalid " + ModelConfigs.CONFIG_FILE + ": " + e.getMessage());
            }
            entry.platform = config.platform;
            InferenceEngine engine = engines.get(config.platform);
            if (engine == null) {
                return failed(name, entry, config, "no engine for platform " + config.platform + " (is its bundle installed and resolved?)");
            }
            List<String> versionNames = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).filter(v -> v.matches("\\d{1,18}")).forEach(versionNames::add);
            } catch (IOException e) {
                return failed(name, entry, config, "cannot list " + dir + ": " + e.getMessage());
            }
            if (versionNames.isEmpty()) {
                return failed(name, entry, config, "no version folders (<model>/<number>/) in " + dir);
            }
            versionNames.sort(VERSION_ORDER);
            TreeMap<String, ServedModel> loaded = new TreeMap<>(VERSION_ORDER);
            entry.state = ModelState.LOADING;
            for (String v : versionNames) {
                try {
                    LoadedModel lm = engine.load(name, v, dir.resolve(v), config);
                    try {
                        loaded.put(v, new ServedModel(name, v, config, lm));
                    } catch (RuntimeException e) {
                        lm.close();
                        throw e;
                    }
                } catch (RuntimeException e) {
                    for (ServedModel m : loaded.values()) {
                        m.close();
                    }
                    String why = e instanceof InferenceException ? e.getMessage() : ServedModel.oneLine(e);
                    entry.state = entry.versions.isEmpty() ? ModelState.UNAVAILABLE : ModelState.READY;
                    return failed(name, entry, config, "version " + v + ": " + why);
                }
            }
            TreeMap<String, ServedModel> old = entry.versions;
            entry.versions = loaded;
            entry.state = ModelState.READY;
            entry.reason = null;
            for (ServedModel m : old.values()) {
                m.close();
            }
            List<ModelStatusDTO> out = new ArrayList<>();
            for (ServedModel m : loaded.descendingMap().values()) {
                LOG.info("Model {} version {} loaded on {}", name, m.version, m.provider());
                post(InferenceTopics.LOADED, name, m.version, m.provider(), null);
                out.add(status(m));
            }
            return out;
        }
    }

    private List<ModelStatusDTO> failed(String name, Entry entry, ModelConfigDTO config, String reason) {
        if (config != null) {
            entry.platform = config.platform;
        }
        if (entry.versions.isEmpty()) {
            entry.state = ModelState.UNAVAILABLE;
            entry.reason = reason;
        }
        post(InferenceTopics.FAILED, name, null, null, reason);
        Kind kind = Kind.UNAVAILABLE;
        throw new InferenceException(kind, "model '" + name + "' failed to load: " + reason);
    }

    @Override
    public void unload(String name) {
        synchronized (repoLock) {
            Entry entry = name == null ? null : models.get(name);
            if (entry == null || entry.versions.isEmpty()) {
                throw new InferenceException(Kind.NOT_FOUND, "model '" + name + "' is not loaded");
            }
            closeVersions(entry);
            entry.state = ModelState.UNAVAILABLE;
            entry.reason = "unloaded";
            LOG.info("Model {} unloaded", name);
            post(InferenceTopics.UNLOADED, name, null, null, null);
            if (!Files.isDirectory(repository.resolve(name))) {
                models.remove(name);
            }
        }
    }

    private static void closeVersions(Entry entry) {
        TreeMap<String, ServedModel> old = entry.versions;
        entry.versions = new TreeMap<>(VERSION_ORDER);
        for (ServedModel m : old.values()) {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.warn("Closing model {} version {} failed", m.name, m.version, e);
            }
        }
    }

    @Override
    public List<String> versions(String name) {
        Entry entry = name == null ? null : models.get(name);
        if (entry == null) {
            return List.of();
        }
        return new ArrayList<>(entry.versions.descendingKeySet());
    }

    // ---- InferenceService

    private ServedModel find(String name, String version) {
        Entry entry = name == null ? null : models.get(name);
        if (entry == null) {
            throw new InferenceException(Kind.NOT_FOUND, "unknown model '" + name + "'");
        }
        TreeMap<String, ServedModel> v = entry.versions;
        if (v.isEmpty()) {
            throw new InferenceException(Kind.UNAVAILABLE, "model '" + name + "' is not ready: " + entry.reason);
        }
        if (version == null || version.isEmpty()) {
            return v.lastEntry().getValue();
        }
        ServedModel m = v.get(version);
        if (m == null) {
            throw new InferenceException(Kind.NOT_FOUND, "model '" + name + "' has no loaded version '" + version + "'; loaded: " + v.descendingKeySet());
        }
        return m;
    }

    @Override
    public InferenceResponse infer(InferenceRequest request) {
        checkRequest(request);
        ServedModel m = find(request.model, request.version);
        try {
            return m.infer(request, async);
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    @Override
    public CompletionStage<InferenceResponse> inferAsync(InferenceRequest request) {
        try {
            checkRequest(request);
            return find(request.model, request.version).submit(request, async)
                    .exceptionallyCompose(e -> CompletableFuture.failedFuture(unwrap(e)));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void checkRequest(InferenceRequest r) {
        if (r == null || r.model == null || r.model.isEmpty()) {
            throw new InferenceException(Kind.INVALID_ARGUMENT, "the request names no model");
        }
    }

    private static RuntimeException unwrap(Throwable e) {
        while (e instanceof CompletionException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof InferenceException) {
            return (InferenceException) e;
        }
        return new InferenceException(Kind.INTERNAL, ServedModel.oneLine(e), e);
    }

    @Override
    public ModelMetadataDTO metadata(String name, String version) {
        ServedModel m = find(name, version);
        return m.metadata(versions(name));
    }

    @Override
    public boolean isReady(String name, String version) {
        try {
            return !find(name, version).isClosed();
        } catch (InferenceException e) {
            return false;
        }
    }

    @Override
    public List<ModelStatsDTO> statistics() {
        List<ModelStatsDTO> out = new ArrayList<>();
        Map<String, Entry> sorted = new TreeMap<>(models);
        for (Map.Entry<String, Entry> e : sorted.entrySet()) {
            for (ServedModel m : e.getValue().versions.descendingMap().values()) {
                out.add(m.stats.dto(m.name, m.version));
            }
        }
        return out;
    }

    /** For tests: the platforms with an engine. */
    Map<String, InferenceEngine> engines() {
        return new LinkedHashMap<>(engines);
    }
}
