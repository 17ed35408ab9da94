package org.kumiki.scheduler.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;

import org.kumiki.scheduler.api.dto.DependencyDTO;
import org.kumiki.scheduler.api.dto.ResourcesDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Fast paths for the hot loop: spec copies and journal records with the spec's JSON cached. */
final class Codec {
    private static final byte[] SPEC_FIELD = ",\"spec\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** Jackson is loaded on first use: a fresh installation starts without it. */
    private static final class Holder {
        static final ObjectMapper JSON = new ObjectMapper().configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }

    static ObjectMapper json() {
        return Holder.JSON;
    }

    static TaskSpec copy(TaskSpec in) {
        TaskSpec s = new TaskSpec();
        s.name = in.name;
        s.command = in.command == null ? new ArrayList<>() : new ArrayList<>(in.command);
        s.function = in.function;
        s.arguments = in.arguments;
        s.environment = in.environment == null ? new LinkedHashMap<>() : new LinkedHashMap<>(in.environment);
        s.workingDirectory = in.workingDirectory;
        s.stdout = in.stdout;
        s.stderr = in.stderr;
        s.resources = new ResourcesDTO();
        if (in.resources != null) {
            s.resources.cpus = in.resources.cpus;
            s.resources.gpus = in.resources.gpus;
            s.resources.memoryBytes = in.resources.memoryBytes;
            s.resources.walltimeSeconds = in.resources.walltimeSeconds;
            s.resources.nodes = in.resources.nodes;
            s.resources.tasks = in.resources.tasks;
            s.resources.cpusPerTask = in.resources.cpusPerTask;
        }
        s.dependencies = new ArrayList<>();
        if (in.dependencies != null) {
            for (DependencyDTO d : in.dependencies) s.dependencies.add(d == null ? null : DependencyDTO.of(d.taskId, d.type));
        }
        s.priority = in.priority;
        s.retries = in.retries;
        s.labels = in.labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(in.labels);
        s.backend = in.backend;
        s.partition = in.partition;
        s.launcher = in.launcher;
        return s;
    }

    /** The record as the journal keeps it: the shape of TaskRecordDTO, the spec serialised once per task. */
    byte[] record(Task t) {
        try {
            if (t.specJson == null) t.specJson = json().writeValueAsBytes(t.spec);
            ByteArrayOutputStream out = new ByteArrayOutputStream(t.specJson.length + 256);
            try (JsonGenerator g = json().getFactory().createGenerator(out, JsonEncoding.UTF8)) {
                g.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
                g.writeStartObject();
                g.writeStringField("id", t.id);
                g.writeStringField("state", t.state.name());
                g.writeStringField("backend", t.backend);
                if (t.backendJobId != null) g.writeStringField("backendJobId", t.backendJobId);
                if (t.exitCode != null) g.writeNumberField("exitCode", t.exitCode);
                if (t.reason != null) g.writeStringField("reason", t.reason);
                if (t.result != null) g.writeStringField("result", t.result);
                g.writeNumberField("attempt", t.attempt);
                g.writeNumberField("submittedAt", t.submittedAt);
                g.writeNumberField("startedAt", t.startedAt);
                g.writeNumberField("finishedAt", t.finishedAt);
                if (t.arrayId != null) {
                    g.writeStringField("arrayId", t.arrayId);
                    g.writeNumberField("arrayIndex", t.arrayIndex);
                }
                g.flush();
                // the spec's bytes as they are, then close the object by hand
                out.write(SPEC_FIELD);
                out.write(t.specJson);
                out.write('}');
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + t.id, e);
        }
    }
}
