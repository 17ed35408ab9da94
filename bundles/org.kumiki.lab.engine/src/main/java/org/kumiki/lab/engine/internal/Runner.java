package org.kumiki.lab.engine.internal;

import java.io.IOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.DeviceDisconnectedException;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.Movable;
import org.kumiki.lab.api.Msg;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.RunStatus;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.ExternalDatumDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;

/**
 * Executes one plan on its own thread. Messages since the last checkpoint (or the last emitted
 * event) are cached; after an immediate pause or a suspension they are executed again (the
 * rewind), so no event is lost and, since an emitted event clears the cache, none is
 * duplicated.
 */
final class Runner implements Runnable {

    private static final Pattern MD_KEY = Pattern.compile("[^./]+");
    private final RunEngineImpl engine;
    private final Plan plan;
    final Thread thread;
    final CompletableFuture<RunSummaryDTO> result = new CompletableFuture<>();

    // signals, guarded by ctl
    private final ReentrantLock ctl = new ReentrantLock();
    private final Condition changed = ctl.newCondition();
    private volatile Signal pending;
    private String pendingReason;
    private volatile CompletableFuture<Void> wake = new CompletableFuture<>();
    private boolean resume;
    volatile boolean deferredPause;
    private boolean pauseRequestedWhileSuspended;

    // run state (run thread only, except runUid)
    volatile String runUid;
    private DocumentStore.OpenRun open;
    private RunSummaryDTO lastSummary;
    private final List<Msg> cache = new ArrayList<>();
    private final Map<String, List<CompletableFuture<Void>>> groups = new HashMap<>();
    private final Set<String> touched = new LinkedHashSet<>();
    private final Map<String, Descriptor> descriptors = new HashMap<>();
    private final Map<String, Long> numEvents = new LinkedHashMap<>();
    private final Map<String, String> resources = new HashMap<>();
    private long datumCount;
    private long eventCount;
    private long lastSync;
    private Bundle bundle;
    private volatile List<DocumentDTO> memory;

    private static final class Descriptor {
        final String uid;
        long seq;

        Descriptor(String uid) {
            this.uid = uid;
        }
    }

    /** An event being assembled between CREATE and SAVE. */
    private static final class Bundle {
        final String stream;
        final Map<String, ReadingDTO> readings = new LinkedHashMap<>();
        final Map<String, DataKeyDTO> keys = new LinkedHashMap<>();
        final Map<String, List<String>> objectKeys = new LinkedHashMap<>();

        Bundle(String stream) {
            this.stream = stream;
        }
    }

    Runner(RunEngineImpl engine, Plan plan) {
        this.engine = engine;
        this.plan = plan;
        this.thread = new Thread(this, "kumiki-lab-run");
        thread.setDaemon(true);
    }

    // ------------------------------------------------------------------ signals

    void raise(Signal s, String reason) {
        ctl.lock();
        try {
            if (pending == null || s.ordinal() > pending.ordinal()) {
                pending = s;
                pendingReason = reason;
            }
            wake.complete(null);
            changed.signalAll();
        } finally {
            ctl.unlock();
        }
    }

    void resumeRequested() {
        ctl.lock();
        try {
            resume = true;
            changed.signalAll();
        } finally {
            ctl.unlock();
        }
    }

    private Interruption take() {
        ctl.lock();
        try {
            Interruption i = new Interruption(pending, pendingReason);
            pending = null;
            pendingReason = null;
            wake = new CompletableFuture<>();
            return i;
        } finally {
            ctl.unlock();
        }
    }

    private void check() throws Interruption {
        if (pending != null) throw take();
    }

    List<DocumentDTO> memory() {
        List<DocumentDTO> m = memory;
        if (m == null) return null;
        synchronized (m) {
            return new ArrayList<>(m);
        }
    }

    // ------------------------------------------------------------------ main loop

