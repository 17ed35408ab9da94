package org.kumiki.inference.remote.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.InferenceRequest;
import org.kumiki.inference.api.InferenceResponse;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelStatusDTO;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.internal.ModelManager;
import org.kumiki.inference.test.TestModels;

/** The remote engine against Kumiki's own OIP endpoint running in a second JVM. */
class RemoteEngineTest {

    static final String TOKEN = "remote-t0ken";
    static Process server;
    static int port;
    static Path remoteRepo;

    @BeforeAll
    static void startSecondProcess(@TempDir Path dir) throws Exception {
        remoteRepo = dir.resolve("remote-repo");
        TestModels.install(remoteRepo, "mlp", "1", TestModels.mlp(), "{\"max_batch_size\": 16}");
        TestModels.install(remoteRepo, "mixed", "1", TestModels.mixed(), "{\"max_batch_size\": 16}");
        TestModels.install(remoteRepo, "types", "1", TestModels.types(), "{\"max_batch_size\": 4}");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        server = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), OipServerMain.class.getName(), remoteRepo.toString(), TOKEN)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<Integer> p = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("PORT ")) {
                        return Integer.parseInt(line.substring(5).trim());
                    }
                }
                throw new IllegalStateException("the OIP server process exited before serving");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        port = p.get(120, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stopSecondProcess() throws Exception {
        if (server != null) {
            server.getOutputStream().close();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    static ModelManager local(Path repo) {
        ModelManager m = new ModelManager(repo, 4, false);
        m.addEngine(new RemoteEngine(OipServerMain.config(RemoteEngine.Config.class, Map.of())), Map.of(InferenceEngine.PLATFORM, RemoteEngine.PLATFORM));
        return m;
    }

    static void remoteModel(Path repo, String name, String remote, String extra) throws IOException {
        Files.createDirectories(repo.resolve(name).resolve("1"));
        Files.writeString(repo.resolve(name).resolve("config.json"), "{\"platform\": \"kumiki_remote\", \"max_batch_size\": 16" + extra
                + ", \"parameters\": {\"url\": \"http://127.0.0.1:" + port + "\", \"model\": \"" + remote + "\", \"token\": \"" + TOKEN + "\"}}");
    }

    static float[] rows(int n, int seed) {
        float[] x = new float[n * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 13 + seed * 5) % 17 - 8) / 5f;
        }
        return x;
    }

    @Test
    void forwardsToTheSecondProcessWithBatchingAndTypes(@TempDir Path repo) throws Exception {
        remoteModel(repo, "far_mlp", "mlp", ", \"dynamic_batching\": {\"max_queue_delay_microseconds\": 20000}");
        remoteModel(repo, "far_mixed", "mixed", "");
        ModelManager m = local(repo);
        try {
            List<ModelStatusDTO> st = m.load("far_mlp");
            assertEquals("remote http://127.0.0.1:" + port + " (mlp)", st.get(0).provider);
            assertArrayEquals(new long[] {-1, 4}, m.metadata("far_mlp", null).inputs.get(0).shape);
            List<CompletableFuture<InferenceResponse>> fs = new ArrayList<>();
            for (int c = 0; c < 12; c++) {
                fs.add(m.inferAsync(InferenceRequest.of("far_mlp", Tensor.ofFloats("x", new long[] {1 + c % 2, 4}, rows(1 + c % 2, c)))).toCompletableFuture());
            }
            for (int c = 0; c < 12; c++) {
                float[] expected = TestModels.mlp(rows(1 + c % 2, c));
                float[] got = fs.get(c).get(60, TimeUnit.SECONDS).output("y").floats();
                assertEquals(expected.length, got.length);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(expected[i], got[i], 1e-4f);
                }
            }
            m.load("far_mixed");
            InferenceResponse r = m.infer(new InferenceRequest("far_mixed", null, null,
                    List.of(Tensor.ofFloats("a", new long[] {1, 3}, 1f, 2f, 3f), Tensor.ofLongs("b", new long[] {1, 3}, 7, -8, 3_000_000_000L)), Set.of("square")));
            assertArrayEquals(new long[] {49, 64, 9_000_000_000_000_000_000L}, r.output("square").longs());
            // validated locally against the remote metadata before anything is sent
            InferenceException e = assertThrows(InferenceException.class, () -> m.infer(InferenceRequest.of("far_mixed", Tensor.ofFloats("a", new long[] {1, 3}, 1f, 2f, 3f))));
            assertEquals(Kind.INVALID_ARGUMENT, e.kind());
        } finally {
            m.deactivate();
        }
    }

    @Test
    void remoteErrorsAreClear(@TempDir Path repo) throws Exception {
        remoteModel(repo, "far_absent", "absent", "");
        Files.createDirectories(repo.resolve("far_badtoken").resolve("1"));
        Files.writeString(repo.resolve("far_badtoken").resolve("config.json"), "{\"platform\": \"kumiki_remote\", \"parameters\": {\"url\": \"http://127.0.0.1:" + port + "\", \"model\": \"mlp\", \"token\": \"wrong\"}}");
        Files.createDirectories(repo.resolve("far_nowhere").resolve("1"));
        Files.writeString(repo.resolve("far_nowhere").resolve("config.json"), "{\"platform\": \"kumiki_remote\", \"parameters\": {\"url\": \"http://127.0.0.1:1\", \"model\": \"mlp\"}}");
        Files.createDirectories(repo.resolve("far_nourl").resolve("1"));
        Files.writeString(repo.resolve("far_nourl").resolve("config.json"), "{\"platform\": \"kumiki_remote\"}");
        ModelManager m = local(repo);
        try {
            InferenceException e = assertThrows(InferenceException.class, () -> m.load("far_absent"));
            assertTrue(e.getMessage().contains("answered 404") && e.getMessage().contains("unknown model 'absent'"), e.getMessage());
            e = assertThrows(InferenceException.class, () -> m.load("far_badtoken"));
            assertTrue(e.getMessage().contains("answered 401"), e.getMessage());
            e = assertThrows(InferenceException.class, () -> m.load("far_nowhere"));
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
            e = assertThrows(InferenceException.class, () -> m.load("far_nourl"));
            assertTrue(e.getMessage().contains("parameters.url"), e.getMessage());
        } finally {
            m.deactivate();
        }
    }

    @Test
    void theTokenComesFromAPrivateFileInTheModelFolder(@TempDir Path repo) throws Exception {
        Files.createDirectories(repo.resolve("far_file").resolve("1"));
        Path tokenFile = repo.resolve("far_file").resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-r--r--"));
        Files.writeString(repo.resolve("far_file").resolve("config.json"), "{\"platform\": \"kumiki_remote\", \"parameters\": {\"url\": \"http://127.0.0.1:" + port
                + "\", \"model\": \"mlp\", \"token.file\": \"token\"}}");
        ModelManager m = local(repo);
        try {
            InferenceException e = assertThrows(InferenceException.class, () -> m.load("far_file"));
            assertTrue(e.getMessage().contains("parameters.token.file " + tokenFile + ": mode rw-r--r-- lets other users read or change it"), e.getMessage());
            assertFalse(e.getMessage().contains(TOKEN));
            Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
            assertEquals("remote http://127.0.0.1:" + port + " (mlp)", m.load("far_file").get(0).provider, "the remote accepted the token from the file");
        } finally {
            m.deactivate();
        }
    }

    @Test
    void tokenAndTokenFileAreExclusive() {
        InferenceException e = assertThrows(InferenceException.class,
                () -> RemoteEngine.token("m", Path.of("/models/m/1"), Map.of("token", "a", "token.file", "t")));
        assertEquals("model 'm': set parameters.token or parameters.token.file, not both", e.getMessage());
        assertEquals("a", RemoteEngine.token("m", Path.of("/models/m/1"), Map.of("token", "a")));
    }
}
