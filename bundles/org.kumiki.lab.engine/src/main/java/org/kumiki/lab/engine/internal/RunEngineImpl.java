package org.kumiki.lab.engine.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.kumiki.lab.api.Device;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.DocumentListener;
import org.kumiki.lab.api.EmergencyStopException;
import org.kumiki.lab.api.EngineState;
import org.kumiki.lab.api.LabConstants;
import org.kumiki.lab.api.LimitViolationException;
import org.kumiki.lab.api.Movable;
import org.kumiki.lab.api.Plan;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.RunEngine;
import org.kumiki.lab.api.RunRejectedException;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.lab.api.dto.DeviceDTO;
import org.kumiki.lab.api.dto.DocumentDTO;
import org.kumiki.lab.api.dto.LimitsDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.kumiki.lab.api.dto.RunSummaryDTO;
import org.kumiki.lab.api.dto.SuspenderDTO;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run engine. One plan at a time runs on its own thread ({@link Runner}); control calls
 * (pause, resume, stop, abort, emergency stop) signal it. Devices and document listeners are
 * whiteboard services.
 */
@Component(service = RunEngine.class, configurationPid = RunEngineImpl.PID, immediate = true)
@Designate(ocd = RunEngineImpl.Config.class)
public class RunEngineImpl implements RunEngine {

    public static final String PID = "org.kumiki.lab.engine";
    static final Logger LOG = LoggerFactory.getLogger(RunEngineImpl.class);

    @ObjectClassDefinition(name = "Kumiki lab run engine", description = "Plans, documents, suspenders and the emergency stop")
    public @interface Config {
        @AttributeDefinition(name = "State folder", description = "Run index and documents; empty means state/lab under the installation home")
        String state_dir() default "";

        @AttributeDefinition(name = "Checkpoint sync interval (ms)", description = "Every checkpoint hands the documents so far to the OS, so a killed "
                + "process loses nothing before its last checkpoint. 0: every checkpoint also fsyncs. N > 0: a checkpoint fsyncs when the last fsync is "
                + "N ms old or older, so a power loss or kernel crash loses at most N ms of documents", min = "0")
        long checkpoint_sync_ms() default 5;

        @AttributeDefinition(name = "Subscriber queue", description = "Documents queued per listener before the run waits for it", min = "16")
        int subscriber_queue() default 65536;

        @AttributeDefinition(name = "Suspender poll (ms)", min = "1")
        long suspender_poll_ms() default 20;

        @AttributeDefinition(name = "Reconnect poll (ms)", description = "How often a suspended run checks whether a lost instrument is back", min = "1")
        long reconnect_poll_ms() default 50;

        @AttributeDefinition(name = "Emergency stop timeout (ms)", description = "How long the emergency stop waits for every device's stop() before reporting it", min = "1")
        long estop_timeout_ms() default 1000;

        @AttributeDefinition(name = "Documents of the open run kept in memory", min = "0")
        int open_run_memory() default 10000;
    }

    /** Settings without OSGi (tests, benchmarks). */
    public record Settings(long checkpointSyncMs, int subscriberQueue, long suspenderPollMs, long reconnectPollMs, long estopTimeoutMs, int openRunMemory) {
        public static Settings defaults() {
            return new Settings(0, 65536, 20, 50, 1000, 10000);
        }
    }

    final Settings settings;
    final Devices devices = new Devices();
    final DocumentStore store;
    final Subscribers subscribers;
    private final ThreadPoolExecutor stopPool;
    private final Thread monitor;
    private volatile boolean closed;

    final Object lock = new Object();
    /** Notified at every state change ({@link #awaitState}). */
    private final Object stateChange = new Object();
    private volatile EngineState state = EngineState.IDLE;
    volatile Runner runner;
    private volatile boolean estop;
    private volatile String estopReason;

