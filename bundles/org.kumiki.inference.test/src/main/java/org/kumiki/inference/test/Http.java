package org.kumiki.inference.test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** A small HTTP client for the OIP endpoint of the framework under test. */
final class Http {

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    /** The endpoint Felix Jetty published (port chosen at start), e.g. http://127.0.0.1:41234 */
    static String base(BundleContext context) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            ServiceReference<?>[] refs = context.getAllServiceReferences("org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (refs != null) {
                for (ServiceReference<?> r : refs) {
                    Object ep = r.getProperty("osgi.http.endpoint");
                    String s = ep instanceof String[] ? ((String[]) ep)[0] : ep instanceof java.util.Collection ? String.valueOf(((java.util.Collection<?>) ep).iterator().next()) : (String) ep;
                    if (s != null && !s.contains(":0/")) {
                        s = s.replace("localhost", "127.0.0.1");
                        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
                    }
                }
            }
            Thread.sleep(50); // polling for the HTTP runtime to publish its port
        }
        throw new AssertionError("no HttpServiceRuntime with an endpoint");
    }

    static HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(String url, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(String url, String json, String... headers) throws Exception {
        String[] h = new String[headers.length + 2];
        h[0] = "Content-Type";
        h[1] = "application/json";
        System.arraycopy(headers, 0, h, 2, headers.length);
        return post(url, json.getBytes(java.nio.charset.StandardCharsets.UTF_8), h);
    }
}
