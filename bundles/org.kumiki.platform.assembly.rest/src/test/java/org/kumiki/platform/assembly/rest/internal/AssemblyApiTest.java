package org.kumiki.platform.assembly.rest.internal;

import org.kumiki.platform.repotest.TestRepo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.apache.felix.framework.Felix;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.assembly.AssemblyException;
import org.kumiki.platform.api.assembly.AssemblyException.Reason;
import org.kumiki.platform.assembly.internal.AssemblyImpl;
import org.kumiki.platform.internal.AccessControlComponent;
import org.kumiki.platform.internal.JournalFactoryComponent;
import org.kumiki.platform.rest.ApiException;
import org.kumiki.platform.rest.Json;
import org.kumiki.platform.resttest.RestClient;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * The real servlet on a real Jetty, over a real {@link AssemblyImpl} in a real Felix framework
 * (its Resolver service, its bundles) with the platform's real AccessControl and journal, driven
 * by the REST test client over HTTP. The site declares x86_64 without a GPU.
 */
class AssemblyApiTest {

    private static final String P = "/api/platform";

    @TempDir
    Path tmp;

    private Felix felix;
    private Server jetty;
    private JournalFactoryComponent journals;
    private RestClient viewer;
    private RestClient admin;
    private RestClient anonymous;
    private TestRepo repo;