    @Override
    public void run() {
        Throwable failure = null;
        try {
            Object response = null;
            while (true) {
                Msg m;
                try {
                    check();
                    m = plan.next(response);
                } catch (Interruption i) {
                    // interrupted between messages: the last ones may have started motion that
                    // the pause stopped, so they are executed again, as inside exec()
                    recover(i);
                    response = replay(0, null, response);
                    continue;
                }
                if (m == null) break;
                response = exec(m);
            }
            if (open != null) close("success", "");
        } catch (Interruption i) {
            engine.setState(EngineState.ABORTING, runUid, i.getMessage());
            stopTouched();
            if (open != null) closeQuietly(i.signal == Signal.STOP ? "success" : "abort", i.getMessage());
        } catch (Throwable e) {
            failure = e;
            engine.setState(EngineState.ABORTING, runUid, e.getMessage());
            RunEngineImpl.LOG.warn("lab run {} failed: {}", runUid, e.toString());
            stopTouched();
            if (open != null) closeQuietly("fail", e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            engine.devices.unlockAll(ownerId());
            engine.runEnded(this);
            if (lastSummary != null) result.complete(lastSummary);
            else if (failure != null) result.completeExceptionally(failure);
            else result.complete(null);
        }
    }

    private String ownerId() {
        return "engine-run-" + System.identityHashCode(this);
    }

    private void closeQuietly(String status, String reason) {
        try {
            close(status, reason);
        } catch (Exception e) {
            RunEngineImpl.LOG.error("lab run {} could not be closed: {}", runUid, e.toString());
        }
    }

    /** Executes a message; on an interruption or a lost instrument, waits, rewinds and tries again. */
    private Object exec(Msg m) throws Exception {
        boolean cacheable = m.command != Msg.Command.OPEN_RUN && m.command != Msg.Command.CLOSE_RUN && m.command != Msg.Command.CHECKPOINT;
        if (!cacheable) return replay(cache.size(), m, null);
        cache.add(m);
        return replay(cache.size() - 1, null, null);
    }

    /**
     * Executes the cached messages from {@code from} on, then {@code extra} if there is one;
     * after an interruption or a lost instrument it waits ({@link #recover}) and starts again
     * from the last checkpoint (the whole cache). Returns the last response, or
     * {@code ifNothing} when there was nothing to execute.
     */
    private Object replay(int from, Msg extra, Object ifNothing) throws Exception {
        while (true) {
            try {
                List<Msg> todo = new ArrayList<>(cache.subList(from, cache.size()));
                if (extra != null) todo.add(extra);
                Object r = ifNothing;
                for (Msg x : todo) {
                    check();
                    r = execute(x);
                }
                return r;
            } catch (Interruption i) {
                recover(i);
            } catch (DeviceDisconnectedException e) {
                RunEngineImpl.LOG.warn("lab run {}: {}; suspending", runUid, e.getMessage());
                recover(new Interruption(Signal.SUSPEND, e.getMessage()));
            }
            from = 0; // rewind to the last checkpoint
        }
    }

    /** Handles an interruption: returns when the run may go on (after a rewind), throws to end it. */
    private void recover(Interruption i) throws Interruption {
        Interruption current = i;
        while (true) {
            switch (current.signal) {
                case STOP, ABORT -> throw current;
                case PAUSE -> {
                    stopTouched();
                    groups.clear();
                    armResume();
                    engine.setState(EngineState.PAUSED, runUid, current.getMessage());
                    waitForResume();
                    engine.setState(EngineState.RUNNING, runUid, "resumed");
                    return;
                }
                case SUSPEND -> {
                    stopTouched();
                    groups.clear();
                    engine.setState(EngineState.SUSPENDED, runUid, current.getMessage());
                    engine.post("SUSPENDED", runUid, current.getMessage());
                    try {
                        waitUntilClear();
                    } catch (Interruption again) {
                        current = again;
                        continue;
                    }
                    engine.post("RESUMED", runUid, null);
                    if (pauseRequestedWhileSuspended) {
                        pauseRequestedWhileSuspended = false;
                        current = new Interruption(Signal.PAUSE, "paused by request while suspended");
                        continue;
                    }
                    engine.setState(EngineState.RUNNING, runUid, "resumed");
                    return;
                }
            }
        }
    }

    /**
     * Forgets earlier resume requests. Called before the state says PAUSED: a resume() that
     * follows the PAUSED state at once (a caller waiting for it) must not be lost.
     */
    private void armResume() {
        ctl.lock();
        try {
            resume = false;
        } finally {
            ctl.unlock();
        }
    }

    /** Waits for a resume requested since {@link #armResume()}. */
    private void waitForResume() throws Interruption {
        ctl.lock();
        try {
            while (!resume) {
                if (pending == Signal.STOP || pending == Signal.ABORT) throw take();
                if (pending != null) take(); // pauses and suspensions fold into this pause
                changed.await(1, TimeUnit.SECONDS);
            }
            resume = false;
        } catch (InterruptedException e) {
            throw new Interruption(Signal.ABORT, "interrupted");
        } finally {
            ctl.unlock();
        }
    }

    /** Waits until every suspender is clear and every device this run uses is connected, then the suspenders' sleep. */
    private void waitUntilClear() throws Interruption {
        long poll = engine.settings.reconnectPollMs();
        while (true) {
            sleepInterruptibly(poll, true);
            if (clear()) {
                double s = engine.maxSuspenderSleep();
                if (s > 0) sleepInterruptibly((long) (s * 1000), true);
                if (clear()) return;
            }
        }
    }

    private boolean clear() {
        if (!engine.tripped.isEmpty()) return false;
        for (String name : touched) {
            Devices.Entry e = engine.devices.entry(name);
            if (e == null) return false; // gone from the registry: wait for it to come back
            try {
                if (!e.device().connected()) return false;
            } catch (RuntimeException ex) {
                return false;
            }
        }
        return true;
    }

    /** Sleeps; STOP and ABORT end it with an Interruption; other signals are absorbed when {@code absorb}. */
    private void sleepInterruptibly(long millis, boolean absorb) throws Interruption {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        ctl.lock();
        try {
            while (true) {
                if (pending == Signal.STOP || pending == Signal.ABORT) throw take();
                if (pending != null) {
                    if (!absorb) throw take();
                    if (take().signal == Signal.PAUSE) pauseRequestedWhileSuspended = true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            throw new Interruption(Signal.ABORT, "interrupted");
        } finally {
            ctl.unlock();
        }
    }

    private void stopTouched() {
        List<Stoppable> s = new ArrayList<>();
        for (String name : touched) {
            Devices.Entry e = engine.devices.entry(name);
            if (e != null && e.device() instanceof Stoppable st) s.add(st);
        }
        if (!s.isEmpty()) engine.stopAll(s, engine.settings.estopTimeoutMs());
    }

    // ------------------------------------------------------------------ messages

    private Object execute(Msg m) throws Exception {
        switch (m.command) {
            case OPEN_RUN:
                return openRun(m.metadata);
            case CLOSE_RUN: {
                String status = m.value == null ? "success" : m.value.toString();
                if (!status.equals("success") && !status.equals("abort") && !status.equals("fail")) {
                    throw new DeviceException("exit status must be success, abort or fail, not '" + status + "'");
                }
                Object reason = m.metadata.get("reason");
                return close(status, reason == null ? "" : reason.toString());
            }
            case SET: {
                String name = one(m);
                Device d = use(name);
                if (!(d instanceof Movable mv)) throw new DeviceException("device '" + name + "' cannot be set");
                engine.checkMotionAllowed(name);
                RunEngineImpl.checkLimits(name, mv, m.value);
                CompletableFuture<Void> f = mv.set(m.value).toCompletableFuture();
                groups.computeIfAbsent(m.group == null ? "" : m.group, k -> new ArrayList<>()).add(f);
                return null;
            }
            case WAIT: {
                List<CompletableFuture<Void>> fs = groups.remove(m.group == null ? "" : m.group);
                if (fs != null) for (CompletableFuture<Void> f : fs) await(f);
                return null;
            }
            case TRIGGER: {
                String name = one(m);
                Device d = use(name);
                if (!(d instanceof Triggerable t)) throw new DeviceException("device '" + name + "' cannot be triggered");
                groups.computeIfAbsent(m.group == null ? "" : m.group, k -> new ArrayList<>()).add(t.trigger().toCompletableFuture());
                return null;
            }
            case READ: {
                String name = one(m);
                return readInto(name);
            }
            case CREATE:
                requireRun("CREATE");
                bundle = new Bundle(m.stream == null ? "primary" : m.stream);
                return null;
            case SAVE:
                if (bundle == null) throw new DeviceException("SAVE without CREATE");
                return save();
            case TRIGGER_AND_READ: {
                requireRun("TRIGGER_AND_READ");
                List<CompletableFuture<Void>> fs = new ArrayList<>(m.devices.size());
                for (String name : m.devices) {
                    Device d = use(name);
                    if (d instanceof Triggerable t) fs.add(t.trigger().toCompletableFuture());
                }
                for (CompletableFuture<Void> f : fs) await(f);
                bundle = new Bundle(m.stream == null ? "primary" : m.stream);
                Map<String, ReadingDTO> all = new LinkedHashMap<>();
                for (String name : m.devices) all.putAll(readInto(name));
                save();
                return all;
            }
            case CHECKPOINT:
                checkpoint();
                return null;
            case SLEEP: {
                double s = m.value instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(m.value));
                if (!(s >= 0) || s > 86400) throw new DeviceException("sleep must be within 0..86400 s, not " + m.value);
                sleepInterruptibly((long) (s * 1000), false);
                return null;
            }
            default:
                throw new DeviceException("unknown message " + m.command);
        }
    }

    private static String one(Msg m) throws DeviceException {
        if (m.devices.size() != 1 || m.devices.get(0) == null) throw new DeviceException(m.command + " needs exactly one device");
        return m.devices.get(0);
    }

    private void requireRun(String what) throws DeviceException {
        if (open == null) throw new DeviceException(what + " outside a run (no OPEN_RUN)");
    }

    /** Looks a device up and takes it for this run. */
    private Device use(String name) throws DeviceException {
        Device d = engine.devices.get(name);
        if (!touched.contains(name)) {
            engine.devices.lock(name, ownerId());
            touched.add(name);
        }
        return d;
    }

    private void await(CompletableFuture<Void> f) throws Exception {
        while (!f.isDone()) {
            check();
            try {
                CompletableFuture.anyOf(f, wake).get();
            } catch (ExecutionException e) {
                // f failed: handled below
            }
        }
        check();
        try {
            f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception ex) throw ex;
            throw e;
        }
    }

    private Map<String, ReadingDTO> readInto(String name) throws Exception {
        Device d = use(name);
        if (!(d instanceof Readable r)) throw new DeviceException("device '" + name + "' cannot be read");
        Map<String, ReadingDTO> values = r.read();
        if (bundle != null) {
            Map<String, DataKeyDTO> keys = r.describe();
            List<String> own = new ArrayList<>(values.size());
            for (Map.Entry<String, ReadingDTO> e : values.entrySet()) {
                bundle.readings.put(e.getKey(), e.getValue());
                DataKeyDTO k = keys == null ? null : keys.get(e.getKey());
                bundle.keys.put(e.getKey(), k);
                own.add(e.getKey());
            }
            bundle.objectKeys.put(name, own);
        }
        return values;
    }

    // ------------------------------------------------------------------ documents

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }

