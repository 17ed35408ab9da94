package org.kumiki.scheduler.pilot.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.kumiki.platform.api.Installation;
import org.kumiki.scheduler.api.Launcher;
import org.kumiki.scheduler.api.Scheduler;
import org.kumiki.scheduler.api.TaskRejectedException;
import org.kumiki.scheduler.api.dto.BackendDTO;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.api.spi.TaskExecution;
import org.kumiki.scheduler.pilot.protocol.Frames;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The {@code pilot} execution backend and the pilots behind it. A pilot is ONE task submitted
 * through the Scheduler to another backend (Slurm) whose job starts long-lived worker processes
 * (the worker distribution in pilot mode); they connect back here, prove they know the pilot's
 * secret, and pull tasks. Nothing listens until the first pilot starts (or, after a restart, until
 * a pilot persisted in the state folder is found still live).
 *
 * <p>Tasks routed to {@code pilot} are queued here (capacity is unbounded) and handed to the
 * worker with the most free slots. A worker that disconnects keeps its tasks for
 * {@code 4 x heartbeat} (it reconnects with backoff); a pilot whose allocation ends hands its
 * running tasks back as LOST, and the scheduler retries them by the task's retries on another
 * pilot. After a container restart the workers reconnect and report what they ran meanwhile;
 * until every worker of every live pilot is back (or the re-attach grace passes) nothing new is
 * dispatched, so a task whose start the journal had not yet recorded is bound to the worker
 * already running it rather than started twice.
 */
@Component(service = {ExecutionBackend.class, PilotManager.class}, property = ExecutionBackend.NAME + "=" + PilotManager.BACKEND,
        configurationPid = PilotManager.PID)
@Designate(ocd = PilotManager.Config.class)
public class PilotManager implements ExecutionBackend {

    public static final String PID = "org.kumiki.scheduler.pilot";
    public static final String BACKEND = "pilot";
    /** The Slurm backend's name: there a pilot's workers are started by srun, one per Slurm task. */
    static final String SLURM = "slurm";
    static final String NO_PILOT = "no pilot is live: start one with sched:pilot start --backend slurm --nodes 1 --walltime 1h";
    private static final Logger LOG = LoggerFactory.getLogger(PilotManager.class);

    @ObjectClassDefinition(name = "Kumiki pilot workers", description = "Where pilot workers connect, how they are started and watched")
    public @interface Config {
        @AttributeDefinition(name = "Listen address", description = "Interface the container accepts pilot workers on (loopback by default); opened at the first pilot start")
        String listen_address() default "127.0.0.1";

        @AttributeDefinition(name = "Port", description = "TCP port; 0 picks a free one at the first pilot start and keeps it (state folder) so that workers find the container again after a restart", min = "0", max = "65535")
        int port() default 0;

        @AttributeDefinition(name = "Advertised address", description = "Host name or address the workers connect to; empty means the listen address")
        String advertised_address() default "";

        @AttributeDefinition(name = "Heartbeat (ms)", description = "Workers ping this often; silent for 4 heartbeats means disconnected", min = "50")
        long heartbeat_ms() default 2000;

        @AttributeDefinition(name = "Re-attach grace (ms)", description = "After a restart: how long to wait for the workers of live pilots before their unreported tasks are LOST", min = "0")
        long reattach_grace_ms() default 30_000;

        @AttributeDefinition(name = "Worker jar", description = "The worker distribution jar as the pilot's nodes see it; empty means the framework property kumiki.worker.jar")
        String worker_jar() default "";

        @AttributeDefinition(name = "Java on compute nodes", description = "Java executable the pilot job runs the workers with")
        String worker_java() default "java";

        @AttributeDefinition(name = "State folder", description = "Pilot ids, secrets and launch scripts; empty means state/pilot under the installation home. Must be visible to the pilot's nodes")
        String state_dir() default "";
    }

    /** How a pilot is started; checked by {@link #startPilot}. */
    public static final class StartOptions {
        public String backend;
        public int nodes = 1;
        public long walltimeSeconds;
        public int workersPerNode = 1;
        public int slots = 8;
        public String partition;
    }

    /** A pilot as {@code sched:pilots} shows it. */
    public static final class PilotInfo {
        public String id;
        public String taskId;
        public String backend;
        public String backendJobId;
        public int nodes;
        public int workersExpected;
        public int workersConnected;
        public String state;
        public int running;
        public long done;
    }

    enum State { STARTING, RUNNING, RECONNECTING, STOPPING, ENDED }