    @BeforeEach
    void givenAContainerWithTheApi() throws Exception {
        Path home = tmp.resolve("home");
        Map<String, String> cfg = new HashMap<>();
        cfg.put(Constants.FRAMEWORK_STORAGE, tmp.resolve("felix-cache").toString());
        cfg.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        cfg.put(Constants.FRAMEWORK_SYSTEMCAPABILITIES_EXTRA, "kumiki.hardware;arch=x86_64;gpu.vendor=none;gpu.count:Long=0");
        cfg.put("felix.log.level", "0");
        felix = new Felix(new HashMap<>(cfg));
        felix.start();
        Installation inst = installation(home);
        journals = JournalFactoryComponent.withInterval(20);
        AssemblyImpl assembly = new AssemblyImpl(felix.getBundleContext(), inst, journals);
        AccessControlComponent access = new AccessControlComponent(inst, felix.getBundleContext());
        Path accessDir = inst.stateDirectory("access");
        Files.setPosixFilePermissions(accessDir, PosixFilePermissions.fromString("rwx------"));
        RestClient.writeTokens(accessDir, new String[] {"vic", "viewer", "viewer-token-1"}, new String[] {"ada", "admin", "admin-token-1"});

        AssemblyApi api = new AssemblyApi(assembly, access);
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ServletHolder holder = new ServletHolder(api);
        for (String pattern : new String[] {AssemblyApi.REPOSITORIES, AssemblyApi.FEATURES, AssemblyApi.DEPLOYMENTS}) { // as in the whiteboard pattern
            ctx.addServlet(holder, pattern);
        }
        jetty.setHandler(ctx);
        jetty.start();
        String base = "http://127.0.0.1:" + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        viewer = new RestClient(base, "viewer-token-1");
        admin = new RestClient(base, "admin-token-1");
        anonymous = new RestClient(base, null);

        repo = new TestRepo(tmp.resolve("repo"));
        repo.bundle("test.api", "1.0.0", List.of("test.api"), List.of(), null);
        repo.bundle("test.impl", "1.0.0", List.of(), List.of("test.api;version=\"[1.0,2)\""), null);
        repo.bundle("test.cuda", "1.0.0", List.of(), List.of("test.api"), "(gpu.vendor=nvidia)");
        repo.feature("duo", "1.0.0", "the API and its implementation", List.of("test.impl"), null);
        repo.feature("inference-cuda", "1.0.0", "CUDA", List.of("test.cuda"), "(gpu.vendor=nvidia)");
        repo.write(); // the repository is named "test"
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) jetty.stop();
        if (felix != null) {
            felix.stop();
            felix.waitForStop(60_000);
        }
    }

    private static Installation installation(Path home) {
        return new Installation() {
            @Override public Path home() { return home; }
            @Override public Path stateRoot() { return home.resolve("state"); }
            @Override public Path stateDirectory(String domain) { return mkdirs(stateRoot().resolve(domain)); }
            @Override public Path logDirectory() { return mkdirs(home.resolve("log")); }
            @Override public Path deployDirectory() { return mkdirs(home.resolve("deploy")); }
        };
    }

    private static Path mkdirs(Path p) {
        try {
            return Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String json(Object o) throws Exception {
        return Json.mapper().writeValueAsString(o);
    }

    private String addRepo() throws Exception {
        RestClient.Answer a = admin.post(P + "/repositories", json(Map.of("location", repo.root().toString())));
        JsonNode r = a.json(201);
        assertEquals("test", r.path("name").asText());
        assertEquals(3, r.path("bundles").asInt());
        assertEquals(2, r.path("features").asInt());
        return a.header("Location");
    }

    private List<String> frameworkBundles() {
        List<String> out = new ArrayList<>();
        for (Bundle b : felix.getBundleContext().getBundles()) {
            if (b.getBundleId() != 0) out.add(b.getSymbolicName() + " " + (b.getState() == Bundle.ACTIVE ? "ACTIVE" : String.valueOf(b.getState())));
        }
        out.sort(null);
        return out;
    }

    private static List<String> names(JsonNode refs) {
        List<String> out = new ArrayList<>();
        refs.forEach(r -> out.add(r.path("symbolicName").asText() + " " + r.path("version").asText()));
        return out;
    }

    @Test
    void installDryRunThenApplyThenRollBack() throws Exception {
        assertEquals(0, viewer.get(P + "/repositories").json(200).size());
        assertEquals(0, viewer.get(P + "/features").json(200).size(), "no repository: no features, not an error");
        assertEquals(P + "/repositories/1", addRepo());
        JsonNode repos = viewer.get(P + "/repositories").json(200);
        assertEquals(repo.root().resolve("index.xml").toUri().toString(), repos.get(0).path("location").asText());
        List<String> features = new ArrayList<>();
        viewer.get(P + "/features").json(200).forEach(f -> features.add(f.path("name").asText()));
        assertEquals(List.of("duo", "inference-cuda"), features);

        JsonNode dry = admin.post(P + "/deployments", "{\"install\": [\"duo\"], \"dryRun\": true}").json(200);
        assertEquals(List.of("test.api 1.0.0", "test.impl 1.0.0"), names(dry.path("install")));
        assertFalse(dry.path("applied").asBoolean());
        assertEquals(-1, dry.path("deployment").asInt());
        assertEquals(List.of(), frameworkBundles(), "a dry run installs nothing");

        RestClient.Answer applied = admin.post(P + "/deployments", "{\"install\": [\"duo\"]}");
        JsonNode plan = applied.json(201);
        assertTrue(plan.path("applied").asBoolean());
        assertEquals(1, plan.path("deployment").asInt());
        assertEquals(P + "/deployments/1", applied.header("Location"));
        assertEquals(List.of("test.api ACTIVE", "test.impl ACTIVE"), frameworkBundles());

        JsonNode again = admin.post(P + "/deployments", "{\"install\": [\"duo\"]}").json(200);
        assertFalse(again.path("applied").asBoolean(), "already installed: nothing to do, no new deployment");

        JsonNode one = viewer.get(P + "/deployments/1").json(200);
        assertEquals("install", one.path("action").asText());
        assertEquals(List.of("test.api 1.0.0", "test.impl 1.0.0"), names(one.path("bundles")));
        assertEquals(64, one.path("bundles").get(0).path("sha256").asText().length());
        JsonNode list = viewer.get(P + "/deployments").json(200);
        assertEquals(2, list.path("items").size());
        JsonNode page = viewer.get(P + "/deployments?limit=1").json(200);
        assertEquals("0", page.path("next").asText());

        JsonNode dryBack = admin.post(P + "/deployments/0/rollback?dryRun=true", null).json(200);
        assertEquals(List.of("test.api 1.0.0", "test.impl 1.0.0"), names(dryBack.path("uninstall")).stream().sorted().toList());
        assertEquals(List.of("test.api ACTIVE", "test.impl ACTIVE"), frameworkBundles());
        RestClient.Answer back = admin.post(P + "/deployments/0/rollback", null);
        back.json(201);
        assertEquals(P + "/deployments/2", back.header("Location"));
        assertEquals(List.of(), frameworkBundles());
        assertEquals("rollback", viewer.get(P + "/deployments/2").json(200).path("action").asText());

        JsonNode removed = admin.call("DELETE", P + "/repositories/1", null).json(200);
        assertEquals("test", removed.path("name").asText());
        admin.call("DELETE", P + "/repositories/1", null).error(404, "no repository 1: none is added");
        admin.call("DELETE", P + "/repositories/test", null).error(404, "no repository named \"test\"");
    }

    @Test
    void uninstallRemovesWhatInstallAddedAndRefusesTheRest() throws Exception {
        addRepo();
        admin.post(P + "/deployments", "{\"install\": [\"duo\"]}").json(201);
        admin.post(P + "/deployments", "{\"uninstall\": [\"test.api\"]}").error(409, "refused: ");
        admin.post(P + "/deployments", "{\"uninstall\": [\"nothere\"]}").error(409, "'nothere' is not installed");
        RestClient.Answer a = admin.post(P + "/deployments", "{\"uninstall\": [\"duo\"]}");
        assertEquals(P + "/deployments/2", a.header("Location"));
        assertEquals(List.of("test.api 1.0.0", "test.impl 1.0.0"), names(a.json(201).path("uninstall")).stream().sorted().toList());
        assertEquals(List.of(), frameworkBundles());
    }

    @Test
    void rolesAreCheckedBeforeAnythingIsDone() throws Exception {
        anonymous.get(P + "/repositories").error(401, "a bearer token is required");
        new RestClient(admin.base, "wrong").get(P + "/features").error(401, "not valid");
        viewer.post(P + "/repositories", json(Map.of("location", repo.root().toString()))).error(403, "admin");
        assertEquals(0, viewer.get(P + "/repositories").json(200).size());
        addRepo();
        viewer.post(P + "/deployments", "{\"install\": [\"duo\"]}").error(403, "needs the admin role");
        viewer.post(P + "/deployments/0/rollback", null).error(403, "admin");
        viewer.call("DELETE", P + "/repositories/1", null).error(403, "admin");
        assertEquals(List.of(), frameworkBundles(), "a viewer installs nothing");
        assertEquals(1, viewer.get(P + "/deployments").json(200).path("items").size());
    }

    @Test
    void hardwareTheSiteLacksIsA422NamingIt() throws Exception {
        addRepo();
        String m = admin.post(P + "/deployments", "{\"install\": [\"inference-cuda\"]}").error(422, "needs kumiki.hardware (gpu.vendor=nvidia)");
        assertTrue(m.contains("this site has gpu.vendor=none"), m);
        admin.post(P + "/deployments", "{\"install\": [\"nope\"]}").error(422, "unknown feature or bundle 'nope'");
        admin.post(P + "/deployments", "{\"install\": [\"test.api;version=[3,4)\"]}").error(422, "no version in [3.0.0,4.0.0)");
        admin.post(P + "/deployments", "{\"install\": [\"../etc/passwd\"]}").error(400, "is not a feature or bundle name");
        admin.post(P + "/deployments", "{\"install\": [\"x;version=[1.0,oops)\"]}").error(400, "does not parse");
        assertEquals(List.of(), frameworkBundles());
    }

    @Test
    void aTamperedJarIsRefusedAndNothingInstalled() throws Exception {
        addRepo();
        Files.write(repo.root().resolve("bundles/test.impl-1.0.0.jar"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        String m = admin.post(P + "/deployments", "{\"install\": [\"duo\"]}").error(422, "SHA-256 mismatch");
        assertTrue(m.startsWith("refused, nothing installed: test.impl 1.0.0"), m);
        assertEquals(List.of(), frameworkBundles());
        assertEquals(1, viewer.get(P + "/deployments").json(200).path("items").size(), "no deployment recorded");
    }

    @Test
    void repositoryLocationsThatCannotBeUsedAreOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } // closed: nothing listens there now
        admin.post(P + "/repositories", json(Map.of("location", "http://127.0.0.1:" + port + "/repo/"))).error(502, "refused the connection");
        admin.post(P + "/repositories", json(Map.of("location", "../../../etc"))).error(400, "climbs with '..'");
        admin.post(P + "/repositories", json(Map.of("location", repo.root() + "/%2e%2e/%2E%2E/etc"))).error(400, "climbs with '..'");
        admin.post(P + "/repositories", json(Map.of("location", "file:///tmp/../etc/"))).error(400, "climbs");
        admin.post(P + "/repositories", json(Map.of("location", "ftp://h/r"))).error(400, "only file, http and https");
        admin.post(P + "/repositories", json(Map.of("location", "a\u001b[2Jb"))).error(400, "control characters");
        admin.post(P + "/repositories", json(Map.of("location", " "))).error(400, "location: give");
        admin.post(P + "/repositories", json(Map.of("location", "x".repeat(3000)))).error(400, "at most 2048");
        Path notAnIndex = Files.writeString(tmp.resolve("passwd"), "root:x:0:0:secret-line:/root:/bin/sh\n");
        String m = admin.post(P + "/repositories", json(Map.of("location", notAnIndex.toString()))).error(422, "");
        assertFalse(m.contains("secret-line"), "the file's content is not echoed: " + m);
        addRepo();
        admin.post(P + "/repositories", json(Map.of("location", repo.root().toString()))).error(409, "is already added");
        assertEquals(1, viewer.get(P + "/repositories").json(200).size());
    }

    @Test
    void malformedHostileAndOversizedBodiesAreRefused() throws Exception {
        admin.post(P + "/deployments", "{\"install\": [\"duo\"").error(400, "line 1");
        admin.post(P + "/deployments", "{\"install\": \"duo\"}").error(400, "body:");
        admin.post(P + "/deployments", "{\"instal\": [\"duo\"]}").error(400, "unknown property \"instal\"");
        admin.post(P + "/deployments", "").error(400, "needs a JSON body");
        admin.post(P + "/deployments", "null").error(400, "not null");
        admin.post(P + "/deployments", "{}").error(400, "give 'install' or 'uninstall'");
        admin.post(P + "/deployments", "{\"install\": [\"duo\"], \"uninstall\": [\"duo\"]}").error(400, "not both");
        admin.post(P + "/deployments", "{\"install\": [null]}").error(400, "install[0]: is empty");
        admin.post(P + "/deployments", "{\"install\": [\"duo\"], \"force\": true}").error(400, "force");
        admin.post(P + "/deployments", json(Map.of("install", List.of("a".repeat(600))))).error(400, "install[0]: 600 characters");
        admin.post(P + "/deployments", json(Map.of("install", java.util.Collections.nCopies(101, "duo")))).error(400, "at most 100");
        admin.post(P + "/deployments", "{\"install\": [\"" + "a".repeat(70_000) + "\"]}").error(413, "at most " + AssemblyApi.MAX_BODY);
        admin.post(P + "/deployments", "install=duo", "Content-Type", "application/x-www-form-urlencoded").error(415, "send application/json");
        admin.post(P + "/deployments", "{\"install\": [\"duo\"]}").error(409, "no repository: add one");
        viewer.get(P + "/deployments/99").error(404, "no deployment 99: deployments are 0 to 0");
        viewer.get(P + "/deployments/-1").error(404, "no deployment \"-1\"");
        int encoded = viewer.get(P + "/deployments/..%2F..%2Fetc").status(); // Jetty itself refuses an encoded separator
        assertTrue(encoded == 400 || encoded == 404, "status " + encoded);
        viewer.get(P + "/deployments/%2e%2e%2e").error(404, "no deployment \"...\"");
        viewer.get(P + "/deployments/99999999999999").error(404, "no deployment");
        admin.post(P + "/deployments/7/rollback", null).error(404, "no deployment 7");
        admin.call("PUT", P + "/deployments", "{}").error(405, "allowed: GET, POST");
        viewer.get(P + "/repositories/1/x").error(404, "no such endpoint");
        viewer.get(P + "/deployments?limit=0").error(400, "limit");
        assertEquals(List.of(), frameworkBundles());
    }

    @Test
    void theRoutesAreInTheOpenApiDocumentBelowThePlatform() throws Exception {
        AssemblyApi api = new AssemblyApi(null, null);
        ObjectNode paths = Json.mapper().createObjectNode();
        api.describe(paths, Json.mapper().createObjectNode());
        List<String> got = new ArrayList<>();
        paths.fieldNames().forEachRemaining(got::add);
        assertEquals(List.of(P + "/repositories", P + "/repositories/{id}", P + "/features", P + "/deployments", P + "/deployments/{n}",
                P + "/deployments/{n}/rollback"), got);
        assertNull(paths.path(P + "/repositories").get("put"));
    }

    @Test
    void assemblyRefusalsMapToStatusesByTheirReason() {
        // the statuses the refusals had when they were matched by text, now from their reason
        assertEquals(502, statusOf(Reason.UNREACHABLE, "repository http://h/index.xml is unreachable: h refused the connection"));
        assertEquals(422, statusOf(Reason.TAMPERED, "refused, nothing installed: a 1.0.0: SHA-256 mismatch: x has y"));
        assertEquals(422, statusOf(Reason.HARDWARE_UNMET, "inference-cuda needs kumiki.hardware (gpu.vendor=nvidia); this site has gpu.vendor=none"));
        assertEquals(422, statusOf(Reason.UNRESOLVABLE, "unknown feature or bundle 'nope' (kumiki:features lists the features)"));
        assertEquals(400, statusOf(Reason.BAD_INPUT, "request 'x;version=[1,oops)': version range '[1,oops)' does not parse"));
        assertEquals(404, statusOf(Reason.NOT_FOUND, "no deployment 9: deployments are 0 to 2"));
        assertEquals(409, statusOf(Reason.CONFLICT, "cannot roll back to 1: the jar of a 1.0.0 is not in the cache"));
        assertEquals(503, statusOf(Reason.UNAVAILABLE, "cannot write the assembly journal: disk full"));
        // a message that the old text rules sent elsewhere gets the status of its reason
        assertEquals(400, statusOf(Reason.BAD_INPUT, "repository URL 'http://h/ is unreachable' does not parse"));
        assertEquals(409, statusOf(Reason.CONFLICT, "no deployment 3 can be rolled back while the assembly journal is busy"));
        assertEquals(502, statusOf(Reason.UNREACHABLE, "refused, nothing installed: a 1.0.0: h:80 refused the connection"));
        assertEquals(422, statusOf(Reason.UNRESOLVABLE, "refused: a reworded message"));
        // the old constructors keep meaning "cannot be resolved"
        assertEquals(Reason.UNRESOLVABLE, new AssemblyException("no deployment 1").reason());
        // every reason has a status, and the message passes through unchanged
        for (Reason r : Reason.values()) {
            ApiException e = assertThrows(ApiException.class, () -> AssemblyApi.call(() -> {
                throw new AssemblyException(r, "one line");
            }));
            assertEquals(AssemblyApi.status(r), e.status(), r.name());
            assertEquals("one line", e.getMessage());
        }
        assertTrue(AssemblyApi.climbs("a\\..\\b"));
        assertFalse(AssemblyApi.climbs("/srv/repo..old/x"));
    }

    private static int statusOf(Reason reason, String message) {
        return assertThrows(ApiException.class, () -> AssemblyApi.call(() -> {
            throw new AssemblyException(reason, message);
        })).status();
    }
}
