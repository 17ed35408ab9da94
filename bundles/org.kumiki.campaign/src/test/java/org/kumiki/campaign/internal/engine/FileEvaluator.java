package org.kumiki.campaign.internal.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An evaluator whose work lives outside the JVM, like a scheduler task or a lab run: a request
 * is a file {@code req-<handle>.json}; whoever does the work writes {@code res-<handle>.json}.
 */
final class FileEvaluator implements Evaluator {
    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "file-evaluator");
        t.setDaemon(true);
        return t;
    });

    FileEvaluator(Path dir) {
        this.dir = dir;
    }

    @Override
    public String start(EvaluationRequest r) throws IOException {
        // unique per start: a second start of the same evaluation would show as a second request
        String handle = r.evaluationId + "_s" + r.stepName + "_a" + r.attempt + "_" + java.util.UUID.randomUUID();
        Path tmp = dir.resolve("tmp-" + handle);
        Files.write(tmp, json.writeValueAsBytes(r.point));
        Files.move(tmp, dir.resolve("req-" + handle + ".json"), StandardCopyOption.ATOMIC_MOVE);
        return handle;
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        CompletableFuture<EvaluationResult> f = new CompletableFuture<>();
        Path res = dir.resolve("res-" + handle + ".json");
        poller.scheduleWithFixedDelay(() -> {
            if (!f.isDone() && Files.exists(res)) {
                try {
                    @SuppressWarnings("unchecked")
                    Map<String, Double> values = json.readValue(Files.readString(res, StandardCharsets.UTF_8), Map.class);
                    f.complete(EvaluationResult.of(values));
                } catch (IOException | RuntimeException e) {
                    f.completeExceptionally(e);
                }
                throw new RuntimeException("done"); // ends this polling task
            }
        }, 0, 10, TimeUnit.MILLISECONDS);
        return f;
    }

    @Override
    public void cancel(String handle) {
    }
}