    private final Map<String, SuspenderDTO> suspenders = new ConcurrentHashMap<>();
    /** Suspender id to the reason it is tripped; absent when the signal is fine. */
    final Map<String, String> tripped = new ConcurrentHashMap<>();
    private final AtomicInteger suspenderIds = new AtomicInteger();

    /** Called by the run thread after each checkpoint's sync with the run's document count (tests). */
    volatile java.util.function.LongConsumer checkpointHook;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin events;

    /**
     * The only public constructor: DS picks a constructor by its number of arguments, and a
     * second public one with three arguments made SCR try it now and then and log "unsupported
     * type java.nio.file.Path". Code without OSGi uses {@link #create}.
     */
    @Activate
    public RunEngineImpl(@Reference JournalFactory journals, @Reference Installation installation, Config c) throws IOException {
        this(journals, c.state_dir().isBlank() ? installation.stateDirectory("lab") : Path.of(c.state_dir()),
                new Settings(c.checkpoint_sync_ms(), c.subscriber_queue(), c.suspender_poll_ms(), c.reconnect_poll_ms(), c.estop_timeout_ms(),
                        c.open_run_memory()));
    }

    /** An engine without OSGi (tests, benchmarks): state in {@code stateDir}. */
    public static RunEngineImpl create(JournalFactory journals, Path stateDir, Settings settings) throws IOException {
        return new RunEngineImpl(journals, stateDir, settings);
    }

