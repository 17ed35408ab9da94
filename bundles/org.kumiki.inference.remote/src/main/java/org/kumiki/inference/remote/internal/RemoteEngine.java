package org.kumiki.inference.remote.internal;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import org.kumiki.inference.api.InferenceException;
import org.kumiki.inference.api.InferenceException.Kind;
import org.kumiki.inference.api.Tensor;
import org.kumiki.inference.api.dto.ModelConfigDTO;
import org.kumiki.inference.api.dto.TensorMetadataDTO;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.api.spi.LoadedModel;
import org.kumiki.inference.oip.OipCodec;
import org.kumiki.platform.api.secret.SecretFile;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code kumiki_remote} engine: a model folder whose config says
 * {@code "platform": "kumiki_remote", "parameters": {"url": "http://gpu-farm:8000", "model": "resnet"}}
 * is served by a remote OIP v2 server. Metadata comes from the remote server at load; each
 * execution is one binary-tensor POST. A bearer token comes from {@code parameters.token.file}
 * (private to the service's user) or {@code parameters.token}.
 */
@Component(service = InferenceEngine.class, configurationPid = RemoteEngine.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        property = InferenceEngine.PLATFORM + "=" + RemoteEngine.PLATFORM)
@Designate(ocd = RemoteEngine.Config.class)
public class RemoteEngine implements InferenceEngine {

    public static final String PID = "org.kumiki.inference.remote";
    public static final String PLATFORM = "kumiki_remote";

    @ObjectClassDefinition(name = "Kumiki remote OIP engine", description = "Forwards models of the kumiki_remote platform to remote OIP v2 servers")
    public @interface Config {
        @AttributeDefinition(name = "Connect timeout (ms)", min = "1")
        int connect_timeout_ms() default 10_000;

        @AttributeDefinition(name = "Request timeout (ms)", min = "1")
        int request_timeout_ms() default 60_000;
    }

    /** Made with the first request: building one sets up TLS, ~0.1 s of a container's start. */
    private HttpClient client;
    private final Config config;

    @Activate
    public RemoteEngine(Config config) {
        this.config = config;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(config.connect_timeout_ms())).version(HttpClient.Version.HTTP_1_1).build();
        }
        return client;
    }

    @Deactivate
    void deactivate() {
        // HttpClient has no close() on Java 17; its threads end when it is unreachable
    }

    @Override
    public LoadedModel load(String model, String version, Path versionDir, ModelConfigDTO mc) {
        Map<String, String> p = mc.parameters == null ? Map.of() : mc.parameters;
        String url = p.get("url");
        if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
            throw new InferenceException(Kind.UNAVAILABLE, "parameters.url must be the http(s) address of an OIP v2 server, got " + url);
        }
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        String remoteModel = p.getOrDefault("model", model);
        String remoteVersion = p.get("version");
        String base = url + "/v2/models/" + URLEncoder.encode(remoteModel, StandardCharsets.UTF_8)
                + (remoteVersion == null || remoteVersion.isEmpty() ? "" : "/versions/" + URLEncoder.encode(remoteVersion, StandardCharsets.UTF_8));
        String token = token(model, versionDir, p);
        Remote r = new Remote(url, base, token);
        JsonNode meta = r.metadata();
        return new RemoteModel(r, tensors(meta.get("inputs")), tensors(meta.get("outputs")), "remote " + url + " (" + remoteModel + ")");
    }

    /**
     * The bearer token for the remote server: {@code parameters.token}, or better
     * {@code parameters.token.file}, a file private to the service's user (mode 0600; a relative
     * path is in the model's folder). Refused in one line, without the token, otherwise.
     */
    static String token(String model, Path versionDir, Map<String, String> p) {
        String file = p.get("token.file");
        if (file != null && !file.isBlank() && versionDir != null && versionDir.getParent() != null) {
            file = versionDir.getParent().resolve(file.strip()).toString();
        }
        try {
            return SecretFile.choose("parameters.token", p.get("token"), "parameters.token.file", file);
        } catch (IllegalArgumentException e) {
            throw new InferenceException(Kind.UNAVAILABLE, "model '" + model + "': " + e.getMessage());
        }
    }

    private static List<TensorMetadataDTO> tensors(JsonNode list) {
        if (list == null || !list.isArray()) {
            throw new InferenceException(Kind.UNAVAILABLE, "the remote metadata has no inputs/outputs arrays");
        }
        List<TensorMetadataDTO> out = new ArrayList<>();
        for (JsonNode t : list) {
            TensorMetadataDTO d = new TensorMetadataDTO();
            d.name = t.path("name").asText();
            d.datatype = t.path("datatype").asText();
            JsonNode s = t.path("shape");
            d.shape = new long[s.size()];
            for (int i = 0; i < d.shape.length; i++) {
                d.shape[i] = s.get(i).asLong();
            }
            out.add(d);
        }
        return out;
    }

    /** One remote model's address. */
    final class Remote {
        final String url;
        final String base;
        final String token;

        Remote(String url, String base, String token) {
            this.url = url;
            this.base = base;
            this.token = token;
        }

        HttpRequest.Builder request(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMillis(config.request_timeout_ms()));
            if (token != null && !token.isEmpty()) {
                b.header("Authorization", "Bearer " + token);
            }
            return b;
        }

        JsonNode metadata() {
            HttpResponse<byte[]> r = send(request("").GET().build());
            if (r.statusCode() != 200) {
                throw new InferenceException(Kind.UNAVAILABLE, "remote " + base + " answered " + r.statusCode() + ": " + errorOf(r));
            }
            return OipCodec.parseJson(r.body(), 0, r.body().length);
        }

        HttpResponse<byte[]> send(HttpRequest req) {
            try {
                return client().send(req, HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InferenceException(Kind.UNAVAILABLE, "interrupted while calling " + url);
            } catch (Exception e) {
                throw new InferenceException(Kind.UNAVAILABLE, "remote OIP server " + url + " unreachable: " + e, e);
            }
        }
    }

    static String errorOf(HttpResponse<byte[]> r) {
        try {
            JsonNode n = OipCodec.parseJson(r.body(), 0, r.body().length);
            if (n.has("error")) {
                return n.get("error").asText();
            }
        } catch (IllegalArgumentException e) {
            // not JSON
        }
        String s = new String(r.body(), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return s.length() > 300 ? s.substring(0, 300) : s;
    }

    /** A model served remotely. */
    static final class RemoteModel implements LoadedModel {
        private final Remote remote;
        private final List<TensorMetadataDTO> inputs;
        private final List<TensorMetadataDTO> outputs;
        private final String provider;

        RemoteModel(Remote remote, List<TensorMetadataDTO> inputs, List<TensorMetadataDTO> outputs, String provider) {
            this.remote = remote;
            this.inputs = inputs;
            this.outputs = outputs;
            this.provider = provider;
        }

        @Override
        public List<TensorMetadataDTO> inputs() {
            return inputs;
        }

        @Override
        public List<TensorMetadataDTO> outputs() {
            return outputs;
        }

        @Override
        public String provider() {
            return provider;
        }

        @Override
        public Map<String, Tensor> execute(Map<String, Tensor> in, Set<String> wanted) {
            OipCodec.Body body = OipCodec.writeRequest(null, new ArrayList<>(in.values()), wanted, true);
            HttpRequest req = remote.request("/infer")
                    .header("Content-Type", "application/octet-stream")
                    .header(OipCodec.HEADER_LENGTH, Integer.toString(body.json.length))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.bytes())).build();
            HttpResponse<byte[]> r = remote.send(req);
            if (r.statusCode() != 200) {
                Kind kind = r.statusCode() == 400 ? Kind.INVALID_ARGUMENT : r.statusCode() == 404 ? Kind.UNAVAILABLE : Kind.INTERNAL;
                throw new InferenceException(kind, "remote " + remote.url + " answered " + r.statusCode() + ": " + errorOf(r));
            }
            int headerLength = r.headers().firstValue(OipCodec.HEADER_LENGTH).map(String::trim).map(Integer::parseInt).orElse(-1);
            Map<String, Tensor> out = new HashMap<>();
            try {
                for (Tensor t : OipCodec.parseResponse(r.body(), headerLength)) {
                    out.put(t.name(), t);
                }
            } catch (IllegalArgumentException e) {
                throw new InferenceException(Kind.INTERNAL, "remote " + remote.url + " sent an invalid response: " + e.getMessage());
            }
            return out;
        }

        @Override
        public void close() {
            // nothing held between requests
        }
    }
}
