package org.kumiki.platform.metrics.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.kumiki.inference.test.TestModels;
import org.kumiki.lab.api.Plans;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.platform.api.Installation;
import org.kumiki.quantum.api.QasmCodec;
import org.kumiki.quantum.api.Sampler;
import org.kumiki.quantum.api.dto.SamplerPub;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.simulation.api.RunState;
import org.kumiki.simulation.api.SimulationService;
import org.kumiki.simulation.api.dto.RunDTO;
import org.kumiki.simulation.api.dto.SimulationSpec;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * {@code /metrics} scraped over real HTTP (Felix Jetty) after real work in every domain, checked
 * for each domain's families and plausible values, and by {@code promtool check metrics}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {

    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    static final String COLLECTOR = "org.kumiki.platform.metrics.internal.SchedulerCollector";

    @InjectBundleContext
    BundleContext context;

    @Test
    @Order(1)
    void nothingIsBuiltBeforeTheFirstScrape(@InjectService ServiceComponentRuntime scr, @InjectService Scheduler scheduler) throws Exception {
        base(); // the servlet is registered with the HTTP runtime ...
        assertEquals(ComponentConfigurationDTO.SATISFIED, collectorState(scr), "... but the collectors wait for a scrape");
        assertEquals(200, get("/metrics").statusCode());
        assertEquals(ComponentConfigurationDTO.ACTIVE, collectorState(scr));
    }

    int collectorState(ServiceComponentRuntime scr) {
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.name.equals(COLLECTOR)) {
                Collection<ComponentConfigurationDTO> c = scr.getComponentConfigurationDTOs(d);
                assertEquals(1, c.size(), c.toString());
                return c.iterator().next().state;
            }
        }
        throw new AssertionError("no component " + COLLECTOR);
    }

    static final String BELL = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n";

    @Test
    @Order(2)
    void everyDomainsFamiliesAfterRealWork(@InjectService Scheduler scheduler, @InjectService TransferService transfers,
            @InjectService RunEngine lab, @InjectService Plans plans, @InjectService SimulationService simulation,
            @InjectService Installation installation, @InjectService QasmCodec qasm, @InjectService Sampler sampler) throws Exception {
        get("/metrics"); // the lab collector counts documents from its activation (the first scrape) on

        // scheduler: a real task on the local backend
        TaskRecordDTO task = scheduler.submit(TaskSpec.command("metrics-it", "sh", "-c", "true"));
        assertEquals(TaskState.COMPLETED, scheduler.await(task.id).toCompletableFuture().get(120, TimeUnit.SECONDS).state);

        // data: a real file transfer of 200 kB
        Path src = Files.createTempDirectory("metrics-src");
        Files.write(src.resolve("a.bin"), new byte[200_000]);
        Path dst = Files.createTempDirectory("metrics-dst").resolve("copy");
        TransferRequest req = new TransferRequest();
        req.items.add(TransferItem.of(src.toString(), dst.toString(), true));
        TransferTaskDTO t = transfers.await(transfers.submit(req).id).toCompletableFuture().get(120, TimeUnit.SECONDS);
        assertEquals(TransferState.SUCCEEDED, t.state, t.message);

        // inference: a generated ONNX model loaded and run over OIP v2
        TestModels.install(installation.stateDirectory("inference").resolve("models"), "metrics_mlp", "1", TestModels.mlp(), "{\"max_batch_size\": 8}");
        assertEquals(200, post("/v2/repository/models/metrics_mlp/load", "").statusCode());
        String body = "{\"inputs\": [{\"name\": \"x\", \"shape\": [2, 4], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4, 5, 6, 7, 8]}]}";
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = post("/v2/models/metrics_mlp/infer", body);
            assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        }
        assertEquals(400, post("/v2/models/metrics_mlp/infer", "{\"inputs\": [{\"name\": \"x\", \"shape\": [1, 5], \"datatype\": \"FP32\", \"data\": [1, 2, 3, 4, 5]}]}").statusCode());

        // lab: a 5-point scan on the simulated bench
        lab.submit(plans.scan(List.of("det1"), "m1", -1, 1, 5, null)).toCompletableFuture().get(120, TimeUnit.SECONDS);

        // simulation: a small LJ run
        SimulationSpec spec = new SimulationSpec();
        spec.cellsX = spec.cellsY = spec.cellsZ = 4;
        spec.steps = 200;
        spec.thermoEvery = 50;
        spec.threads = 1;
        RunDTO run = simulation.await(simulation.submit(spec).id).toCompletableFuture().get(120, TimeUnit.SECONDS);
        assertEquals(RunState.COMPLETED, run.state, run.message);

        // quantum: a Bell pair sampled on the embedded simulator
        SamplerPub pub = SamplerPub.of(qasm.parse(BELL), 100);
        sampler.run(null, List.of(pub)).result().toCompletableFuture().get(120, TimeUnit.SECONDS);

        HttpResponse<byte[]> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), r.headers().toString());
        String m = new String(r.body(), StandardCharsets.UTF_8);

        // scheduler
        assertTrue(value(m, "kumiki_scheduler_tasks", "backend=\"local\",state=\"completed\"") >= 1, m);
        assertEquals(0, value(m, "kumiki_scheduler_queue_depth", "backend=\"local\""), m);
        assertTrue(value(m, "kumiki_scheduler_backend_cpus", "backend=\"local\"") >= 1, m);
        // data
        assertTrue(value(m, "kumiki_data_transferred_bytes_total", "") >= 200_000, m);
        assertTrue(value(m, "kumiki_data_transfers", "state=\"succeeded\"") >= 1, m);
        assertTrue(value(m, "kumiki_data_files_total", "outcome=\"done\"") >= 1, m);
        assertEquals(0, value(m, "kumiki_data_transfer_rate_bytes_per_second", ""), m);
        // inference: Triton's families, same names and labels, and the latency histogram
        String mlp = "model=\"metrics_mlp\",version=\"1\"";
        assertTrue(m.contains("# TYPE nv_inference_request_success "), m);
        assertEquals(3, value(m, "nv_inference_request_success", mlp), m);
        assertEquals(1, value(m, "nv_inference_request_failure", mlp), m);
        assertEquals(6, value(m, "nv_inference_count", mlp), m);
        assertTrue(value(m, "nv_inference_exec_count", mlp) >= 1, m);
        assertTrue(value(m, "nv_inference_request_duration_us", mlp) > 0, m);
        assertTrue(value(m, "nv_inference_compute_infer_duration_us", mlp) > 0, m);
        assertTrue(m.contains("nv_inference_queue_duration_us{" + mlp + "}"), m);
        assertEquals(3, value(m, "kumiki_inference_request_duration_seconds_count", mlp), m);
        assertEquals(3, value(m, "kumiki_inference_request_duration_seconds_bucket", mlp + ",le=\"+Inf\""), m);
        assertTrue(value(m, "kumiki_inference_request_duration_seconds_sum", mlp) > 0, m);
        // lab
        assertEquals(1, value(m, "kumiki_lab_engine_state", "state=\"idle\""), m);
        assertEquals(0, value(m, "kumiki_lab_emergency_stop", ""), m);
        assertTrue(value(m, "kumiki_lab_runs", "status=\"success\"") >= 1, m);
        assertEquals(1, value(m, "kumiki_lab_documents_total", "type=\"start\""), m);
        assertEquals(5, value(m, "kumiki_lab_documents_total", "type=\"event\""), m);
        assertEquals(1, value(m, "kumiki_lab_documents_total", "type=\"stop\""), m);
        assertTrue(value(m, "kumiki_lab_documents_total", "type=\"descriptor\"") >= 1, m);
        // simulation: 4^3 cells of 4 atoms, 200 steps
        String engine = "engine=\"" + run.engine + "\"";
        assertEquals(256.0 * 200, value(m, "kumiki_simulation_atom_steps_total", engine), m);
        assertEquals(1, value(m, "kumiki_simulation_runs", engine + ",state=\"completed\""), m);
        assertTrue(value(m, "kumiki_simulation_last_run_atom_steps_per_second", engine) > 1000, m);
        // quantum
        assertEquals(1, value(m, "kumiki_quantum_jobs", "backend=\"statevector\",status=\"done\""), m);
        assertEquals(0, value(m, "kumiki_quantum_jobs", "backend=\"statevector\",status=\"running\""), m);
        // campaign (none run: the families are there, with their zeroes)
        assertTrue(m.matches("(?s).*\nkumiki_quantum_backend_qubits\\{backend=\"[^\"]+\",simulator=\"true\"\\} [1-9].*"), m);
        assertEquals(0, value(m, "kumiki_campaigns", "state=\"running\""), m);
        assertEquals(0, value(m, "kumiki_campaign_evaluations", "state=\"completed\""), m);
        // every domain answered; the JVM's families are there
        for (String d : List.of("campaign", "data", "inference", "lab", "quantum", "scheduler", "simulation")) {
            assertEquals(1, value(m, "kumiki_metrics_collector_up", "domain=\"" + d + "\""), d + "\n" + m);
        }
        assertTrue(value(m, "jvm_memory_used_bytes", "area=\"heap\"") > 0, m);
        assertTrue(value(m, "jvm_threads_current", "") > 0, m);
        // the OIP servlet no longer answers /metrics by hand: one family each, from the library
        assertEquals(1, count(m, "# TYPE nv_inference_request_success "), m);
    }

    /**
     * Triton's names end in an abbreviated unit ({@code _us}), which promtool's lint reports (exit
     * 3, lint problems only); they are kept on purpose so Triton dashboards work unchanged.
     */
    static final Set<String> TRITON_LINT = Set.of(
            "nv_inference_compute_infer_duration_us metric names should not contain abbreviated units",
            "nv_inference_queue_duration_us metric names should not contain abbreviated units",
            "nv_inference_request_duration_us metric names should not contain abbreviated units");

    @Test
    @Order(3)
    void promtoolAcceptsTheOutput() throws Exception {
        String promtool = promtool();
        HttpResponse<byte[]> r = get("/metrics");
        assertEquals(200, r.statusCode());
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("nv_inference_request_duration_us{"), "a model has been served: " + text);

        // everything: it parses (exit 1 would be a parse error); the only lint is Triton's names
        String[] all = promtool(promtool, text);
        assertTrue(all[0].equals("0") || all[0].equals("3"), all[1] + "\n--- metrics:\n" + text);
        Set<String> complaints = new TreeSet<>(List.of(all[1].strip().split("\n")));
        complaints.remove("");
        assertTrue(TRITON_LINT.containsAll(complaints), all[1] + "\n--- metrics:\n" + text);

        // without Triton's families: clean (exit 0, no lint at all)
        StringBuilder rest = new StringBuilder();
        for (String line : text.split("\n")) {
            if (!line.startsWith("nv_inference_") && !line.startsWith("# HELP nv_inference_") && !line.startsWith("# TYPE nv_inference_")) {
                rest.append(line).append('\n');
            }
        }
        String[] ours = promtool(promtool, rest.toString());
        assertEquals("0", ours[0], ours[1] + "\n--- metrics:\n" + rest);
    }

    /** Runs {@code promtool check metrics} on {@code text}: {exit code, output}. */
    static String[] promtool(String promtool, String text) throws Exception {
        Path file = Files.createTempFile("metrics", ".txt");
        Files.writeString(file, text);
        Process p = new ProcessBuilder(promtool, "check", "metrics").redirectInput(file.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        Files.delete(file);
        return new String[] {Integer.toString(p.exitValue()), out};
    }

    @Test
    @Order(4)
    void openMetricsHeadAndBadMethods() throws Exception {
        HttpResponse<byte[]> om = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertEquals(200, om.statusCode());
        assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"), om.headers().toString());
        assertTrue(new String(om.body(), StandardCharsets.UTF_8).endsWith("# EOF\n"));
        HttpResponse<byte[]> head = CLIENT.send(HttpRequest.newBuilder(URI.create(base() + "/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);
        for (String method : List.of("POST", "PUT", "DELETE")) {
            HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(URI.create(base() + "/metrics")).method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(405, r.statusCode(), method);
            assertEquals("method " + method + " is not allowed on /metrics: use GET\n", new String(r.body(), StandardCharsets.UTF_8));
            assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""));
        }
        // a path below /metrics is not the metrics endpoint
        assertEquals(404, get("/metrics/extra").statusCode());
    }

    @Test
    @Order(5)
    void campaignEvaluationsByState(@InjectService CampaignService campaigns) throws Exception {
        Path file = Files.createTempDirectory("metrics-campaign").resolve("tiny.yaml");
        Files.writeString(file, "name: metrics-tiny\nseed: 3\n"
                + "parameters: [{name: T, type: continuous, min: 0.8, max: 1.6}]\n"
                + "objectives: [{name: pressure, goal: maximize}]\n"
                + "budget: {evaluations: 3}\nproposer: {kind: bayesian, initialPoints: 3}\n"
                + "pipeline:\n  - name: md\n    evaluator: simulation\n    options:\n"
                + "      spec: {cells: 3, steps: 60, thermoEvery: 20, engine: md, threads: 1}\n"
                + "      map: {T: temperature}\n      objective: {pressure: {column: press, reduce: mean, last: 2}}\n");
        String id = campaigns.start(file).id;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        CampaignStatusDTO st = campaigns.status(id).orElseThrow();
        while (!st.state.isTerminal() && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling the campaign's state
            st = campaigns.status(id).orElseThrow();
        }
        assertEquals(CampaignState.COMPLETED, st.state, st.message);
        String m = new String(get("/metrics").body(), StandardCharsets.UTF_8);
        assertEquals(1, value(m, "kumiki_campaigns", "state=\"completed\""), m);
        assertEquals(0, value(m, "kumiki_campaigns", "state=\"running\""), m);
        assertEquals(3, value(m, "kumiki_campaign_evaluations", "state=\"completed\""), m);
        assertEquals(0, value(m, "kumiki_campaign_evaluations", "state=\"failed\""), m);
    }

    /** promtool's path; fails when it is missing and KUMIKI_REQUIRE_PROMTOOL=1, else skips. */
    static String promtool() {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv("KUMIKI_PROMTOOL");
        if (env != null && !env.isBlank()) {
            candidates.add(env);
        }
        candidates.add("/usr/bin/promtool");
        candidates.add("/usr/local/bin/promtool");
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        String msg = "promtool is missing (apt-get install prometheus, or scripts/services/promtool.sh)";
        if ("1".equals(System.getenv("KUMIKI_REQUIRE_PROMTOOL"))) {
            fail(msg + " and KUMIKI_REQUIRE_PROMTOOL=1");
        }
        Assumptions.abort(msg);
        return null;
    }

    /** The value of the sample {@code name{labels}} (or {@code name} when labels is empty); fails when absent. */
    static double value(String text, String name, String labels) {
        String sample = labels.isEmpty() ? name : name + "{" + labels + "}";
        Matcher mt = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
        if (!mt.find()) {
            throw new AssertionError("no sample " + sample + " in\n" + text);
        }
        return Double.parseDouble(mt.group(1));
    }

    static int count(String text, String fragment) {
        int n = 0;
        for (int i = text.indexOf(fragment); i >= 0; i = text.indexOf(fragment, i + 1)) {
            n++;
        }
        return n;
    }

    HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<byte[]> post(String path, String json) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return CLIENT.send(req, HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The endpoint Felix Jetty published (port chosen at start), e.g. http://127.0.0.1:41234 */
    String base() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            ServiceReference<?>[] refs = context.getAllServiceReferences("org.osgi.service.servlet.runtime.HttpServiceRuntime", null);
            if (refs != null) {
                for (ServiceReference<?> ref : refs) {
                    Object ep = ref.getProperty("osgi.http.endpoint");
                    String s = ep instanceof String[] a ? a[0] : ep instanceof Collection<?> c ? String.valueOf(c.iterator().next()) : (String) ep;
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
}