    private RunEngineImpl(JournalFactory journals, Path stateDir, Settings settings) throws IOException {
        this.settings = settings;
        this.store = new DocumentStore(journals, stateDir.toAbsolutePath());
        this.subscribers = new Subscribers(settings.subscriberQueue());
        this.stopPool = new ThreadPoolExecutor(8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "kumiki-lab-estop");
            t.setDaemon(true);
            t.setPriority(Thread.MAX_PRIORITY);
            return t;
        });
        stopPool.prestartAllCoreThreads();
        this.monitor = new Thread(this::monitorLoop, "kumiki-lab-suspenders");
        monitor.setDaemon(true);
        monitor.start();
        LOG.info("lab run engine started with {} runs in {}", store.runs().size(), stateDir);
    }

    @Deactivate
    public void close() {
        closed = true;
        Runner r = runner;
        if (r != null) {
            r.raise(Signal.ABORT, "the engine is shutting down");
            try {
                r.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        monitor.interrupt();
        stopPool.shutdownNow();
        subscribers.closeAll();
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("closing the lab index: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ whiteboard

    @Reference(service = Device.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeDevice")
    public void addDevice(Device d, Map<String, Object> props) {
        String problem = org.kumiki.lab.api.whiteboard.DeviceProperties.problem(props);
        if (problem != null) {
            LOG.warn(problem); // a wrongly typed property (a capabilities String, not String[]) is refused, not ignored
            return;
        }
        devices.add(d, props);
    }

    public void removeDevice(Device d, Map<String, Object> props) {
        devices.remove(d, props);
    }

    @Reference(service = DocumentListener.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, unbind = "removeListener")
    public void addListener(DocumentListener l) {
        subscribers.add(l);
    }

    public void removeListener(DocumentListener l) {
        subscribers.remove(l);
    }

    // ------------------------------------------------------------------ state and events

    void setState(EngineState s, String runUid, String reason) {
        state = s;
        synchronized (stateChange) {
            stateChange.notifyAll();
        }
        post("STATE", runUid, reason);
    }

    @Override
    public boolean awaitState(long timeoutMillis, EngineState... states) throws InterruptedException {
        if (states == null || states.length == 0) throw new IllegalArgumentException("no state to wait for");
        Set<EngineState> wanted = EnumSet.noneOf(EngineState.class);
        for (EngineState s : states) {
            if (s == null) throw new IllegalArgumentException("a null state");
            wanted.add(s);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
        synchronized (stateChange) {
            while (!wanted.contains(state)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(stateChange, left);
            }
            return true;
        }
    }

    void post(String what, String runUid, String reason) {
        EventAdmin ea = events;
        if (ea == null) return;
        Map<String, Object> p = new HashMap<>();
        p.put("engine.state", state.name());
        if (runUid != null) p.put("run.uid", runUid);
        if (reason != null) p.put("reason", reason);
        try {
            ea.postEvent(new Event(LabConstants.TOPIC_PREFIX + what, p));
        } catch (RuntimeException e) {
            LOG.debug("event {} not posted: {}", what, e.toString());
        }
    }

    // ------------------------------------------------------------------ RunEngine

    @Override
    public CompletionStage<RunSummaryDTO> submit(Plan plan) throws RunRejectedException {
        if (plan == null) throw new RunRejectedException("no plan");
        if (closed) throw new RunRejectedException("the engine is shut down");
        if (estop) throw new RunRejectedException("emergency stop is active (" + estopReason + "): reset first");
        checkDevices(plan);
        checkPlanned(plan);
        synchronized (lock) {
            if (runner != null || state != EngineState.IDLE) throw new RunRejectedException("the engine is busy (" + state + ")");
            Runner r = new Runner(this, plan);
            runner = r;
            state = EngineState.RUNNING;
            r.thread.start();
            return r.result;
        }
    }

    /** Every device the plan names must be known, detectors as well as movables. */
    private void checkDevices(Plan plan) throws RunRejectedException {
        Set<String> named = new LinkedHashSet<>();
        try {
            Set<String> d = plan.devices();
            if (d != null) named.addAll(d);
            Map<String, List<Object>> planned = plan.plannedSetpoints();
            if (planned != null) named.addAll(planned.keySet());
        } catch (RuntimeException e) {
            throw new RunRejectedException("the plan's devices cannot be listed: " + e.getMessage(), e);
        }
        for (String name : named) {
            if (name == null || devices.entry(name) == null) throw new RunRejectedException(devices.unknown(name));
        }
    }

    /** Soft limits of every planned set point, before anything moves. */
    private void checkPlanned(Plan plan) throws RunRejectedException {
        Map<String, List<Object>> planned;
        try {
            planned = plan.plannedSetpoints();
        } catch (RuntimeException e) {
            throw new RunRejectedException("the plan's set points cannot be listed: " + e.getMessage(), e);
        }
        if (planned == null) return;
        for (Map.Entry<String, List<Object>> e : planned.entrySet()) {
            Device d;
            try {
                d = devices.get(e.getKey());
            } catch (DeviceException ex) {
                throw new RunRejectedException(ex.getMessage());
            }
            if (!(d instanceof Movable m)) throw new RunRejectedException("device '" + e.getKey() + "' cannot be set");
            for (Object v : e.getValue()) {
                try {
                    checkLimits(e.getKey(), m, v);
                } catch (LimitViolationException ex) {
                    throw new RunRejectedException(ex.getMessage(), ex);
                }
            }
        }
    }

    static void checkLimits(String name, Movable m, Object value) throws LimitViolationException {
        if (value == null) throw new LimitViolationException(name + ": no set point");
        LimitsDTO l = m.limits();
        if (l == null || (l.low == null && l.high == null)) return;
        double v;
        if (value instanceof Number n) {
            v = n.doubleValue();
        } else if (value instanceof String s) {
            try {
                v = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new LimitViolationException(name + ": '" + s + "' is not a number");
            }
        } else {
            throw new LimitViolationException(name + ": a number is required, not " + value.getClass().getSimpleName());
        }
        if (!Double.isFinite(v)) throw new LimitViolationException(name + ": " + v + " is not finite");
        if ((l.low != null && v < l.low) || (l.high != null && v > l.high)) {
            throw new LimitViolationException(name + ": set point " + v + " is outside the soft limits [" + l.low + ", " + l.high + "]");
        }
    }

    @Override
    public EngineState state() {
        return state;
    }

    @Override
    public Optional<String> currentRun() {
        Runner r = runner;
        return r == null ? Optional.empty() : Optional.ofNullable(r.runUid);
    }

    @Override
    public void pause(boolean deferred) {
        Runner r = runner;
        if (r == null) return;
        if (deferred) r.deferredPause = true;
        else r.raise(Signal.PAUSE, "paused by request");
    }

    @Override
    public void resume() throws RunRejectedException {
        Runner r = runner;
        if (r == null || state != EngineState.PAUSED) throw new RunRejectedException("nothing to resume: the engine is " + state);
        if (estop) throw new RunRejectedException("emergency stop is active: reset first");
        r.resumeRequested();
    }

    @Override
    public void stop() {
        Runner r = runner;
        if (r != null) r.raise(Signal.STOP, "stopped by request");
    }

    @Override
    public void abort(String reason) {
        Runner r = runner;
        if (r != null) r.raise(Signal.ABORT, reason == null || reason.isBlank() ? "aborted by request" : reason);
    }

    @Override
    public List<String> emergencyStop(String reason) {
        String why = reason == null || reason.isBlank() ? "emergency stop" : reason;
        estop = true;
        estopReason = why;
        Runner r = runner;
        if (r != null) r.raise(Signal.ABORT, "emergency stop: " + why);
        List<String> failed = stopAll(devices.allOf(Stoppable.class), settings.estopTimeoutMs());
        LOG.warn("EMERGENCY STOP ({}): every stoppable device stopped{}", why, failed.isEmpty() ? "" : ", except " + failed);
        post("ESTOP", r == null ? null : r.runUid, why);
        return failed;
    }

    /**
     * Calls stop() on every device at once: the calling thread and up to 8 pre-started helper
     * threads take devices from one shared list, so the common case costs no thread hand-off and
     * a device whose stop() hangs holds up only the thread that called it, never the other
     * devices. Names those that failed or did not return within the timeout.
     */
    List<String> stopAll(List<Stoppable> all, long timeoutMs) {
        int n = all.size();
        if (n == 0) return List.of();
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
        Throwable[] errors = new Throwable[n];
        boolean[] finished = new boolean[n];
        Runnable worker = () -> {
            for (int i; (i = next.getAndIncrement()) < n;) {
                try {
                    all.get(i).stop();
                } catch (Throwable t) {
                    errors[i] = t;
                } finally {
                    finished[i] = true;
                    done.countDown();
                }
            }
        };
        int helpers = Math.min(n - 1, stopPool.getCorePoolSize());
        for (int h = 0; h < helpers; h++) {
            try {
                stopPool.execute(worker);
            } catch (RuntimeException e) {
                break; // shut down: the calling thread does it all
            }
        }
        worker.run();
        try {
            done.await(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (errors[i] != null || !finished[i]) {
                failed.add(all.get(i).name());
                LOG.error("device {} did not stop: {}", all.get(i).name(), errors[i] == null ? "no answer within " + timeoutMs + " ms" : errors[i].toString());
            }
        }
        return failed;
    }

    @Override
    public void reset() {
        if (!estop) return;
        estop = false;
        LOG.warn("emergency stop reset ({})", estopReason);
        estopReason = null;
        post("RESET", null, null);
    }

    @Override
    public boolean emergencyStopActive() {
        return estop;
    }

    String estopReason() {
        return estopReason;
    }

    @Override
    public Optional<String> emergencyStopReason() {
        String why = estopReason;
        return estop ? Optional.of(why == null ? "emergency stop" : why) : Optional.empty();
    }

    void checkMotionAllowed(String device) throws EmergencyStopException {
        if (estop) throw new EmergencyStopException("emergency stop is active (" + estopReason + "): " + device + " may not move until reset");
    }

    @Override
    public Map<String, ReadingDTO> read(String device) throws DeviceException {
        Device d = devices.get(device);
        if (!(d instanceof Readable r)) throw new DeviceException("device '" + device + "' cannot be read");
        return r.read();
    }

    @Override
    public void set(String device, Object value, long timeoutMillis) throws DeviceException {
        Device d = devices.get(device);
        if (!(d instanceof Movable m)) throw new DeviceException("device '" + device + "' cannot be set");
        checkMotionAllowed(device);
        checkLimits(device, m, value);
        String owner = "direct-" + Thread.currentThread().getId() + "-" + System.nanoTime();
        devices.lock(device, owner);
        try {
            CompletableFuture<Void> f = m.set(value).toCompletableFuture();
            try {
                f.get(Math.max(1, timeoutMillis), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (d instanceof Stoppable s) s.stop();
                throw new DeviceException(device + " did not arrive within " + timeoutMillis + " ms; stopped");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof DeviceException de) throw de;
                throw new DeviceException(device + ": " + c, c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DeviceException("interrupted");
            }
        } finally {
            devices.unlock(device, owner);
        }
    }

    @Override
    public List<DeviceDTO> devices() {
        List<DeviceDTO> l = new ArrayList<>();
        for (Devices.Entry e : devices.all()) {
            DeviceDTO d = new DeviceDTO();
            Device dev = e.device();
            d.name = Devices.nameOf(dev, e.properties());
            d.kind = str(e.properties().get(LabConstants.DEVICE_KIND));
            d.vendor = str(e.properties().get(LabConstants.DEVICE_VENDOR));
            d.location = str(e.properties().get(LabConstants.DEVICE_LOCATION));
            List<String> caps = new ArrayList<>();
            if (dev instanceof Readable) caps.add("readable");
            if (dev instanceof Movable) caps.add("movable");
            if (dev instanceof Triggerable) caps.add("triggerable");
            if (dev instanceof Stoppable) caps.add("stoppable");
            Object declared = e.properties().get(LabConstants.DEVICE_CAPABILITIES);
            if (declared instanceof String[] a) {
                for (String s : a) if (!caps.contains(s)) caps.add(s);
            }
            d.capabilities = caps;
            try {
                d.connected = dev.connected();
            } catch (RuntimeException ex) {
                d.connected = false;
            }
            d.lockedBy = devices.owner(d.name);
            if (dev instanceof Movable m) {
                try {
                    d.limits = m.limits();
                } catch (RuntimeException ex) {
                    d.limits = null;
                }
            }
            l.add(d);
        }
        l.sort(java.util.Comparator.comparing(x -> x.name));
        return l;
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    @Override
    public AutoCloseable subscribe(DocumentListener listener) {
        if (listener == null) throw new IllegalArgumentException("no listener");
        return subscribers.add(listener);
    }

    @Override
    public String addSuspender(SuspenderDTO s) throws RunRejectedException {
        if (s == null || s.device == null) throw new RunRejectedException("a suspender needs a device");
        Device d;
        try {
            d = devices.get(s.device);
        } catch (DeviceException e) {
            throw new RunRejectedException(e.getMessage());
        }
        if (!(d instanceof Readable)) throw new RunRejectedException("device '" + s.device + "' cannot be read");
        if (s.low == null && s.high == null) throw new RunRejectedException("a suspender needs a low or a high limit");
        if ((s.low != null && !Double.isFinite(s.low)) || (s.high != null && !Double.isFinite(s.high))) throw new RunRejectedException("limits must be finite");
        if (!(s.hysteresis >= 0) || !Double.isFinite(s.hysteresis)) throw new RunRejectedException("hysteresis must be >= 0");
        if (s.low != null && s.high != null && s.low + s.hysteresis >= s.high - s.hysteresis) {
            throw new RunRejectedException("the resume band [low + hysteresis, high - hysteresis] is empty");
        }
        if (!(s.sleepSeconds >= 0) || s.sleepSeconds > 3600) throw new RunRejectedException("sleep must be within 0..3600 s");
        SuspenderDTO copy = new SuspenderDTO();
        copy.device = s.device;
        copy.key = s.key;
        copy.low = s.low;
        copy.high = s.high;
        copy.hysteresis = s.hysteresis;
        copy.sleepSeconds = s.sleepSeconds;
        String id = "susp-" + suspenderIds.incrementAndGet();
        suspenders.put(id, copy);
        return id;
    }

    @Override
    public void removeSuspender(String id) {
        if (id == null) return;
        suspenders.remove(id);
        tripped.remove(id);
    }

    @Override
    public Map<String, SuspenderDTO> suspenders() {
        return new LinkedHashMap<>(suspenders);
    }

    /** Polls the suspenders' signals; trips and clears them with hysteresis; suspends a running plan. */
    private void monitorLoop() {
        while (!closed) {
            try {
                Thread.sleep(settings.suspenderPollMs());
            } catch (InterruptedException e) {
                return;
            }
            for (Map.Entry<String, SuspenderDTO> e : suspenders.entrySet()) {
                SuspenderDTO s = e.getValue();
                String id = e.getKey();
                Double v = null;
                String problem = null;
                try {
                    Device d = devices.get(s.device);
                    Map<String, ReadingDTO> r = ((Readable) d).read();
                    ReadingDTO rd = s.key == null ? (r.isEmpty() ? null : r.values().iterator().next()) : r.get(s.key);
                    if (rd != null && rd.value instanceof Number n) v = n.doubleValue();
                    else problem = s.device + (s.key == null ? "" : "." + s.key) + " gave no number";
                } catch (DeviceException | RuntimeException ex) {
                    problem = "suspender signal " + s.device + " unreadable: " + ex.getMessage();
                }
                boolean wasTripped = tripped.containsKey(id);
                if (problem != null) {
                    tripped.put(id, problem);
                } else if (!wasTripped) {
                    if ((s.low != null && v < s.low) || (s.high != null && v > s.high)) {
                        tripped.put(id, s.device + " = " + v + " is outside [" + s.low + ", " + s.high + "]");
                    }
                } else {
                    boolean inside = (s.low == null || v >= s.low + s.hysteresis) && (s.high == null || v <= s.high - s.hysteresis);
                    if (inside) tripped.remove(id);
                }
            }
            Runner r = runner;
            if (r != null && state == EngineState.RUNNING && !tripped.isEmpty()) {
                r.raise(Signal.SUSPEND, String.join("; ", tripped.values()));
            }
        }
    }

    double maxSuspenderSleep() {
        double m = 0;
        for (SuspenderDTO s : suspenders.values()) m = Math.max(m, s.sleepSeconds);
        return m;
    }

    @Override
    public List<RunSummaryDTO> runs() {
        return store.runs();
    }

    @Override
    public List<DocumentDTO> documents(String runUid) throws RunRejectedException {
        if (runUid == null || !DocumentStore.RUN_UID.matcher(runUid).matches()) throw new RunRejectedException("not a run uid: " + runUid);
        Runner r = runner;
        if (r != null && runUid.equals(r.runUid)) {
            List<DocumentDTO> mem = r.memory();
            if (mem == null) throw new RunRejectedException("run " + runUid + " is still writing more than " + settings.openRunMemory()
                    + " documents; read them after it closes");
            return mem;
        }
        if (store.summary(runUid) == null) throw new RunRejectedException("unknown run " + runUid);
        try {
            return store.documents(runUid);
        } catch (IOException e) {
            throw new RunRejectedException("documents of " + runUid + " cannot be read: " + e.getMessage(), e);
        }
    }

    void runEnded(Runner r) {
        synchronized (lock) {
            if (runner == r) runner = null;
            setState(EngineState.IDLE, r.runUid, null);
        }
    }
}
