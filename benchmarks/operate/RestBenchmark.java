import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.jar.JarFile;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * REST task submission over keep-alive against the Scheduler service called directly, in one run:
 * the workstation distribution's bundles (from its exported jar, with its run properties) are
 * started in an embedded Felix framework in this JVM; the same spec (a `true` command waiting on a
 * held task, so it is recorded BLOCKED and spawns no process) is submitted N times in process
 * (Scheduler.submit from T threads) and N times over HTTP (POST /api/scheduler/tasks from T raw
 * keep-alive socket connections, one thread each, each request read to its end), in alternating
 * rounds. Prints both rates per round, the medians and the ratio.
 *
 * Usage: java -cp FELIX_FRAMEWORK_JAR RestBenchmark.java WORKSTATION_JAR WORKDIR [N] [T] [ROUNDS]
 */
public class RestBenchmark {

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        Path work = Path.of(args[1]);
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 32;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 3;

        // the distribution's bundles and run properties, as its launcher would use them
        Path bundles = Files.createDirectories(work.resolve("jar"));
        Properties launch = new Properties();
        try (JarFile jf = new JarFile(jar.toFile())) {
            launch.load(jf.getInputStream(jf.getEntry("launcher.properties")));
            for (String b : launch.getProperty("launch.bundles").split(",")) {
                try (InputStream in = jf.getInputStream(jf.getEntry(b))) {
                    Files.copy(in, work.resolve(b), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        String token = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(("bench" + System.nanoTime()).getBytes(StandardCharsets.UTF_8)));
        Path access = Files.createDirectories(work.resolve("state/access"));
        Path tokens = access.resolve("tokens");
        Files.deleteIfExists(tokens);
        Files.createFile(tokens, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tokens, "bench operator sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8))) + "\n");

        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> props = new HashMap<>();
        for (String k : launch.stringPropertyNames()) {
            if (!k.startsWith("launch.")) {
                props.put(k, launch.getProperty(k));
            }
        }
        props.put("org.osgi.service.http.port", String.valueOf(port));
        props.put("org.osgi.framework.storage", work.resolve("felix-cache").toString());
        props.put("org.osgi.framework.storage.clean", "onFirstInit");
        props.put("gosh.args", "--nointeractive");
        props.put("org.osgi.framework.startlevel.beginning", launch.getProperty("org.osgi.framework.startlevel.beginning", "102"));
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(props);
        fw.init();
        BundleContext ctx = fw.getBundleContext();
        Map<String, Integer> levels = new HashMap<>();
        for (String attr : launch.getProperty("launch.runbundles.attrs", "").split(",(?=[A-Za-z])")) {
            String[] p = attr.split(";");
            for (String a : p) {
                if (a.startsWith("startlevel=")) {
                    levels.put(p[0], Integer.parseInt(a.substring(11)));
                }
            }
        }
        List<Bundle> installed = new ArrayList<>();
        for (String b : launch.getProperty("launch.bundles").split(",")) {
            Bundle bundle = ctx.installBundle(work.resolve(b).toUri().toString());
            Integer level = levels.get(bundle.getSymbolicName());
            if (level != null) {
                bundle.adapt(BundleStartLevel.class).setStartLevel(level);
            }
            installed.add(bundle);
        }
        for (Bundle b : installed) {
            if (b.getHeaders().get(Constants.FRAGMENT_HOST) == null && !"org.apache.felix.gogo.shell".equals(b.getSymbolicName())) {
                b.start();
            }
        }
        fw.start();
        try {
            run(ctx, port, token, n, threads, rounds);
        } finally {
            fw.stop();
            fw.waitForStop(30_000);
        }
    }

    static Object service(BundleContext ctx, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            ServiceReference<?> r = ctx.getServiceReference(name);
            if (r != null) {
                return ctx.getService(r);
            }
            Thread.sleep(50); // polling for the service to come up
        }
        throw new IllegalStateException("no " + name + " service after 60 s");
    }

    static void run(BundleContext ctx, int port, String token, int n, int threads, int rounds) throws Exception {
        Object scheduler = service(ctx, "org.kumiki.scheduler.api.Scheduler");
        ClassLoader api = scheduler.getClass().getClassLoader();
        Class<?> specType = api.loadClass("org.kumiki.scheduler.api.dto.TaskSpec");
        Class<?> depType = api.loadClass("org.kumiki.scheduler.api.dto.DependencyDTO");
        Class<?> typeEnum = api.loadClass("org.kumiki.scheduler.api.DependencyType");
        Method submit = Arrays.stream(scheduler.getClass().getMethods()).filter(m -> m.getName().equals("submit") && m.getParameterCount() == 1).findFirst().orElseThrow();
        submit.setAccessible(true);
        Method command = specType.getMethod("command", String.class, String[].class);
        Method dep = depType.getMethod("of", String.class, typeEnum);
        Object afterOk = typeEnum.getField("AFTER_OK").get(null);

        // the task every benchmark task waits on: they stay BLOCKED, no process is spawned
        Object hold = command.invoke(null, "hold", new String[] {"sleep", "3600"});
        Object held = submit.invoke(scheduler, hold);
        String holdId = (String) held.getClass().getField("id").get(held);
        java.lang.reflect.Field deps = specType.getField("dependencies");

        byte[] body = ("{\"name\": \"b\", \"command\": [\"true\"], \"dependencies\": [{\"taskId\": \"" + holdId + "\"}]}").getBytes(StandardCharsets.UTF_8);
        byte[] request = ("POST /api/scheduler/tasks HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] whole = new byte[request.length + body.length];
        System.arraycopy(request, 0, whole, 0, request.length);
        System.arraycopy(body, 0, whole, request.length, body.length);
        awaitHttp(port, token);

        System.out.printf("spec: a `true` command waiting (AFTER_OK) on %s; %d submissions per round from %d threads/connections%n", holdId, n, threads);
        Task inProcess = () -> {
            Object spec = command.invoke(null, "b", new String[] {"true"});
            @SuppressWarnings("unchecked")
            List<Object> l = (List<Object>) deps.get(spec);
            l.add(dep.invoke(null, holdId, afterOk));
            submit.invoke(scheduler, spec);
        };
        // warm-up: the JIT, Jetty's pools, Jackson's mapper
        rate(Math.min(n, 5000), threads, () -> inProcess);
        rate(Math.min(n, 5000), threads, () -> restClient(port, whole));
        List<Double> direct = new ArrayList<>();
        List<Double> rest = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            double d = rate(n, threads, () -> inProcess);
            double h = rate(n, threads, () -> restClient(port, whole));
            direct.add(d);
            rest.add(h);
            System.out.printf("round %d: in process %,.0f submissions/s, REST %,.0f submissions/s%n", r, d, h);
        }
        double md = median(direct);
        double mr = median(rest);
        System.out.printf("median: Scheduler.submit in process %,.0f/s, POST /api/scheduler/tasks over keep-alive %,.0f/s, REST/in-process %.2f (target: REST >= 5,000/s: %s)%n",
                md, mr, mr / md, mr >= 5000 ? "met" : "NOT met");
        Object cancel = Arrays.stream(scheduler.getClass().getMethods()).filter(m -> m.getName().equals("cancel")).findFirst().orElseThrow()
                .invoke(scheduler, holdId);
        System.out.println("cancelled the held task (and its dependents): " + cancel);
    }

    interface Task {
        void run() throws Exception;
    }

    interface Factory {
        Task make() throws Exception;
    }

    static double rate(int n, int threads, Factory factory) throws Exception {
        AtomicInteger left = new AtomicInteger(n);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    Task task = factory.make();
                    ready.countDown();
                    go.await();
                    while (left.getAndDecrement() > 0) {
                        task.run();
                    }
                    if (task instanceof AutoCloseable c) {
                        c.close();
                    }
                } catch (Throwable e) {
                    failed.compareAndSet(null, e);
                    ready.countDown();
                }
            });
            t.start();
            ts.add(t);
        }
        ready.await();
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        long t1 = System.nanoTime();
        if (failed.get() != null) {
            throw new IllegalStateException("a submission failed: " + failed.get(), failed.get());
        }
        return n / ((t1 - t0) / 1e9);
    }

    /** One keep-alive connection: each run() sends the request and reads the whole answer, which must be a 201. */
    static Task restClient(int port, byte[] request) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setTcpNoDelay(true);
        OutputStream out = s.getOutputStream();
        InputStream in = new BufferedInputStream(s.getInputStream(), 16384);
        class Client implements Task, AutoCloseable {
            @Override
            public void run() throws Exception {
                out.write(request);
                out.flush();
                String status = line(in);
                int length = -1;
                for (String h; !(h = line(in)).isEmpty();) {
                    if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(h.substring(15).trim());
                    }
                }
                if (length < 0) {
                    throw new IOException("no Content-Length in the answer: " + status);
                }
                byte[] b = in.readNBytes(length);
                if (!status.startsWith("HTTP/1.1 201")) {
                    throw new IOException(status + " " + new String(b, StandardCharsets.UTF_8));
                }
            }

            @Override
            public void close() throws IOException {
                s.close();
            }
        }
        return new Client();
    }

    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int c; (c = in.read()) != '\n';) {
            if (c < 0) {
                throw new IOException("the server closed the connection");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    static void awaitHttp(int port, String token) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        byte[] get = ("GET /api/scheduler/backends HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write(get);
                String status = line(s.getInputStream());
                if (status.startsWith("HTTP/1.1 200")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100); // polling for the REST API to come up
        }
        throw new IllegalStateException("the REST API did not answer in 60 s on port " + port);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }
}
