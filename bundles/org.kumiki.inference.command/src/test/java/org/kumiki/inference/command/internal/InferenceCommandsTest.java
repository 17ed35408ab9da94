package org.kumiki.inference.command.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.InferenceService;
import org.kumiki.inference.api.ModelRepository;
import org.kumiki.inference.api.ModelState;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelMetadataDTO;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.platform.shelltest.GogoShell;

/** The infer commands through a real Gogo command processor, over a fake service that doubles its input. */
class InferenceCommandsTest {

    final List<String> loaded = new ArrayList<>();
    final List<InferenceRequest> seen = new ArrayList<>();
    GogoShell shell;

    class Fake implements InferenceService, ModelRepository {
        @Override
        public InferenceResponse infer(InferenceRequest r) {
            seen.add(r);
            if (!loaded.contains(r.model)) {
                throw new InferenceException(Kind.NOT_FOUND, "unknown model '" + r.model + "'");
            }
            Tensor x = r.inputs.get(0);
            if (!x.name().equals("x")) {
                throw new InferenceException(Kind.INVALID_ARGUMENT, "model 'double' has no input named '" + x.name() + "'");
            }
            float[] v = x.floats();
            for (int i = 0; i < v.length; i++) {
                v[i] *= 2;
            }
            return new InferenceResponse(r.model, r.version == null ? "3" : r.version, r.id, List.of(Tensor.ofFloats("y", x.shape(), v)));
        }

        @Override
        public CompletionStage<InferenceResponse> inferAsync(InferenceRequest request) {
            return CompletableFuture.completedFuture(infer(request));
        }

        @Override
        public ModelMetadataDTO metadata(String model, String version) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isReady(String model, String version) {
            return loaded.contains(model);
        }

        @Override
        public List<ModelStatsDTO> statistics() {
            ModelStatsDTO s = new ModelStatsDTO();
            s.name = "double";
            s.version = "3";
            s.requestSuccess = 4;
            s.requestFailure = 1;
            s.inferenceCount = 8;
            s.executionCount = 2;
            s.requestNanos = 4_000_000;
            s.queueNanos = 500_000;
            s.computeNanos = 3_000_000;
            return List.of(s);
        }

        @Override
        public List<ModelStatusDTO> index() {
            ModelStatusDTO a = new ModelStatusDTO();
            a.name = "double";
            a.version = "3";
            a.state = ModelState.READY;
            a.provider = "CPUExecutionProvider";
            ModelStatusDTO b = new ModelStatusDTO();
            b.name = "broken";
            b.state = ModelState.UNAVAILABLE;
            b.reason = "ONNX Runtime cannot load model.onnx: protobuf parsing failed";
            return List.of(a, b);
        }

        @Override
        public List<ModelStatusDTO> load(String model) {
            if (!model.equals("double")) {
                throw new InferenceException(Kind.NOT_FOUND, "no model folder '" + model + "'");
            }
            loaded.add(model);
            return List.of(index().get(0));
        }

        @Override
        public void unload(String model) {
            if (!loaded.remove(model)) {
                throw new InferenceException(Kind.NOT_FOUND, "model '" + model + "' is not loaded");
            }
        }

        @Override
        public List<String> versions(String model) {
            return List.of("3");
        }
    }

    @BeforeEach
    void givenAShell() {
        Fake fake = new Fake();
        InferenceCommands commands = new InferenceCommands(fake, fake);
        shell = new GogoShell().add("infer", commands, "models", "load", "unload", "run", "stats");
    }

    @AfterEach
    void stop() {
        shell.close();
    }

    String run(String line) throws Exception {
        return shell.run(line);
    }

    String fails(String line) {
        Exception e = shell.failure(line);
        assertTrue(e instanceof IllegalArgumentException, e.toString());
        return e.getMessage();
    }

    @Test
    void modelsLoadUnloadAndStats() throws Exception {
        String models = run("infer:models");
        assertTrue(models.contains("MODEL") && models.contains("double") && models.contains("CPUExecutionProvider"), models);
        assertTrue(models.contains("broken") && models.contains("UNAVAILABLE") && models.contains("protobuf parsing failed"), models);
        assertEquals("loaded double version 3 on CPUExecutionProvider", run("infer:load double"));
        assertTrue(fails("infer:load nothing").contains("no model folder 'nothing'"));
        assertEquals("unloaded double", run("infer:unload double"));
        assertTrue(fails("infer:unload double").contains("not loaded"));
        String stats = run("infer:stats");
        assertTrue(stats.contains("double") && stats.contains("1.000 ms") && stats.contains("0.100 ms") && stats.contains("1.500 ms"), stats);
    }

    @Test
    void runParsesOipJsonAndPrintsOutputs() throws Exception {
        run("infer:load double");
        String out = run("infer:run double '{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"data\": [1, 2.5, -3]}]}'");
        assertTrue(out.startsWith("model double version 3"), out);
        assertTrue(out.contains("y") && out.contains("FP32") && out.contains("[1, 3]") && out.contains("[2.0,5.0,-6.0]"), out);
        String v = run("infer:run -v 7 double '{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}'");
        assertTrue(v.startsWith("model double version 7"), v);
        assertEquals("7", seen.get(seen.size() - 1).version);
        assertTrue(fails("infer:run double '{\"inputs\": [{\"name\": \"x\"'").contains("malformed JSON"));
        assertTrue(fails("infer:run double '{\"inputs\": [{\"name\": \"x\", \"shape\": [2], \"datatype\": \"FP32\", \"data\": [1]}]}'").contains("needs 2 elements"));
        assertTrue(fails("infer:run double '{\"inputs\": [{\"name\": \"z\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}'").contains("no input named 'z'"));
        assertTrue(fails("infer:run nope '{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}'").contains("unknown model 'nope'"));
        // a model name carrying a terminal escape sequence comes back escaped, on one line (the toolkit's Text.oneLine)
        String hostile = fails("infer:run 'no\u001b[2Jpe\u009b' '{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"FP32\", \"data\": [1]}]}'");
        assertTrue(hostile.contains("no\\u001b[2Jpe\\u009b") && hostile.indexOf('\u001b') < 0 && hostile.indexOf('\u009b') < 0, hostile);
        assertTrue(fails("infer:run double '{\"inputs\": [{\"name\": \"x\", \"shape\": [1], \"datatype\": \"BF16\", \"data\": [1]}]}'").contains("unknown datatype"));
    }
}