    static final class Pilot {
        String id;
        String taskId;
        String backend;
        int nodes;
        int workersPerNode;
        int slots;
        long walltimeSeconds;
        byte[] secret;
        State state = State.STARTING;
        String endReason;
        long done;
        final Map<String, Conn> workers = new LinkedHashMap<>();

        int expected() {
            return nodes * workersPerNode;
        }

        boolean live() {
            return state != State.ENDED && state != State.STOPPING;
        }
    }

    final class Conn {
        final Pilot pilot;
        final String name;
        final Socket socket;
        final DataOutputStream out;
        final int slots;
        final Map<String, Job> inflight = new LinkedHashMap<>();
        volatile long lastSeen = System.currentTimeMillis();
        boolean connected = true;
        long disconnectedAt;

        Conn(Pilot pilot, String name, Socket socket, DataOutputStream out, int slots) {
            this.pilot = pilot;
            this.name = name;
            this.socket = socket;
            this.out = out;
            this.slots = slots;
        }

        void send(ObjectNode m) {
            try {
                Frames.write(out, m);
            } catch (IOException e) {
                close(socket);
            }
        }
    }

    static final class Job {
        final TaskExecution exec;
        final String key;
        Conn conn;

        Job(TaskExecution exec) {
            this.exec = exec;
            this.key = exec.taskId() + "#" + exec.attempt();
        }
    }

    private final Scheduler scheduler;
    private final Path stateDir;
    private final String listenAddress;
    private final int configuredPort;
    private final String advertisedAddress;
    private final long heartbeatMs;
    private final long graceMs;
    private final String workerJar;
    private final String workerJava;
    private final SecureRandom random = new SecureRandom();

    // guarded by this
    private final Map<String, Pilot> pilots = new LinkedHashMap<>();
    private final ArrayDeque<Job> queue = new ArrayDeque<>();
    /** Every job handed to this backend and not ended, by task id. */
    private final Map<String, Job> jobs = new HashMap<>();
    /** After a restart: tasks the scheduler re-attached, waiting for their worker to report, by key (taskId#attempt). */
    private final Map<String, Job> awaiting = new HashMap<>();
    /** What reconnected workers report for attempts the scheduler has not handed back (yet), by key; ends expire after 10 minutes. */
    private final Map<String, Conn> orphanRunning = new HashMap<>();
    private final Map<String, ObjectNode> orphanDone = new HashMap<>();
    private final Map<String, Long> orphanDoneAt = new HashMap<>();
    static final long ORPHAN_MS = 600_000;
    private long holdUntil;
    private ServerSocket server;
    private ScheduledExecutorService timer;
    private boolean closed;

    @Activate
    public PilotManager(@Reference Scheduler scheduler, @Reference Installation installation, BundleContext context, Config config) {
        this(scheduler, config.state_dir().isBlank() ? installation.stateDirectory("pilot") : Path.of(config.state_dir()), config,
                context.getProperty("kumiki.worker.jar"));
    }

    PilotManager(Scheduler scheduler, Path stateDir, Config config, String frameworkWorkerJar) {
        this.scheduler = scheduler;
        this.stateDir = stateDir.toAbsolutePath();
        this.listenAddress = config.listen_address().isBlank() ? "127.0.0.1" : config.listen_address().trim();
        this.configuredPort = config.port();
        this.advertisedAddress = config.advertised_address().isBlank() ? listenAddress : config.advertised_address().trim();
        this.heartbeatMs = Math.max(50, config.heartbeat_ms());
        this.graceMs = Math.max(0, config.reattach_grace_ms());
        String jar = config.worker_jar().isBlank() ? frameworkWorkerJar : config.worker_jar();
        this.workerJar = jar == null || jar.isBlank() ? null : jar.trim();
        this.workerJava = config.worker_java().isBlank() ? "java" : config.worker_java().trim();
        reloadPersisted();
    }

    // ------------------------------------------------------------------ pilots

