package org.kumiki.inference.remote.internal;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.kumiki.inference.api.spi.InferenceEngine;
import org.kumiki.inference.http.internal.OipServlet;
import org.kumiki.inference.internal.ModelManager;
import org.kumiki.inference.onnx.internal.OnnxEngine;

/**
 * A second process serving OIP v2: Kumiki's model manager, ONNX engine and OIP servlet on a plain
 * Jetty, without OSGi. Prints "PORT n" when serving; stops when its standard input closes.
 * Arguments: repository folder, then an optional bearer token.
 */
public final class OipServerMain {

    public static void main(String[] args) throws Exception {
        Path repo = Paths.get(args[0]);
        String token = args.length > 1 ? args[1] : "";
        ModelManager models = new ModelManager(repo, 4, false);
        OnnxEngine engine = new OnnxEngine(config(OnnxEngine.Config.class, Map.of()));
        models.addEngine(engine, Map.of(InferenceEngine.PLATFORM, OnnxEngine.PLATFORM));
        try (Stream<Path> s = Files.list(repo)) {
            s.filter(Files::isDirectory).forEach(d -> models.load(d.getFileName().toString()));
        }
        OipServlet servlet = new OipServlet(models, models, config(OipServlet.Config.class, Map.of("bearer_token", token)));
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.addServlet(new ServletHolder(servlet), "/v2/*");
        ctx.addServlet(new ServletHolder(servlet), "/metrics");
        server.setHandler(ctx);
        server.start();
        System.out.println("PORT " + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the parent closes our standard input
        }
        server.stop();
        models.deactivate();
        System.exit(0);
    }

    /** An annotation-typed configuration with its defaults, some overridden by method name. */
    @SuppressWarnings("unchecked")
    static <A extends Annotation> A config(Class<A> type, Map<String, Object> values) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (values.containsKey(m.getName())) {
                return values.get(m.getName());
            }
            if (m.getDefaultValue() != null) {
                return m.getDefaultValue();
            }
            if (m.getName().equals("annotationType")) {
                return type;
            }
            if (m.getName().equals("hashCode")) {
                return 0;
            }
            if (m.getName().equals("equals")) {
                return p == a[0];
            }
            return type.getSimpleName();
        });
    }
}
