package org.kumiki.campaign.lab.internal;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.Msg;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;

/**
 * A RunEngine (through the lab API only) with a synthesis robot {@code robot1} (a recipe of
 * ratio_a, ratio_b, temperature) and a spectrometer {@code spec1} whose yield is the bench's
 * landscape without noise. Plans run on a thread of their own, one at a time; a run can be made
 * to end {@code abort}.
 */
final class FakeRunEngine {
    final Map<String, RunSummaryDTO> runs = new ConcurrentHashMap<>();
    final Map<String, List<DocumentDTO>> documents = new ConcurrentHashMap<>();
    final AtomicInteger submitted = new AtomicInteger();
    final List<String> order = new CopyOnWriteArrayList<>();
    volatile boolean abortNext;
    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger maxActive = new AtomicInteger();
    private volatile EngineState state = EngineState.IDLE;
    private volatile Map<String, Object> recipe = Map.of("ratio_a", 0.0, "ratio_b", 0.0, "temperature", 300.0);

    static double yield(double a, double b, double t) {
        double x = (a - 0.45) * (a - 0.45) / 0.02 + (b - 0.30) * (b - 0.30) / 0.015 + ((t - 345) / 25) * ((t - 345) / 25);
        return 0.92 * Math.exp(-x);
    }

    RunEngine engine() {
        return (RunEngine) Proxy.newProxyInstance(RunEngine.class.getClassLoader(), new Class<?>[] {RunEngine.class}, (p, m, args) -> {
            switch (m.getName()) {
                case "devices": return List.of(device("robot1", "readable", "movable", "stoppable"), device("spec1", "readable", "triggerable"));
                case "read": return read((String) args[0]);
                case "runs": return new ArrayList<>(runs.values());
                case "documents": return documents.getOrDefault((String) args[0], List.of());
                case "state": return state;
                case "awaitState": return true;
                case "emergencyStopActive": return false;
                case "currentRun": return Optional.empty();
                case "subscribe": return (AutoCloseable) () -> { };
                case "abort": return null;
                case "submit": return submit((Plan) args[0]);
                case "hashCode": return System.identityHashCode(p);
                case "equals": return p == args[0];
                case "toString": return "FakeRunEngine";
                default: throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    private static DeviceDTO device(String name, String... caps) {
        DeviceDTO d = new DeviceDTO();
        d.name = name;
        d.capabilities = List.of(caps);
        d.connected = true;
        return d;
    }

    private Map<String, ReadingDTO> read(String device) throws DeviceException {
        Map<String, ReadingDTO> r = new LinkedHashMap<>();
        if ("robot1".equals(device)) {
            recipe.forEach((k, v) -> r.put("robot1_" + k, ReadingDTO.of(v, 1)));
        } else if ("spec1".equals(device)) {
            double a = ((Number) recipe.get("ratio_a")).doubleValue();
            double b = ((Number) recipe.get("ratio_b")).doubleValue();
            double t = ((Number) recipe.get("temperature")).doubleValue();
            r.put("spec1_yield", ReadingDTO.of(FakeRunEngine.yield(a, b, t), 1));
            r.put("spec1_peak_nm", ReadingDTO.of(500.0, 1));
        } else {
            throw new DeviceException("unknown device '" + device + "'");
        }
        return r;
    }

    /** Adds a stored run, as a run of an earlier life. */
    void store(String uid, String status, Double yield) {
        RunSummaryDTO s = new RunSummaryDTO();
        s.uid = uid;
        s.status = RunStatus.of(status);
        runs.put(uid, s);
        List<DocumentDTO> docs = new ArrayList<>();
        docs.add(DocumentDTO.of("start", Map.of("uid", uid)));
        if (yield != null) {
            docs.add(DocumentDTO.of("event", Map.of("data", Map.of("spec1_yield", yield))));
        }
        documents.put(uid, docs);
    }

    private synchronized CompletableFuture<RunSummaryDTO> submit(Plan plan) {
        int n = submitted.incrementAndGet();
        state = EngineState.RUNNING;
        CompletableFuture<RunSummaryDTO> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            String uid = "run-" + n;
            maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
            List<DocumentDTO> docs = new ArrayList<>();
            RunSummaryDTO s = new RunSummaryDTO();
            s.uid = uid;
            s.status = RunStatus.RUNNING;
            runs.put(uid, s);
            try {
                Object response = null;
                Msg msg;
                while ((msg = plan.next(response)) != null) {
                    response = null;
                    switch (msg.command) {
                        case OPEN_RUN -> {
                            Map<String, Object> start = new LinkedHashMap<>(msg.metadata);
                            start.put("uid", uid);
                            docs.add(DocumentDTO.of("start", start));
                            order.add(uid);
                            response = uid;
                        }
                        case SET -> {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> r = new LinkedHashMap<>(recipe);
                            r.putAll((Map<String, Object>) msg.value);
                            recipe = r;
                        }
                        case TRIGGER_AND_READ -> {
                            Map<String, Object> data = new LinkedHashMap<>();
                            for (String d : msg.devices) {
                                read(d).forEach((k, v) -> data.put(k, v.value));
                            }
                            docs.add(DocumentDTO.of("event", Map.of("data", data, "seq_num", 1)));
                        }
                        default -> { }
                    }
                    if (abortNext && msg.command == Msg.Command.OPEN_RUN) {
                        abortNext = false;
                        s.status = RunStatus.ABORT;
                        s.reason = "aborted by the test";
                        break;
                    }
                }
                if (s.status == RunStatus.RUNNING) {
                    s.status = RunStatus.SUCCESS;
                }
                docs.add(DocumentDTO.of("stop", Map.of("run_start", uid, "exit_status", s.status.exitStatus())));
                documents.put(uid, docs);
                active.decrementAndGet();
                state = EngineState.IDLE;
                done.complete(s);
            } catch (Exception e) {
                active.decrementAndGet();
                state = EngineState.IDLE;
                done.completeExceptionally(e);
            }
        });
        t.start();
        return done;
    }
}