    /** Starts a pilot: one task on {@code options.backend} that runs the workers. Throws IllegalArgumentException with one line for bad input. */
    public PilotInfo startPilot(StartOptions o) {
        if (o.nodes < 1) throw new IllegalArgumentException("--nodes must be at least 1, not " + o.nodes);
        if (o.nodes > 4096) throw new IllegalArgumentException("--nodes must be at most 4096, not " + o.nodes);
        if (o.walltimeSeconds <= 0) throw new IllegalArgumentException("--walltime must be positive, e.g. 30m or 2:00:00");
        if (o.workersPerNode < 1 || o.workersPerNode > 256) throw new IllegalArgumentException("--workers-per-node must be between 1 and 256, not " + o.workersPerNode);
        if (o.slots < 1 || o.slots > 1024) throw new IllegalArgumentException("--slots must be between 1 and 1024, not " + o.slots);
        if (o.backend == null || o.backend.isBlank()) throw new IllegalArgumentException("--backend is required (e.g. --backend slurm)");
        if (BACKEND.equals(o.backend)) throw new IllegalArgumentException("a pilot cannot run on the pilot backend itself");
        List<String> known = new ArrayList<>();
        for (BackendDTO b : scheduler.backends()) known.add(b.name);
        if (!known.contains(o.backend)) throw new IllegalArgumentException("unknown backend '" + o.backend + "' (known: " + String.join(", ", known) + ")");
        if (workerJar == null) throw new IllegalArgumentException("no worker jar configured (org.kumiki.scheduler.pilot worker.jar or the framework property kumiki.worker.jar)");
        int port = ensureListening();
        Pilot p = new Pilot();
        p.id = "pilot-" + HexFormat.of().formatHex(bytes(4));
        p.backend = o.backend;
        p.nodes = o.nodes;
        p.workersPerNode = o.workersPerNode;
        p.slots = o.slots;
        p.walltimeSeconds = o.walltimeSeconds;
        p.secret = bytes(32);
        Path dir = stateDir.resolve(p.id);
        try {
            Files.createDirectories(dir);
            Path secret = dir.resolve("secret");
            Files.createFile(secret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(secret, p.secret);
            Path launch = dir.resolve("launch.sh");
            Files.writeString(launch, launchScript(p, secret, port, perTask(o)), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the pilot's files in " + dir + ": " + e.getMessage(), e);
        }
        TaskSpec spec = pilotTask(p.id, o, dir.resolve("launch.sh"));
        spec.labels.put("kumiki.pilot", p.id);
        spec.stdout = dir.resolve("stdout").toString();
        spec.stderr = dir.resolve("stderr").toString();
        synchronized (this) {
            pilots.put(p.id, p); // before submit: the workers may connect at once
        }
        TaskRecordDTO r;
        try {
            r = scheduler.submit(spec);
        } catch (TaskRejectedException e) {
            synchronized (this) {
                pilots.remove(p.id);
            }
            throw new IllegalArgumentException("the " + o.backend + " backend rejected the pilot: " + e.getMessage());
        }
        synchronized (this) {
            p.taskId = r.id;
        }
        persist(p);
        watch(p);
        LOG.info("pilot {} submitted as {} on {}", p.id, r.id, o.backend);
        return info(p);
    }

    /**
     * Whether the pilot's workers are Slurm tasks started by {@code srun --ntasks-per-node=K}
     * (one worker each): on more than one node, and on the Slurm backend; otherwise the launch
     * script starts the node's K workers itself.
     */
    static boolean perTask(StartOptions o) {
        return o.nodes > 1 || SLURM.equals(o.backend);
    }

    /**
     * The pilot's one task. On Slurm (or more than one node): {@code nodes=N, tasks=N*K} (one core
     * each) and the command {@code srun --nodes=N --ntasks=N*K --ntasks-per-node=K sh launch.sh},
     * so that every node of the allocation gets its K workers (launcher NONE: srun is the command).
     * Otherwise {@code sh launch.sh} holding K cores.
     */
    static TaskSpec pilotTask(String id, StartOptions o, Path launch) {
        TaskSpec spec;
        if (perTask(o)) {
            int tasks = o.nodes * o.workersPerNode;
            spec = TaskSpec.command(id, "srun", "--nodes=" + o.nodes, "--ntasks=" + tasks,
                    "--ntasks-per-node=" + o.workersPerNode, "sh", launch.toString());
            spec.resources.nodes = o.nodes;
            spec.resources.tasks = tasks;
            spec.resources.cpusPerTask = 1;
            spec.launcher = Launcher.NONE;
        } else {
            spec = TaskSpec.command(id, "sh", launch.toString());
            spec.resources.cpus = o.workersPerNode;
        }
        spec.backend = o.backend;
        spec.partition = o.partition;
        spec.resources.walltimeSeconds = o.walltimeSeconds;
        return spec;
    }

    String launchScript(Pilot p, Path secret, int port, boolean perTask) {
        StringBuilder b = new StringBuilder("#!/bin/sh\n# pilot ").append(p.id).append(": ");
        if (perTask) {
            // one worker per Slurm task: srun --ntasks-per-node=K starts K of these on every node
            b.append("one worker per Slurm task (").append(p.workersPerNode).append(" per node, ").append(p.nodes)
                    .append(" node(s)), each running ").append(p.slots).append(" task(s) at a time\n");
            b.append("i=$((${SLURM_LOCALID:-0}+1))\n");
            b.append("w=").append(q(secret.getParent().resolve("workers").toString())).append("/\"$(hostname)-$i\"\nmkdir -p \"$w\"\nexec ");
        } else {
            b.append(p.workersPerNode).append(" worker(s) on this node, each running ").append(p.slots).append(" task(s) at a time\n");
            // each worker its own home: the worker distribution keeps journals under it
            b.append("i=0\nwhile [ $i -lt ").append(p.workersPerNode).append(" ]; do\n  i=$((i+1))\n");
            b.append("  w=").append(q(secret.getParent().resolve("workers").toString())).append("/\"$(hostname)-$i\"\n  mkdir -p \"$w\"\n  ");
        }
        b.append(q(workerJava)).append(" -Dkumiki.home=\"$w\"").append(" -Dkumiki.worker.pilot.connect=").append(q(advertisedAddress + ":" + port))
                .append(" -Dkumiki.worker.pilot.id=").append(q(p.id))
                .append(" -Dkumiki.worker.pilot.name=\"$(hostname)-$i\"")
                .append(" -Dkumiki.worker.pilot.secret.file=").append(q(secret.toString()))
                .append(" -Dkumiki.worker.pilot.slots=").append(p.slots)
                .append(" -Dkumiki.worker.pilot.heartbeat.ms=").append(heartbeatMs)
                .append(" -jar ").append(q(workerJar)).append(perTask ? "\n" : " &\ndone\nwait\n");
        return b.toString();
    }

    static String q(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Stops a pilot: its workers are told to stop, its task is cancelled; its running tasks are LOST (and retried by policy). */
    public PilotInfo stopPilot(String id) {
        Pilot p;
        List<Conn> conns;
        synchronized (this) {
            p = pilots.get(id);
            if (p == null) throw new IllegalArgumentException("no pilot '" + id + "' (sched:pilots lists them)");
            if (!p.live()) return info(p);
            p.state = State.STOPPING;
            conns = new ArrayList<>(p.workers.values());
        }
        ObjectNode stop = Frames.MAPPER.createObjectNode().put("t", "stop");
        for (Conn c : conns) c.send(stop);
        end(p, "stopped with sched:pilot stop");
        if (p.taskId != null) {
            try {
                scheduler.cancel(p.taskId);
            } catch (TaskRejectedException e) {
                // already gone
            }
        }
        return info(p);
    }

    public synchronized List<PilotInfo> pilots() {
        List<PilotInfo> out = new ArrayList<>();
        for (Pilot p : pilots.values()) out.add(info(p));
        return out;
    }

    private synchronized PilotInfo info(Pilot p) {
        PilotInfo i = new PilotInfo();
        i.id = p.id;
        i.taskId = p.taskId;
        i.backend = p.backend;
        i.nodes = p.nodes;
        i.workersExpected = p.expected();
        i.state = p.state.name();
        i.done = p.done;
        for (Conn c : p.workers.values()) {
            if (c.connected) i.workersConnected++;
            i.running += c.inflight.size();
        }
        if (p.taskId != null) {
            try {
                i.backendJobId = scheduler.get(p.taskId).map(r -> r.backendJobId).orElse(null);
            } catch (RuntimeException e) {
                i.backendJobId = null;
            }
        }
        return i;
    }

    /** When the pilot's task ends (scancel, walltime, its workers exited), its running tasks are LOST. */
    private void watch(Pilot p) {
        try {
            scheduler.await(p.taskId).whenComplete((r, ex) -> end(p, r == null ? "its task ended"
                    : "its task " + r.id + " ended " + r.state + (r.reason == null ? "" : " (" + r.reason + ")")));
        } catch (TaskRejectedException e) {
            end(p, "its task " + p.taskId + " is unknown to the scheduler");
        }
    }

    private void end(Pilot p, String why) {
        List<Job> lost = new ArrayList<>();
        List<Conn> conns;
        synchronized (this) {
            if (p.state == State.ENDED) return;
            p.state = State.ENDED;
            p.endReason = why;
            conns = new ArrayList<>(p.workers.values());
            for (Conn c : conns) {
                for (Job j : c.inflight.values()) {
                    jobs.remove(j.exec.taskId(), j);
                    lost.add(j);
                }
                c.inflight.clear();
                c.connected = false;
            }
            for (Iterator<Job> it = awaiting.values().iterator(); it.hasNext();) {
                Job j = it.next();
                if (j.exec.taskId() != null && p.id.equals(pilotOf(j))) {
                    it.remove();
                    lost.add(j);
                }
            }
            notifyAll();
        }
        for (Conn c : conns) close(c.socket);
        try {
            Files.deleteIfExists(stateDir.resolve(p.id).resolve("pilot.json"));
        } catch (IOException e) {
            LOG.warn("cannot remove the record of pilot {}: {}", p.id, e.getMessage());
        }
        for (Job j : lost) j.exec.lost("pilot " + p.id + " ended while the task ran: " + why);
        LOG.info("pilot {} ended: {}; {} running task(s) handed back as LOST", p.id, why, lost.size());
        dispatch();
    }

    private final Map<String, String> reattachIds = new HashMap<>();

    private String pilotOf(Job j) {
        String id = reattachIds.get(j.exec.taskId());
        if (id == null) return null;
        int c = id.indexOf(':');
        return c < 0 ? id : id.substring(0, c);
    }

    // ------------------------------------------------------------------ persistence

    private void persist(Pilot p) {
        ObjectNode n = Frames.MAPPER.createObjectNode();
        n.put("id", p.id).put("taskId", p.taskId).put("backend", p.backend).put("nodes", p.nodes)
                .put("workersPerNode", p.workersPerNode).put("slots", p.slots).put("walltimeSeconds", p.walltimeSeconds);
        try {
            Path f = stateDir.resolve(p.id).resolve("pilot.json");
            Path tmp = f.resolveSibling("pilot.json.tmp");
            Files.write(tmp, Frames.MAPPER.writeValueAsBytes(n));
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot record pilot {} in {}: {}; a restart will not re-attach to it", p.id, stateDir, e.getMessage());
        }
    }

    /** At activation: pilots recorded by the previous container whose task is still live come back as RECONNECTING. */
    private void reloadPersisted() {
        if (!Files.isDirectory(stateDir)) return;
        List<Pilot> back = new ArrayList<>();
        try (var dirs = Files.list(stateDir)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                Path f = d.resolve("pilot.json");
                if (!Files.isRegularFile(f)) continue;
                try {
                    JsonNode n = Frames.MAPPER.readTree(f.toFile());
                    Pilot p = new Pilot();
                    p.id = n.path("id").asText();
                    p.taskId = n.path("taskId").asText(null);
                    p.backend = n.path("backend").asText();
                    p.nodes = n.path("nodes").asInt(1);
                    p.workersPerNode = n.path("workersPerNode").asInt(1);
                    p.slots = n.path("slots").asInt(1);
                    p.walltimeSeconds = n.path("walltimeSeconds").asLong();
                    p.secret = Files.readAllBytes(d.resolve("secret"));
                    Optional<TaskRecordDTO> r = p.taskId == null ? Optional.empty() : scheduler.get(p.taskId);
                    if (r.isEmpty() || r.get().state.isTerminal()) {
                        Files.deleteIfExists(f);
                        continue;
                    }
                    p.state = State.RECONNECTING;
                    back.add(p);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("ignoring the pilot record {}: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the pilot records in {}: {}", stateDir, e.getMessage());
        }
        if (back.isEmpty()) return;
        synchronized (this) {
            for (Pilot p : back) pilots.put(p.id, p);
            holdUntil = System.currentTimeMillis() + graceMs;
        }
        ensureListening();
        for (Pilot p : back) watch(p);
        LOG.info("re-attaching to {} live pilot(s); new tasks wait up to {} ms for their workers", back.size(), graceMs);
    }

    // ------------------------------------------------------------------ listener

    private int ensureListening() {
        synchronized (this) {
            if (closed) throw new IllegalStateException("the pilot manager is stopped");
            if (server != null) return server.getLocalPort();
            int port = configuredPort;
            Path portFile = stateDir.resolve("port");
            if (port == 0 && Files.isRegularFile(portFile)) {
                try {
                    port = Integer.parseInt(Files.readString(portFile).trim());
                } catch (IOException | NumberFormatException e) {
                    port = 0;
                }
            }
            try {
                ServerSocket s = new ServerSocket();
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(listenAddress), port));
                server = s;
                Files.createDirectories(stateDir);
                Files.writeString(portFile, Integer.toString(s.getLocalPort()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot listen for pilot workers on " + listenAddress + ":" + port + ": " + e.getMessage(), e);
            }
            timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "kumiki-pilot-timer"));
            timer.scheduleWithFixedDelay(this::sweep, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
            ServerSocket s = server;
            daemon(() -> accept(s), "kumiki-pilot-accept").start();
            LOG.info("accepting pilot workers on {}:{}", listenAddress, s.getLocalPort());
            return s.getLocalPort();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            try {
                Socket c = s.accept();
                daemon(() -> serve(c), "kumiki-pilot-conn").start();
            } catch (IOException e) {
                if (!s.isClosed()) LOG.warn("accepting a pilot worker failed: {}", e.getMessage());
            }
        }
    }

    private void serve(Socket socket) {
        Conn conn = null;
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) Math.min(10_000, Math.max(1000, heartbeatMs * 4)));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            String nonce = HexFormat.of().formatHex(bytes(32));
            Frames.write(out, Frames.MAPPER.createObjectNode().put("t", "challenge").put("nonce", nonce));
            ObjectNode hello = Frames.read(in);
            String why = null;
            Pilot p;
            synchronized (this) {
                p = pilots.get(hello.path("pilot").asText());
                if (!"hello".equals(hello.path("t").asText())) why = "expected hello";
                else if (p == null || !p.live()) why = "unknown or ended pilot";
                else if (!MessageDigest.isEqual(hmac(p.secret, nonce), hello.path("mac").asText().getBytes(StandardCharsets.UTF_8))) why = "wrong secret";
            }
            if (why != null) {
                Frames.write(out, Frames.MAPPER.createObjectNode().put("t", "reject").put("reason", why));
                LOG.warn("refused a pilot worker from {}: {}", socket.getRemoteSocketAddress(), why);
                return;
            }
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, heartbeatMs * 4));
            String name = hello.path("worker").asText("worker");
            int slots = Math.max(1, Math.min(1024, hello.path("slots").asInt(1)));
            conn = new Conn(p, name, socket, out, slots);
            List<ObjectNode> done = new ArrayList<>();
            hello.path("done").forEach(n -> {
                if (n.isObject()) done.add((ObjectNode) n);
            });
            attach(conn, hello.path("running"));
            Frames.write(out, Frames.MAPPER.createObjectNode().put("t", "welcome"));
            for (ObjectNode d : done) result(conn, d);
            dispatch();
            ObjectNode pong = Frames.MAPPER.createObjectNode().put("t", "pong");
            while (true) {
                ObjectNode m = Frames.read(in);
                conn.lastSeen = System.currentTimeMillis();
                switch (m.path("t").asText()) {
                    case "result" -> {
                        result(conn, m);
                        dispatch();
                    }
                    case "ping" -> conn.send(pong);
                    default -> { }
                }
            }
        } catch (IOException e) {
            // the worker went away (or never authenticated); its tasks wait for it to come back
        } finally {
            close(socket);
            if (conn != null) detach(conn);
        }
    }

    private static byte[] hmac(byte[] secret, String nonce) {
        return Frames.hmac(secret, nonce).getBytes(StandardCharsets.UTF_8);
    }

    /** A worker (re)connected: replaces an older connection of the same name, and binds what it says it runs. */
    private void attach(Conn conn, JsonNode running) {
        Conn old;
        synchronized (this) {
            Pilot p = conn.pilot;
            old = p.workers.put(conn.name, conn);
            if (old != null) {
                conn.inflight.putAll(old.inflight);
                for (Job j : old.inflight.values()) j.conn = conn;
                old.inflight.clear();
                old.connected = false;
            }
            for (JsonNode k : running) {
                String key = k.asText();
                String taskId = key.contains("#") ? key.substring(0, key.lastIndexOf('#')) : key;
                Job j = awaiting.remove(key);
                if (j == null) {
                    j = jobs.get(taskId);
                    if (j != null && (j.conn != null || !j.key.equals(key))) j = null;
                    else if (j != null) queue.remove(j); // restarted before the journal had its start
                }
                if (j != null) bind(j, conn, key);
                else orphanRunning.put(key, conn);
            }
            if (p.state == State.STARTING || p.state == State.RECONNECTING) {
                long connected = p.workers.values().stream().filter(c -> c.connected).count();
                if (p.state == State.STARTING || connected >= p.expected()) p.state = State.RUNNING;
            }
        }
        if (old != null) close(old.socket);
    }

    private void bind(Job j, Conn conn, String key) {
        j.conn = conn;
        jobs.put(j.exec.taskId(), j);
        conn.inflight.put(j.key, j);
        if (!key.equals(j.key)) conn.inflight.put(key, j); // the worker's key for it
    }

    private void detach(Conn conn) {
        synchronized (this) {
            if (conn.pilot.workers.get(conn.name) == conn) {
                conn.connected = false;
                conn.disconnectedAt = System.currentTimeMillis();
            }
        }
    }

    private void result(Conn conn, ObjectNode m) {
        String key = m.path("key").asText();
        String taskId = m.path("task").asText();
        Job j;
        synchronized (this) {
            j = conn.inflight.remove(key);
            if (j != null) {
                Job bound = j;
                conn.inflight.values().removeIf(x -> x == bound);
            }
            if (j == null) j = awaiting.remove(key);
            orphanRunning.remove(key);
            if (j == null) {
                Job q = jobs.get(taskId);
                if (q != null && q.conn == null && q.key.equals(key)) {
                    queue.remove(q); // restarted before the journal had its start: it ran already
                    j = q;
                }
            }
            if (j == null) {
                orphanDone.put(key, m); // the scheduler may hand this attempt back soon (after a restart)
                orphanDoneAt.put(key, System.currentTimeMillis());
                return; // acknowledged once delivered
            }
            jobs.remove(taskId, j);
            conn.pilot.done++;
        }
        deliver(j.exec, m);
        conn.send(Frames.MAPPER.createObjectNode().put("t", "ack").put("key", key));
    }

    private static void deliver(TaskExecution e, JsonNode m) {
        String reason = m.path("reason").asText(null);
        switch (m.path("kind").asText()) {
            case "completed" -> e.completed(m.hasNonNull("result") ? m.get("result").asText() : null);
            case "exited" -> {
                int code = m.path("exit").asInt();
                e.exited(code, code == 0 ? null : "exit code " + code + " on a pilot worker");
            }
            case "cancelled" -> e.cancelled(reason == null ? "cancelled" : reason);
            default -> e.failed(reason == null ? "failed on a pilot worker" : reason);
        }
    }

    // ------------------------------------------------------------------ dispatch and watch

    private void dispatch() {
        List<Object[]> sends = new ArrayList<>();
        synchronized (this) {
            if (holding()) return;
            while (!queue.isEmpty()) {
                Conn best = null;
                int free = 0;
                for (Pilot p : pilots.values()) {
                    if (!p.live()) continue;
                    for (Conn c : p.workers.values()) {
                        int f = c.connected ? c.slots - c.inflight.size() : 0;
                        if (f > free) {
                            free = f;
                            best = c;
                        }
                    }
                }
                if (best == null) break;
                Job j = queue.poll();
                j.conn = best;
                best.inflight.put(j.key, j);
                sends.add(new Object[] {best, j});
            }
        }
        for (Object[] s : sends) {
            Conn c = (Conn) s[0];
            Job j = (Job) s[1];
            j.exec.running(c.pilot.id + ":" + c.name);
            c.send(task(j));
        }
    }

    /** After a restart, new work waits until every worker of every re-attaching pilot is back, or the grace passed. */
    private boolean holding() {
        if (holdUntil == 0) return false;
        boolean waiting = false;
        for (Pilot p : pilots.values()) if (p.state == State.RECONNECTING) waiting = true;
        if (!waiting || System.currentTimeMillis() >= holdUntil) {
            holdUntil = 0;
            return false;
        }
        return true;
    }

    private static ObjectNode task(Job j) {
        TaskSpec s = j.exec.spec();
        ObjectNode m = Frames.MAPPER.createObjectNode().put("t", "task").put("key", j.key).put("task", j.exec.taskId());
        if (s.function != null) {
            m.put("function", s.function);
            if (s.arguments != null) m.put("arguments", s.arguments);
        } else {
            var cmd = m.putArray("command");
            s.command.forEach(cmd::add);
            var env = m.putObject("env");
            s.environment.forEach(env::put);
            Path dir = j.exec.taskDirectory();
            m.put("cwd", s.workingDirectory != null ? s.workingDirectory : dir.toString());
            m.put("stdout", s.stdout != null ? s.stdout : dir.resolve("stdout").toString());
            m.put("stderr", s.stderr != null ? s.stderr : dir.resolve("stderr").toString());
        }
        return m;
    }

    /** Every heartbeat: silent workers are disconnected; workers gone for 4 heartbeats lose their tasks; the re-attach grace ends. */
    private void sweep() {
        List<Job> lost = new ArrayList<>();
        List<Job> redo = new ArrayList<>();
        List<Socket> silent = new ArrayList<>();
        long now = System.currentTimeMillis();
        synchronized (this) {
            for (Pilot p : pilots.values()) {
                for (Iterator<Conn> it = p.workers.values().iterator(); it.hasNext();) {
                    Conn c = it.next();
                    if (c.connected && now - c.lastSeen > heartbeatMs * 4) silent.add(c.socket);
                    if (!c.connected && p.state != State.ENDED && now - c.disconnectedAt > heartbeatMs * 4) {
                        for (Job j : new ArrayList<>(c.inflight.values())) {
                            if (jobs.remove(j.exec.taskId(), j) && !lost.contains(j)) lost.add(j);
                        }
                        c.inflight.clear();
                        it.remove();
                    }
                }
            }
            orphanDoneAt.entrySet().removeIf(e -> {
                boolean old = now - e.getValue() > ORPHAN_MS;
                if (old) orphanDone.remove(e.getKey());
                return old;
            });
            if (!holding() && !awaiting.isEmpty()) {
                // the grace passed or every worker is back: a re-attached task no worker reported never reached one
                for (Job j : awaiting.values()) {
                    Pilot p = pilots.get(pilotOf(j));
                    if (p != null && p.state == State.RUNNING && p.workers.values().stream().filter(c -> c.connected).count() >= p.expected()) redo.add(j);
                    else lost.add(j);
                }
                awaiting.clear();
                reattachIds.clear();
                for (Job j : redo) {
                    jobs.put(j.exec.taskId(), j);
                    queue.add(j);
                }
            }
        }
        silent.forEach(PilotManager::close);
        for (Job j : lost) j.exec.lost("its pilot worker " + (j.conn == null ? "" : j.conn.pilot.id + ":" + j.conn.name + " ") + "did not come back");
        dispatch();
    }

    // ------------------------------------------------------------------ ExecutionBackend

    @Override
    public Capacity capacity() {
        return Capacity.unbounded();
    }

    @Override
    public synchronized String rejects(TaskSpec spec) {
        if (spec.resources != null && spec.resources.gpus > 0) return "pilot workers do not hand out GPUs; use the slurm or local backend";
        for (Pilot p : pilots.values()) if (p.live()) return null;
        return NO_PILOT;
    }

    @Override
    public void start(TaskExecution execution) {
        Job j = new Job(execution);
        ObjectNode done;
        synchronized (this) {
            String id = execution.taskId();
            done = orphanDone.remove(j.key);
            Conn c = orphanRunning.remove(j.key);
            if (done == null) {
                if (c != null && c.connected) {
                    bind(j, c, j.key);
                } else {
                    jobs.put(id, j);
                    queue.add(j);
                }
            }
        }
        if (done != null) {
            deliver(execution, done);
            return;
        }
        if (j.conn != null) {
            execution.running(j.conn.pilot.id + ":" + j.conn.name);
            return;
        }
        dispatch();
    }

    @Override
    public void cancel(TaskExecution execution) {
        Conn c;
        Job j;
        synchronized (this) {
            j = jobs.get(execution.taskId());
            if (j == null || j.exec != execution) return;
            c = j.conn;
            if (c == null) {
                queue.remove(j);
                jobs.remove(execution.taskId());
            }
        }
        if (c == null) execution.cancelled("cancelled before a pilot worker took it");
        else c.send(Frames.MAPPER.createObjectNode().put("t", "cancel").put("key", j.key));
    }

    @Override
    public boolean reattach(TaskExecution execution, String backendJobId) {
        String pilotId = backendJobId == null ? "" : backendJobId.substring(0, Math.max(0, backendJobId.indexOf(':')));
        ObjectNode done;
        Job j = new Job(execution);
        synchronized (this) {
            Pilot p = pilots.get(pilotId);
            if (p == null || !p.live()) return false;
            String id = execution.taskId();
            done = orphanDone.remove(j.key);
            Conn c = orphanRunning.remove(j.key);
            if (done == null) {
                if (c != null) {
                    bind(j, c, j.key);
                } else {
                    reattachIds.put(id, backendJobId);
                    awaiting.put(j.key, j);
                }
            }
        }
        if (done != null) deliver(execution, done);
        return true;
    }

    @Override
    public synchronized String probe() {
        return null;
    }

    /** Closes the listener and the connections; live pilots keep running and are re-attached by the next container. */
    @Deactivate
    public void deactivate() {
        List<Socket> sockets = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Pilot p : pilots.values()) for (Conn c : p.workers.values()) sockets.add(c.socket);
            if (server != null) {
                try {
                    server.close();
                } catch (IOException e) {
                    // closing
                }
            }
            if (timer != null) timer.shutdownNow();
        }
        sockets.forEach(PilotManager::close);
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