    private String openRun(Map<String, Object> md) throws Exception {
        if (open != null) throw new DeviceException("a run is already open: " + runUid);
        Map<String, Object> start = new LinkedHashMap<>();
        String uid = "run-" + UUID.randomUUID();
        double t = now();
        long scanId = engine.store.nextScanId();
        start.put("uid", uid);
        start.put("time", t);
        start.put("scan_id", scanId);
        start.put("plan_name", plan.name());
        start.put("versions", Map.of("kumiki_lab", "1.0.0"));
        if (md != null) {
            checkMetadata(md);
            start.putAll(md);
        }
        RunSummaryDTO s = new RunSummaryDTO();
        s.uid = uid;
        s.planName = plan.name();
        s.scanId = scanId;
        s.startTime = t;
        s.status = RunStatus.RUNNING;
        s.numEvents = Map.of();
        open = engine.store.open(s);
        runUid = uid;
        memory = engine.settings.openRunMemory() > 0 ? new ArrayList<>() : null;
        descriptors.clear();
        numEvents.clear();
        resources.clear();
        datumCount = 0;
        eventCount = 0;
        emit(LabConstants.START, start);
        open.sync();
        lastSync = System.nanoTime();
        engine.setState(EngineState.RUNNING, uid, null);
        engine.post("RUN_START", uid, null);
        return uid;
    }

