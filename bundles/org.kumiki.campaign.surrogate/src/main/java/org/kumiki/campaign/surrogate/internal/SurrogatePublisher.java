package org.kumiki.campaign.surrogate.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.kumiki.campaign.api.spi.SurrogateListener;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.platform.api.Installation;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves every surrogate a campaign fits: writes it as version {@code proposedSoFar + 1} of the
 * model {@code <campaign-id>-surrogate} in the inference model repository
 * ({@code <model>/<n>/model.json} and {@code <model>/config.json} naming platform
 * {@value GpEngine#PLATFORM}), keeps the newest {@code keep.versions} versions and asks the
 * repository to load the model again. Works on its own thread; when fits come faster than they
 * are published, only a campaign's latest is. Delayed: the campaign service fetches it on the
 * first fit, so it costs nothing at start-up.
 */
@Component(service = SurrogateListener.class, configurationPid = SurrogatePublisher.PID)
@Designate(ocd = SurrogatePublisher.Config.class)
public class SurrogatePublisher implements SurrogateListener {
    public static final String PID = "org.kumiki.campaign.surrogate";
    public static final String SUFFIX = "-surrogate";
    private static final Logger LOG = LoggerFactory.getLogger(SurrogatePublisher.class);
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,127}");

    @ObjectClassDefinition(name = "Kumiki campaign surrogates", description = "Serves each campaign's Gaussian-process surrogate as an inference model")
    public @interface Config {
        @AttributeDefinition(name = "Model repository", description = "The inference model repository (the same folder as org.kumiki.inference's 'repository'); empty means state/inference/models under the installation home")
        String repository() default "";

        @AttributeDefinition(name = "Versions kept", description = "How many surrogate versions of a campaign stay in the repository (the newest)", min = "1")
        int keep_versions() default 2;
    }

    private final ModelRepository repository;
    private final Path directory;
    private final int keep;
    private final Map<String, SurrogateDTO> latest = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "kumiki-campaign-surrogate");
        t.setDaemon(true);
        return t;
    });

    @Activate
    public SurrogatePublisher(@Reference ModelRepository repository, @Reference Installation installation, Config config) {
        this(repository, config.repository().isBlank() ? installation.stateDirectory("inference").resolve("models") : Paths.get(config.repository()),
                config.keep_versions());
    }

    SurrogatePublisher(ModelRepository repository, Path directory, int keep) {
        this.repository = repository;
        this.directory = directory.toAbsolutePath().normalize();
        this.keep = Math.max(1, keep);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** The model that serves a campaign's surrogate. */
    public static String modelName(String campaignId) {
        return campaignId + SUFFIX;
    }

    @Override
    public void fitted(SurrogateDTO surrogate) {
        if (surrogate == null || surrogate.campaignId == null) {
            return;
        }
        latest.put(surrogate.campaignId, surrogate);
        worker.execute(() -> {
            SurrogateDTO s = latest.remove(surrogate.campaignId);
            if (s != null) {
                try {
                    publish(s);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("campaign {}: surrogate not served: {}", s.campaignId, e.getMessage() == null ? e.toString() : e.getMessage());
                }
            }
        });
    }

    /**
     * Writes one surrogate as a new model version, prunes old ones and (re)loads the model.
     *
     * @return the version written
     */
    public String publish(SurrogateDTO s) throws IOException {
        String model = modelName(s.campaignId);
        if (!MODEL_NAME.matcher(model).matches() || model.contains("..")) {
            throw new IOException("campaign id '" + s.campaignId + "' does not make a valid model name");
        }
        Path dir = directory.resolve(model);
        Files.createDirectories(dir);
        String version = Long.toString(s.proposedSoFar + 1L);
        Path tmp = Files.createTempDirectory(dir, ".tmp-" + version + "-");
        try {
            GpEngine.Json.MAPPER.writeValue(tmp.resolve(GpEngine.MODEL_FILE).toFile(), s);
            Path config = dir.resolve("config.json");
            Path tmpConfig = tmp.resolve("config.json");
            GpEngine.Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmpConfig.toFile(), config(s));
            Files.move(tmpConfig, config, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Path target = dir.resolve(version);
            if (Files.exists(target)) {
                delete(target); // the same fit again (after a restart): replace it
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                delete(tmp);
            }
        }
        prune(dir, Long.parseLong(version));
        try {
            repository.load(model);
        } catch (InferenceException e) {
            throw new IOException(e.getMessage(), e);
        }
        LOG.debug("campaign {}: surrogate version {} served as {} ({} observations)", s.campaignId, version, model,
                s.targets == null ? 0 : s.targets.length);
        return version;
    }

    private static Map<String, Object> config(SurrogateDTO s) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("platform", GpEngine.PLATFORM);
        c.put("max_batch_size", 0);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("campaign", s.campaignId);
        p.put("input_columns", s.parameters.stream().map(x -> x.name).collect(Collectors.joining(",")));
        c.put("parameters", p);
        return c;
    }

    /** Keeps the newest {@code keep} numeric versions up to {@code newest}; later ones are stale (an older life of the same id). */
    private void prune(Path dir, long newest) throws IOException {
        List<Path> versions = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("\\d{1,18}")).forEach(versions::add);
        }
        versions.sort(Comparator.comparingLong((Path p) -> Long.parseLong(p.getFileName().toString())).reversed());
        int kept = 0;
        for (Path v : versions) {
            long n = Long.parseLong(v.getFileName().toString());
            if (n <= newest && kept < keep) {
                kept++;
            } else {
                delete(v);
            }
        }
    }

    private static void delete(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(q);
            }
        }
    }
}
