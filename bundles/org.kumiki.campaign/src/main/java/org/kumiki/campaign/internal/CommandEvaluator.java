package org.kumiki.campaign.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.platform.api.Installation;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskFilter;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The {@code command} evaluator: runs any program as a scheduler task. Step options:
 * {@code command} (a list of words, or one string run by {@code sh -c}), {@code cpus},
 * {@code memory} (bytes), {@code walltime} (seconds), {@code backend}, {@code partition},
 * {@code environment} (a map). Words may name parameters as {@code {name}}; the program also sees
 * {@code KUMIKI_POINT} (the point as JSON), {@code KUMIKI_INPUTS} (earlier steps' values) and
 * {@code KUMIKI_PARAM_<name>}. Its standard output (the whole, or else its last line that is a JSON
 * object) is the result: numbers are values, a {@code dataRefs} list of strings is kept as data
 * references. The handle is the scheduler task id, so a restarted engine re-attaches to it.
 */
@Component(service = Evaluator.class, property = Evaluator.NAME + "=" + CommandEvaluator.NAME)
public class CommandEvaluator implements Evaluator {
    public static final String NAME = "command";
    /** Larger standard output is not read. */
    static final long MAX_OUTPUT = 4 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(CommandEvaluator.class);
    private final ObjectMapper json = new ObjectMapper();
    private final Scheduler scheduler;
    private final Path folder;

    @Activate
    public CommandEvaluator(@Reference Scheduler scheduler, @Reference Installation installation) {
        this(scheduler, installation.stateDirectory("campaign").resolve("command"));
    }

    CommandEvaluator(Scheduler scheduler, Path folder) {
        this.scheduler = scheduler;
        this.folder = folder;
    }

    /** A program is computing: it counts against the budget's {@code simulations}. */
    @Override
    public org.kumiki.campaign.api.EvaluatorKind kind() {
        return org.kumiki.campaign.api.EvaluatorKind.SIMULATION;
    }

    @Override
    public String start(EvaluationRequest r) throws Exception {
        Object task = prepare(r);
        return task instanceof String ? (String) task : scheduler.submit((TaskSpec) task).id;
    }

    /**
     * A batch in one {@link Scheduler#submitAll}: all or nothing, and on Slurm one job array
     * when the steps' specs differ only in their environment, folders and labels.
     */
    @Override
    public List<String> startAll(List<EvaluationRequest> requests) throws Exception {
        if (requests.size() < 2) return Evaluator.super.startAll(requests);
        List<String> handles = new ArrayList<>(requests.size());
        List<TaskSpec> specs = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        for (EvaluationRequest r : requests) {
            Object task = prepare(r);
            if (task instanceof String) {
                handles.add((String) task);
            } else {
                at.add(handles.size());
                handles.add(null);
                specs.add((TaskSpec) task);
            }
        }
        if (!specs.isEmpty()) {
            List<TaskRecordDTO> recs = scheduler.submitAll(specs);
            for (int i = 0; i < recs.size(); i++) handles.set(at.get(i), recs.get(i).id);
        }
        return handles;
    }

    /** The task spec of an attempt, or the id of its task when one was submitted before a restart. */
    private Object prepare(EvaluationRequest r) throws Exception {
        Object command = r.options.get("command");
        List<String> words = new ArrayList<>();
        if (command instanceof String && !((String) command).isBlank()) {
            words.addAll(List.of("sh", "-c", substitute((String) command, r.point)));
        } else if (command instanceof List && !((List<?>) command).isEmpty()) {
            for (Object w : (List<?>) command) {
                if (w == null || w instanceof Map || w instanceof List) {
                    throw new IllegalArgumentException("option 'command': every word must be a string or a number");
                }
                words.add(substitute(String.valueOf(w), r.point));
            }
        } else {
            throw new IllegalArgumentException("option 'command' is missing: give a list of words or a shell line");
        }
        TaskSpec spec = new TaskSpec();
        spec.name = r.evaluationId + "-" + r.stepName;
        spec.command = words;
        Path dir = folder.resolve(safe(r.evaluationId) + "-" + safe(r.stepName) + "-" + r.attempt);
        Files.createDirectories(dir);
        spec.workingDirectory = dir.toString();
        spec.stdout = dir.resolve("stdout").toString();
        spec.stderr = dir.resolve("stderr").toString();
        spec.environment.put("KUMIKI_POINT", json.writeValueAsString(r.point));
        spec.environment.put("KUMIKI_INPUTS", json.writeValueAsString(r.inputs));
        r.point.forEach((k, v) -> spec.environment.put("KUMIKI_PARAM_" + k, String.valueOf(v)));
        Object env = r.options.get("environment");
        if (env instanceof Map) {
            ((Map<?, ?>) env).forEach((k, v) -> spec.environment.put(String.valueOf(k), String.valueOf(v)));
        } else if (env != null) {
            throw new IllegalArgumentException("option 'environment' must be a map");
        }
        spec.resources.cpus = (int) number(r.options, "cpus", spec.resources.cpus);
        spec.resources.memoryBytes = (long) number(r.options, "memory", spec.resources.memoryBytes);
        spec.resources.walltimeSeconds = (long) number(r.options, "walltime", spec.resources.walltimeSeconds);
        spec.backend = r.options.get("backend") == null ? null : String.valueOf(r.options.get("backend"));
        spec.partition = r.options.get("partition") == null ? null : String.valueOf(r.options.get("partition"));
        spec.labels.put("campaign", r.campaignId);
        spec.labels.put(EVALUATION, r.evaluationId);
        spec.labels.put(STEP, r.stepName);
        spec.labels.put(ATTEMPT, String.valueOf(r.attempt));
        // idempotent: a container killed between the submit and the engine's record of the
        // handle starts this attempt again after the restart; the task it submitted then is it
        TaskFilter same = TaskFilter.all();
        same.labels.put(EVALUATION, r.evaluationId);
        same.labels.put(STEP, r.stepName);
        same.labels.put(ATTEMPT, String.valueOf(r.attempt));
        for (TaskRecordDTO t : scheduler.list(same)) {
            if (t.spec != null && t.spec.labels.entrySet().containsAll(same.labels.entrySet()) && !t.spec.labels.containsKey(REPLACES)) {
                LOG.info("evaluation {} step {} attempt {}: task {} was submitted before a restart; following it", r.evaluationId, r.stepName, r.attempt, t.id);
                return t.id;
            }
        }
        return spec;
    }

    /** Labels of the task of one attempt; {@link #REPLACES} marks a task run again after its predecessor was LOST. */
    static final String EVALUATION = "campaign.evaluation";
    static final String STEP = "campaign.step";
    static final String ATTEMPT = "campaign.attempt";
    static final String REPLACES = "campaign.replaces";
    /** A task lost this many times in a row (the container keeps dying under it) fails the attempt. */
    static final int MAX_REPLACEMENTS = 5;

    private static double number(Map<String, Object> options, String key, double def) {
        Object v = options.get(key);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Number) || ((Number) v).doubleValue() < 0) {
            throw new IllegalArgumentException("option '" + key + "' must be a number >= 0, got " + v);
        }
        return ((Number) v).doubleValue();
    }

    static String substitute(String word, Map<String, Object> point) {
        String out = word;
        for (Map.Entry<String, Object> e : point.entrySet()) {
            out = out.replace("{" + e.getKey() + "}", String.valueOf(e.getValue()));
        }
        return out;
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    @Override
    public CompletionStage<EvaluationResult> result(String handle) {
        return result(handle, 0);
    }

    /**
     * The task's result; a task LOST with the container (its process killed, not failed by the
     * program: a local task cannot be re-attached after a restart) is run again as a new task that
     * replaces it, once per loss, without spending one of the campaign's attempts. The replacement
     * carries {@link #REPLACES}, so a later restart follows it instead of submitting another.
     */
    private CompletionStage<EvaluationResult> result(String handle, int replaced) {
        CompletionStage<TaskRecordDTO> done;
        try {
            done = scheduler.await(handle);
        } catch (TaskRejectedException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("unknown task " + handle + ": " + e.getMessage()));
        }
        return done.thenCompose(t -> {
            if (t.state != TaskState.LOST || t.spec == null) {
                return CompletableFuture.completedFuture(read(t));
            }
            if (replaced >= MAX_REPLACEMENTS) {
                throw new IllegalStateException("task " + t.id + " was LOST " + (replaced + 1) + " times in a row: " + t.reason);
            }
            try {
                return result(replacement(t), replaced + 1);
            } catch (TaskRejectedException e) {
                throw new IllegalStateException("task " + t.id + " was LOST and cannot run again: " + e.getMessage());
            }
        });
    }

    /** The task that replaces a LOST one: the one submitted before (a restart), or a new one. */
    private String replacement(TaskRecordDTO lost) throws TaskRejectedException {
        TaskFilter next = TaskFilter.all();
        next.labels.put(REPLACES, lost.id);
        for (TaskRecordDTO t : scheduler.list(next)) {
            if (t.spec != null && lost.id.equals(t.spec.labels.get(REPLACES))) {
                return t.id;
            }
        }
        TaskSpec again = json.convertValue(lost.spec, TaskSpec.class);
        again.labels.put(REPLACES, lost.id);
        String id = scheduler.submit(again).id;
        LOG.info("task {} was LOST ({}): running it again as {}; the evaluation spends no attempt on it", lost.id, lost.reason, id);
        return id;
    }

    EvaluationResult read(TaskRecordDTO t) {
        if (t.state != TaskState.COMPLETED) {
            throw new IllegalStateException("task " + t.id + " ended " + t.state + (t.exitCode != null ? " (exit " + t.exitCode + ")" : "")
                    + (t.reason != null ? ": " + t.reason : ""));
        }
        String text;
        try {
            Path out = Path.of(t.spec.stdout);
            if (Files.size(out) > MAX_OUTPUT) {
                throw new IllegalStateException("task " + t.id + ": output larger than " + MAX_OUTPUT + " bytes");
            }
            text = Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalStateException) {
                throw (IllegalStateException) e;
            }
            throw new IllegalStateException("task " + t.id + ": cannot read its output: " + e.getMessage());
        }
        return parse(t.id, text);
    }

    EvaluationResult parse(String id, String text) {
        JsonNode node = null;
        try {
            node = json.readTree(text);
        } catch (JsonProcessingException e) {
            String[] lines = text.split("\n");
            for (int i = lines.length - 1; i >= 0 && node == null; i--) {
                String l = lines[i].trim();
                if (l.startsWith("{")) {
                    try {
                        node = json.readTree(l);
                    } catch (JsonProcessingException ignored) {
                        // not this line
                    }
                }
            }
        }
        if (node == null || !node.isObject()) {
            throw new IllegalStateException("task " + id + " printed no JSON object on its standard output");
        }
        EvaluationResult r = new EvaluationResult();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNumber()) {
                r.values.put(e.getKey(), v.doubleValue());
            } else if (v.isTextual() && ("NaN".equals(v.textValue()) || v.textValue().endsWith("Infinity"))) {
                r.values.put(e.getKey(), Double.parseDouble(v.textValue()));
            } else if ("dataRefs".equals(e.getKey()) && v.isArray()) {
                v.forEach(d -> r.dataRefs.add(d.asText()));
            } else if ("provenance".equals(e.getKey()) && v.isObject()) {
                v.fields().forEachRemaining(p -> {
                    if (p.getValue().isValueNode() && !p.getValue().isNull()) {
                        r.provenance.put(p.getKey(), p.getValue().asText());
                    }
                });
            }
        }
        r.dataRefs.add("task:" + id);
        r.provenance.put(EvaluationResult.TASK_ID, id);
        return r;
    }

    @Override
    public void cancel(String handle) {
        try {
            scheduler.cancel(handle);
        } catch (TaskRejectedException e) {
            // unknown: nothing to stop
        }
    }
}
