package org.kumiki.data.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

import org.kumiki.data.api.dto.EntryDTO;
import org.kumiki.data.api.spi.Endpoint;
import org.kumiki.data.api.spi.ReadHandle;
import org.kumiki.data.api.spi.SourceChangedException;
import org.kumiki.data.api.spi.WriteHandle;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * {@code http://} and {@code https://} URIs as sources. Sizes and versions come from a HEAD
 * request (Content-Length, ETag, Last-Modified); each chunk is a GET with a Range header and
 * {@code If-Match} on the ETag, and a reply that is not the asked range of the same version
 * (412, a 200 for a partial range, another ETag) fails as a changed source.
 */
@Component(property = {Endpoint.SCHEME + "=http", Endpoint.SCHEME + "=https"}, configurationPid = HttpEndpoint.PID)
@Designate(ocd = HttpEndpoint.Config.class)
public class HttpEndpoint implements Endpoint {

    public static final String PID = "org.kumiki.data.http";

    @ObjectClassDefinition(name = "Kumiki HTTP endpoint", description = "http and https sources")
    public @interface Config {
        @AttributeDefinition(name = "Connect timeout (s)", min = "1")
        int connect_timeout_s() default 30;

        @AttributeDefinition(name = "Request timeout (s)", description = "Until the response headers arrive", min = "1")
        int request_timeout_s() default 120;
    }

    private final Duration connectTimeout;
    private final Duration requestTimeout;
    /** Made with the first request: building one sets up TLS, ~0.1 s of a container's start. */
    private HttpClient client;

    @Activate
    public HttpEndpoint(Config c) {
        this(Duration.ofSeconds(Math.max(1, c.connect_timeout_s())), Duration.ofSeconds(Math.max(1, c.request_timeout_s())));
    }

    public HttpEndpoint(Duration connectTimeout, Duration requestTimeout) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NORMAL)
                    .version(HttpClient.Version.HTTP_1_1).build();
        }
        return client;
    }

    @Override
    public String description() {
        return "HTTP and HTTPS sources (Range requests, ETag/Last-Modified checks)";
    }

    @Override
    public boolean writable() {
        return false;
    }

    static String shown(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + u.getRawPath();
    }

    private <T> HttpResponse<T> send(HttpRequest r, HttpResponse.BodyHandler<T> h) throws IOException {
        try {
            return client().send(r, h);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept-Encoding", "identity");
    }

    static IOException status(URI uri, int code) {
        if (code == 401 || code == 403) return new AccessDeniedException(shown(uri), null, "HTTP " + code);
        if (code == 404 || code == 410) return new java.nio.file.NoSuchFileException(shown(uri));
        return new IOException("HTTP " + code + " from " + shown(uri));
    }

    @Override
    public EntryDTO stat(URI uri) throws IOException {
        HttpResponse<Void> r = send(request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 404 || r.statusCode() == 410) return null;
        if (r.statusCode() / 100 != 2) throw status(uri, r.statusCode());
        HttpHeaders h = r.headers();
        EntryDTO e = new EntryDTO();
        String p = uri.getPath();
        String x = p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
        e.name = x.substring(x.lastIndexOf('/') + 1);
        e.uri = uri.toString();
        e.type = EntryDTO.FILE;
        e.size = h.firstValueAsLong("Content-Length").orElse(-1);
        if (e.size < 0) throw new IOException(shown(uri) + " has no Content-Length: its size is unknown");
        e.modified = lastModified(h);
        e.version = version(h);
        return e;
    }

    static long lastModified(HttpHeaders h) {
        Optional<String> lm = h.firstValue("Last-Modified");
        if (lm.isEmpty()) return 0;
        try {
            return ZonedDateTime.parse(lm.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The strong ETag, else the Last-Modified value, else null. */
    static String version(HttpHeaders h) {
        Optional<String> et = h.firstValue("ETag");
        if (et.isPresent() && !et.get().startsWith("W/")) return et.get();
        return h.firstValue("Last-Modified").orElse(null);
    }

    @Override
    public List<EntryDTO> list(URI folder) throws IOException {
        throw new IOException("HTTP cannot list folders: name the files (" + shown(folder) + ")");
    }

    @Override
    public ReadHandle openRead(URI uri, EntryDTO expected) throws IOException {
        String version = expected == null ? null : expected.version;
        return new ReadHandle() {
            @Override
            public ReadableByteChannel range(long offset, long length) throws IOException {
                boolean whole = offset == 0 && (length == Long.MAX_VALUE || expected != null && length >= expected.size);
                HttpRequest.Builder b = request(uri).GET();
                if (!whole) {
                    long last = length == Long.MAX_VALUE ? -1 : offset + length - 1;
                    b.header("Range", "bytes=" + offset + "-" + (last < 0 ? "" : Long.toString(last)));
                }
                if (version != null && version.startsWith("\"")) b.header("If-Match", version);
                HttpResponse<InputStream> r = send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
                int code = r.statusCode();
                if (code == 412) {
                    r.body().close();
                    throw new SourceChangedException(shown(uri) + " changed during the transfer (ETag no longer " + version + ")");
                }
                if (code / 100 != 2 || (!whole && code != 206)) {
                    r.body().close();
                    if (code == 200) throw new SourceChangedException(shown(uri) + ": the server ignored the Range request (resource changed or ranges unsupported)");
                    throw status(uri, code);
                }
                String now = version(r.headers());
                if (version != null && now != null && !version.equals(now)) {
                    r.body().close();
                    throw new SourceChangedException(shown(uri) + " changed during the transfer (version " + version + " -> " + now + ")");
                }
                InputStream in = r.body();
                return new ReadableByteChannel() {
                    long left = length;
                    boolean open = true;
                    final byte[] buf = new byte[64 << 10];

                    @Override
                    public int read(ByteBuffer dst) throws IOException {
                        if (left <= 0) return -1;
                        int n = in.read(buf, 0, (int) Math.min(Math.min(buf.length, dst.remaining()), left));
                        if (n < 0) return -1;
                        dst.put(buf, 0, n);
                        left -= n;
                        return n;
                    }

                    @Override
                    public boolean isOpen() {
                        return open;
                    }

                    @Override
                    public void close() throws IOException {
                        open = false;
                        in.close();
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }

    private static IOException readOnly(URI u) {
        return new IOException("HTTP endpoints are sources only: cannot write " + shown(u));
    }

    @Override
    public WriteHandle openWrite(URI uri) throws IOException {
        throw readOnly(uri);
    }

    @Override
    public void mkdirs(URI folder) throws IOException {
        throw readOnly(folder);
    }

    @Override
    public void rename(URI from, URI to) throws IOException {
        throw readOnly(to);
    }

    @Override
    public void delete(URI uri) throws IOException {
        throw readOnly(uri);
    }
}
