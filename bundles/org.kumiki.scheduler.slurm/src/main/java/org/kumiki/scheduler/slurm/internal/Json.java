package org.kumiki.scheduler.slurm.internal;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** slurmrestd's JSON through Jackson, the project's one JSON library, as plain Java values. */
final class Json {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {}

    /**
     * Map, List, String, Long or Double, Boolean, or null.
     *
     * @throws IllegalArgumentException for text that is not one JSON value
     */
    static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid JSON from slurmrestd: " + BatchJob.oneLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON from slurmrestd: " + BatchJob.oneLine(e.getMessage()), e);
        }
    }

    static String write(Object v) {
        try {
            return MAPPER.writeValueAsString(v);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