    static void checkMetadata(Map<String, Object> md) throws DeviceException {
        for (Map.Entry<String, Object> e : md.entrySet()) {
            String k = e.getKey();
            if (k == null || !MD_KEY.matcher(k).matches()) throw new DeviceException("metadata key '" + k + "' must be non-empty without '.' or '/'");
            if (k.equals("uid") || k.equals("time") || k.equals("scan_id")) throw new DeviceException("metadata may not set '" + k + "'");
            checkMetadataValue(k, e.getValue(), 0);
        }
    }

    private static void checkMetadataValue(String key, Object v, int depth) throws DeviceException {
        if (depth > 16) throw new DeviceException("metadata '" + key + "' is nested too deeply");
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String k) || !MD_KEY.matcher(k).matches()) {
                    throw new DeviceException("metadata key '" + e.getKey() + "' in '" + key + "' must be non-empty without '.' or '/'");
                }
                checkMetadataValue(key, e.getValue(), depth + 1);
            }
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) checkMetadataValue(key, o, depth + 1);
        }
    }

    private String close(String status, String reason) throws IOException {
        if (open == null) return null;
        Map<String, Object> stop = new LinkedHashMap<>();
        stop.put("uid", "stop-" + UUID.randomUUID());
        stop.put("time", now());
        stop.put("run_start", runUid);
        stop.put("exit_status", status);
        stop.put("reason", reason == null ? "" : reason);
        stop.put("num_events", new LinkedHashMap<>(numEvents));
        emit(LabConstants.STOP, stop);
        open.sync();
        open.close();
        RunSummaryDTO s = open.summary;
        s.status = RunStatus.of(status);
        s.reason = reason;
        s.stopTime = (Double) stop.get("time");
        s.numEvents = new LinkedHashMap<>(numEvents);
        s.documents = open.documents();
        engine.store.update(s);
        lastSummary = s;
        String uid = runUid;
        open = null;
        bundle = null;
        cache.clear();
        engine.devices.unlockAll(ownerId());
        touched.clear();
        engine.post("RUN_STOP", uid, status + (reason == null || reason.isEmpty() ? "" : ": " + reason));
        return uid;
    }

    private void emit(String name, Map<String, Object> doc) throws IOException {
        open.append(name, doc);
        List<DocumentDTO> m = memory;
        if (m != null) {
            synchronized (m) {
                if (m.size() < engine.settings.openRunMemory()) m.add(DocumentDTO.of(name, doc));
                else memory = null;
            }
        }
        engine.subscribers.publish(name, doc);
    }

    private void checkpoint() throws IOException, Interruption {
        cache.clear();
        if (open != null) {
            long interval = engine.settings.checkpointSyncMs();
            // every checkpoint hands the documents so far to the OS (they survive kill -9);
            // fsync at every checkpoint (interval 0) or when the last one is interval ms old
            if (interval <= 0 || System.nanoTime() - lastSync >= TimeUnit.MILLISECONDS.toNanos(interval)) {
                open.sync();
                lastSync = System.nanoTime();
            } else {
                open.flush();
            }
            java.util.function.LongConsumer hook = engine.checkpointHook;
            if (hook != null) hook.accept(open.documents());
        }
        if (deferredPause) {
            deferredPause = false;
            armResume();
            engine.setState(EngineState.PAUSED, runUid, "paused at a checkpoint");
            waitForResume();
            engine.setState(EngineState.RUNNING, runUid, "resumed");
        }
    }

    private Map<String, Object> save() throws IOException {
        Bundle b = bundle;
        bundle = null;
        String signature = b.stream + "|" + String.join(",", b.readings.keySet());
        Descriptor desc = descriptors.get(signature);
        if (desc == null) {
            desc = new Descriptor("desc-" + UUID.randomUUID());
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("uid", desc.uid);
            d.put("time", now());
            d.put("run_start", runUid);
            d.put("name", b.stream);
            Map<String, Object> dataKeys = new LinkedHashMap<>();
            for (Map.Entry<String, ReadingDTO> e : b.readings.entrySet()) {
                dataKeys.put(e.getKey(), dataKey(e.getKey(), b.keys.get(e.getKey()), e.getValue().value));
            }
            d.put("data_keys", dataKeys);
            d.put("configuration", new LinkedHashMap<>());
            d.put("object_keys", new LinkedHashMap<>(b.objectKeys));
            descriptors.put(signature, desc);
            emit(LabConstants.DESCRIPTOR, d);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        Map<String, Object> stamps = new LinkedHashMap<>();
        Map<String, Object> filled = null;
        for (Map.Entry<String, ReadingDTO> e : b.readings.entrySet()) {
            Object v = e.getValue().value;
            if (v instanceof ExternalDatumDTO x) {
                v = datum(x);
                if (filled == null) filled = new LinkedHashMap<>();
                filled.put(e.getKey(), false);
            }
            data.put(e.getKey(), v);
            stamps.put(e.getKey(), e.getValue().timestamp);
        }
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("uid", runUid + "-e" + (++eventCount));
        ev.put("time", now());
        ev.put("descriptor", desc.uid);
        ev.put("seq_num", ++desc.seq);
        ev.put("data", data);
        ev.put("timestamps", stamps);
        ev.put("filled", filled == null ? Map.of() : filled);
        numEvents.merge(b.stream, 1L, Long::sum);
        emit(LabConstants.EVENT, ev);
        cache.clear(); // the event is out: a rewind must not take it again
        return ev;
    }

    private String datum(ExternalDatumDTO x) throws IOException {
        String key = x.spec + "\u0000" + x.root + "\u0000" + x.resourcePath;
        String res = resources.get(key);
        if (res == null) {
            res = "res-" + UUID.randomUUID();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("uid", res);
            r.put("spec", x.spec == null ? "" : x.spec);
            r.put("root", x.root == null ? "" : x.root);
            r.put("resource_path", x.resourcePath == null ? "" : x.resourcePath);
            r.put("resource_kwargs", x.resourceKwargs == null ? Map.of() : new LinkedHashMap<>(x.resourceKwargs));
            r.put("path_semantics", "posix");
            r.put("run_start", runUid);
            resources.put(key, res);
            emit(LabConstants.RESOURCE, r);
        }
        String id = res + "/" + (++datumCount);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("datum_id", id);
        d.put("resource", res);
        d.put("datum_kwargs", x.datumKwargs == null ? Map.of() : new LinkedHashMap<>(x.datumKwargs));
        emit(LabConstants.DATUM, d);
        return id;
    }

    /** An event-model data key from the device's description, filling dtype and shape from the value when missing. */
    static Map<String, Object> dataKey(String key, DataKeyDTO k, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", k != null && k.source != null ? k.source : "kumiki:" + key);
        String dtype = k != null && k.dtype != null ? k.dtype : dtypeOf(value);
        m.put("dtype", dtype);
        List<Integer> shape = new ArrayList<>();
        if (k != null && k.shape != null && k.shape.length > 0) {
            for (int i : k.shape) shape.add(i);
        } else if (value != null && value.getClass().isArray()) {
            shape.add(Array.getLength(value));
        } else if (value instanceof Collection<?> c) {
            shape.add(c.size());
        }
        m.put("shape", shape);
        if (k != null) {
            if (k.units != null) m.put("units", k.units);
            if (k.precision != null) m.put("precision", k.precision);
            if (k.object_name != null) m.put("object_name", k.object_name);
            if (k.external != null) m.put("external", k.external);
            if (k.limits != null && (k.limits.low != null || k.limits.high != null)) {
                Map<String, Object> range = new LinkedHashMap<>();
                range.put("low", k.limits.low);
                range.put("high", k.limits.high);
                m.put("limits", Map.of("control", range));
            }
        }
        if (value instanceof ExternalDatumDTO && !m.containsKey("external")) m.put("external", "FILESTORE:");
        return m;
    }

    static String dtypeOf(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) return "integer";
        if (v instanceof Number) return "number";
        if (v instanceof Boolean) return "boolean";
        if (v instanceof String) return "string";
        if (v != null && (v.getClass().isArray() || v instanceof Collection)) return "array";
        return "string";
    }

    @SuppressWarnings("unused")
    private static void awaitQuietly(CompletableFuture<?> f, long ms) {
        try {
            f.get(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // ignore
        }
    }
}
