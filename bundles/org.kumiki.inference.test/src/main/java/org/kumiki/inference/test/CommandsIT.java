package org.kumiki.inference.test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.Installation;
import org.osgi.test.common.annotation.InjectService;

/** The infer:* commands inside the framework, against the real repository and ONNX engine. */
class CommandsIT {

    @InjectService
    Installation installation;

    @Test
    void commandsDriveTheRealRepository(@InjectService(timeout = 30_000) CommandProcessor processor) throws Exception {
        Path repo = installation.stateDirectory("inference").resolve("models");
        TestModels.install(repo, "cmd_mlp", "1", TestModels.mlp(), "{\"max_batch_size\": 4}");
        TestModels.install(repo, "cmd_broken", "1", new byte[] {0x08, 0x07, 0x12}, null);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandSession s = processor.createSession(InputStream.nullInputStream(), out, out);
        try {
            String load = String.valueOf(s.execute("infer:load cmd_mlp"));
            assertTrue(load.contains("loaded cmd_mlp version 1 on CPUExecutionProvider"), load);
            Exception e = assertThrows(Exception.class, () -> s.execute("infer:load cmd_broken"));
            assertTrue(e.getMessage().contains("ONNX Runtime cannot load"), e.getMessage());
            String models = String.valueOf(s.execute("infer:models"));
            assertTrue(models.contains("cmd_mlp") && models.contains("READY") && models.contains("cmd_broken") && models.contains("UNAVAILABLE"), models);
            float[] expected = TestModels.mlp(new float[] {1, 2, 3, 4});
            String run = String.valueOf(s.execute("infer:run cmd_mlp '{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4]}]}'"));
            assertTrue(run.contains("[1, 3]") && run.contains(Float.toString(expected[0]).substring(0, 5)), run + " should hold " + expected[0]);
            e = assertThrows(Exception.class, () -> s.execute("infer:run cmd_mlp '{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 3], \"datatype\": \"FP32\", \"data\": [1, 2, 3]}]}'"));
            assertTrue(e.getMessage().contains("expects [-1, 4]"), e.getMessage());
            String stats = String.valueOf(s.execute("infer:stats"));
            assertTrue(stats.contains("cmd_mlp") && stats.contains("ms"), stats);
            assertTrue(String.valueOf(s.execute("infer:unload cmd_mlp")).contains("unloaded cmd_mlp"));
            e = assertThrows(Exception.class, () -> s.execute("infer:unload cmd_mlp"));
            assertTrue(e.getMessage().contains("not loaded"), e.getMessage());
        } finally {
            s.close();
        }
    }
}
