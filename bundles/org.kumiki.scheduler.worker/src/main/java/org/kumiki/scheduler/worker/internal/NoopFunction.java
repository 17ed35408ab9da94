package org.kumiki.scheduler.worker.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.kumiki.scheduler.api.spi.TaskFunction;
import org.osgi.service.component.annotations.Component;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code kumiki.noop}: sleeps {@code ms} milliseconds (default 10, at most 3,600,000) and, when
 * {@code appendTo} names a file, appends the task id and a newline to it (one write, so lines
 * from concurrent workers do not interleave): the benchmark's and the tests' unit of work and
 * its countable side effect. Returns {@code {"ms":N}}.
 */
@Component(property = TaskFunction.NAME + "=kumiki.noop")
public class NoopFunction implements TaskFunction {

    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    @Override
    public String apply(String jsonArguments, Context context) throws Exception {
        long ms = 10;
        String appendTo = null;
        if (jsonArguments != null && !jsonArguments.isBlank()) {
            JsonNode a = Json.MAPPER.readTree(jsonArguments);
            if (a != null && a.isObject()) {
                if (a.has("ms")) {
                    if (!a.get("ms").canConvertToLong()) throw new IllegalArgumentException("ms must be a whole number");
                    ms = a.get("ms").asLong();
                }
                if (a.hasNonNull("appendTo")) appendTo = a.get("appendTo").asText();
            } else if (a != null && !a.isNull()) {
                throw new IllegalArgumentException("arguments must be a JSON object like {\"ms\":10}");
            }
        }
        if (ms < 0 || ms > 3_600_000) throw new IllegalArgumentException("ms must be between 0 and 3600000, not " + ms);
        long end = System.nanoTime() + ms * 1_000_000;
        for (long left; (left = end - System.nanoTime()) > 0 && !context.isCancelled();) {
            Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
        }
        if (context.isCancelled()) return null;
        if (appendTo != null) {
            Files.write(Path.of(appendTo), (context.taskId() + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        }
        return "{\"ms\":" + ms + "}";
    }
}
