package org.kumiki.lab.opcua.internal;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.UaExceptionStatus;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.eclipse.milo.opcua.stack.core.types.structured.CallResponse;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.kumiki.lab.api.DeviceDisconnectedException;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.LimitViolationException;
import org.kumiki.lab.api.Movable;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.LimitsDTO;
import org.kumiki.lab.api.dto.ReadingDTO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instrument behind an OPC UA server: variables are readings (monitored through a
 * subscription, so reads are served from the latest notification), one variable is the set
 * point, methods are commands (trigger, stop). The session is kept by Milo, which reconnects by
 * itself; while it is down every operation throws {@link DeviceDisconnectedException}, which
 * makes the engine suspend the run until {@link #connected()} is true again.
 */
public final class OpcUaDevice implements Movable, Triggerable, Stoppable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaDevice.class);

    /** Settings of one device (the component maps its configuration to this). */
    public record Settings(String name, String endpoint, String securityPolicy, String securityMode, boolean allowInsecure, String username,
            String password, Map<String, String> readings, String setpointNode, String triggerMethod, String stopMethod, Double low, Double high,
            String units, long requestTimeoutMs, double samplingMs, Path securityDir) {

        /** Without a security folder: only security None works (tests, tools). */
        public Settings(String name, String endpoint, String securityPolicy, String securityMode, boolean allowInsecure, String username,
                String password, Map<String, String> readings, String setpointNode, String triggerMethod, String stopMethod, Double low, Double high,
                String units, long requestTimeoutMs, double samplingMs) {
            this(name, endpoint, securityPolicy, securityMode, allowInsecure, username, password, readings, setpointNode, triggerMethod, stopMethod,
                    low, high, units, requestTimeoutMs, samplingMs, null);
        }
    }

    private final Settings s;
    private volatile OpcUaClient client;
    private final SecurityPolicy policy;
    private final ClientSecurity security;
    private final MemoryCertificateQuarantine quarantine = new MemoryCertificateQuarantine();
    private volatile String problem;
    private volatile String offered;
    private final MessageSecurityMode mode;
    private long backoffMs = 100;
    private final Map<String, NodeId> readingNodes = new LinkedHashMap<>();
    private final NodeId setpoint;
    private final NodeId[] trigger;
    private final NodeId[] stop;
    private final Map<String, ReadingDTO> latest = new ConcurrentHashMap<>();
    private volatile boolean sessionActive;
    private volatile OpcUaSubscription subscription;
    private final ScheduledExecutorService keeper;
    private volatile boolean closed;

    public OpcUaDevice(Settings s) {
        this.s = s;
        if (s.name() == null || !s.name().matches("[A-Za-z][A-Za-z0-9_]{0,63}")) throw new IllegalArgumentException("bad device name: " + s.name());
        if (s.endpoint() == null || !s.endpoint().startsWith("opc.tcp://")) throw new IllegalArgumentException("endpoint must be opc.tcp://HOST:PORT/PATH, not " + s.endpoint());
        SecurityPolicy policy = policy(s.securityPolicy());
        MessageSecurityMode mode = mode(s.securityMode());
        if ((policy == SecurityPolicy.None || mode == MessageSecurityMode.None) && !s.allowInsecure()) {
            throw new IllegalArgumentException(s.name() + ": security policy/mode None is refused; set allow.insecure=true to accept an unencrypted, unsigned connection");
        }
        if ((policy == SecurityPolicy.None) != (mode == MessageSecurityMode.None)) {
            throw new IllegalArgumentException(s.name() + ": security policy " + policy.name() + " does not go with mode " + mode.name()
                    + " (None goes with None; a signing policy with Sign or SignAndEncrypt)");
        }
        if (policy != SecurityPolicy.None) {
            if (s.securityDir() == null) {
                throw new IllegalArgumentException(s.name() + ": security policy " + policy.name() + " needs a client certificate and no state folder was given to keep it");
            }
            try {
                this.security = ClientSecurity.open(s.securityDir());
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException(s.name() + ": cannot load or create the OPC UA client certificate in " + s.securityDir() + ": " + e.getMessage());
            }
        } else {
            this.security = null;
        }
        this.policy = policy;
        this.mode = mode;
        if (s.readings() == null || s.readings().isEmpty()) throw new IllegalArgumentException(s.name() + ": no reading nodes configured");
        for (Map.Entry<String, String> e : s.readings().entrySet()) readingNodes.put(e.getKey(), nodeId(e.getValue()));
        this.setpoint = s.setpointNode() == null || s.setpointNode().isBlank() ? null : nodeId(s.setpointNode());
        this.trigger = method(s.triggerMethod());
        this.stop = method(s.stopMethod());
        keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kumiki-lab-opcua-" + s.name());
            t.setDaemon(true);
            return t;
        });
        keeper.execute(this::connectLoop);
    }

    private java.util.Optional<EndpointDescription> pick(List<EndpointDescription> endpoints, SecurityPolicy p, MessageSecurityMode m) {
        java.util.Optional<EndpointDescription> e = endpoints.stream().filter(d -> p.getUri().equals(d.getSecurityPolicyUri()) && d.getSecurityMode() == m).findFirst();
        if (e.isEmpty()) {
            offered = endpoints.stream().map(d -> {
                String uri = String.valueOf(d.getSecurityPolicyUri());
                return uri.substring(uri.lastIndexOf('#') + 1) + "/" + d.getSecurityMode();
            }).distinct().collect(java.util.stream.Collectors.joining(", "));
        }
        return e;
    }

    private OpcUaClient newClient() throws UaException {
        OpcUaClient c = OpcUaClient.create(s.endpoint(), endpoints -> pick(endpoints, policy, mode), transport -> {
        }, cfg -> {
            cfg.setApplicationName(LocalizedText.english("Kumiki lab OPC UA driver"));
            cfg.setApplicationUri(ClientSecurity.APPLICATION_URI);
            if (security != null) {
                cfg.setKeyPair(security.keyPair);
                cfg.setCertificate(security.certificate);
                cfg.setCertificateChain(new X509Certificate[] {security.certificate});
                try {
                    cfg.setCertificateValidator(security.validator(quarantine));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            cfg.setRequestTimeout(uint(Math.max(100, s.requestTimeoutMs())));
            cfg.setKeepAliveInterval(uint(500));
            cfg.setKeepAliveFailuresAllowed(uint(1));
            if (s.username() != null && !s.username().isBlank()) {
                cfg.setIdentityProvider(new UsernameProvider(s.username(), s.password() == null ? "" : s.password()));
            } else {
                cfg.setIdentityProvider(new AnonymousProvider());
            }
        });
        c.addSessionActivityListener(new SessionActivityListener() {
            @Override
            public void onSessionActive(UaSession session) {
                sessionActive = true;
                problem = null;
                LOG.info("{}: OPC UA session to {} is active", s.name(), s.endpoint());
            }

            @Override
            public void onSessionInactive(UaSession session) {
                sessionActive = false;
                latest.clear();
                LOG.warn("{}: OPC UA session to {} is inactive", s.name(), s.endpoint());
            }
        });
        return c;
    }

    /**
     * Creates the client (endpoint discovery) and connects, retrying with back-off until it
     * works, then subscribes to the readings. Once connected, Milo keeps the session and
     * reconnects by itself.
     */
    private void connectLoop() {
        if (closed) return;
        try {
            if (client == null) client = newClient();
            client.connect();
            sessionActive = true;
            subscribe();
            backoffMs = 100;
            problem = null;
        } catch (Exception e) {
            String why = securityProblem(e);
            if (why != null) {
                if (!why.equals(problem)) LOG.warn("{}", why);
                problem = why;
                disposeClient(); // the next attempt reads the trust list again
            } else {
                LOG.debug("{}: connecting to {} failed: {}", s.name(), s.endpoint(), e.toString());
            }
            backoffMs = Math.min(2000, backoffMs * 2);
            if (!closed) keeper.schedule(this::connectLoop, backoffMs, TimeUnit.MILLISECONDS);
        }
    }

    private void subscribe() throws UaException {
        OpcUaSubscription sub = new OpcUaSubscription(client, Math.max(10, s.samplingMs()));
        sub.create();
        List<OpcUaMonitoredItem> items = new ArrayList<>();
        for (Map.Entry<String, NodeId> e : readingNodes.entrySet()) {
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(e.getValue());
            item.setSamplingInterval(Math.max(0, s.samplingMs()));
            String key = e.getKey();
            item.setDataValueListener((it, dv) -> {
                if (dv.getStatusCode() == null || dv.getStatusCode().isGood()) latest.put(key, reading(dv));
            });
            items.add(item);
        }
        sub.addMonitoredItems(items);
        sub.synchronizeMonitoredItems();
        subscription = sub;
    }

    static ReadingDTO reading(DataValue dv) {
        Object v = dv.getValue() == null ? null : dv.getValue().getValue();
        if (v instanceof org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UNumber u) v = u.longValue();
        double ts = dv.getSourceTime() != null ? dv.getSourceTime().getJavaTime() / 1000.0
                : dv.getServerTime() != null ? dv.getServerTime().getJavaTime() / 1000.0 : System.currentTimeMillis() / 1000.0;
        return ReadingDTO.of(v, ts);
    }

    static SecurityPolicy policy(String p) {
        String v = p == null ? "" : p.trim();
        for (SecurityPolicy sp : SecurityPolicy.values()) {
            if (sp.name().equalsIgnoreCase(v) || sp.getUri().equals(v)) return sp;
        }
        throw new IllegalArgumentException("unknown security policy '" + p + "'");
    }

    static MessageSecurityMode mode(String m) {
        String v = m == null ? "" : m.trim();
        for (MessageSecurityMode sm : MessageSecurityMode.values()) {
            if (sm.name().equalsIgnoreCase(v) && sm != MessageSecurityMode.Invalid) return sm;
        }
        throw new IllegalArgumentException("unknown security mode '" + m + "' (None, Sign, SignAndEncrypt)");
    }

    static NodeId nodeId(String text) {
        try {
            return NodeId.parse(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an OPC UA node id: '" + text + "' (e.g. ns=2;s=Temperature)");
        }
    }

    /** "OBJECT|METHOD" node ids, or null. */
    static NodeId[] method(String text) {
        if (text == null || text.isBlank()) return null;
        String[] p = text.split("\\|");
        if (p.length != 2) throw new IllegalArgumentException("a method is OBJECT_NODE_ID|METHOD_NODE_ID, not '" + text + "'");
        return new NodeId[] {nodeId(p[0]), nodeId(p[1])};
    }

    @Override
    public String name() {
        return s.name();
    }

    @Override
    public boolean connected() {
        return sessionActive && !closed;
    }

    private void check() throws DeviceDisconnectedException {
        if (!connected()) throw new DeviceDisconnectedException(s.name() + ": OPC UA server " + s.endpoint() + " is not connected");
    }

    private DeviceException failure(String what, Exception e) {
        if (!connected() || lostConnection(e)) {
            return new DeviceDisconnectedException(s.name() + ": " + what + " failed: " + e.getMessage(), e);
        }
        return new DeviceException(s.name() + ": " + what + " failed: " + e.getMessage(), e);
    }

    /**
     * Whether a failure means the server went away rather than refused the operation: a
     * communication status anywhere in the cause chain, or a transport error (a closed or
     * refused channel, a time-out). The session listener hears of a dropped connection a
     * moment after the request that found it, so {@link #connected()} alone is not enough.
     */
    static boolean lostConnection(Throwable e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof UaExceptionStatus us && isCommunication(us.getStatusCode())) return true;
            if (t instanceof IOException || t instanceof TimeoutException) return true;
        }
        return false;
    }

    /** Status codes that mean the server went away or stopped answering, not that it refused. */
    private static final Set<Long> COMMUNICATION = Set.of(StatusCodes.Bad_Timeout, StatusCodes.Bad_ConnectionClosed, StatusCodes.Bad_SessionClosed,
            StatusCodes.Bad_SessionIdInvalid, StatusCodes.Bad_NotConnected, StatusCodes.Bad_ServerNotConnected, StatusCodes.Bad_SecureChannelClosed,
            StatusCodes.Bad_CommunicationError, StatusCodes.Bad_TcpInternalError, StatusCodes.Bad_SecureChannelIdInvalid, StatusCodes.Bad_ConnectionRejected,
            StatusCodes.Bad_SessionNotActivated,
            // a server shutting down or gone quiet is a lost instrument too, not a failed command
            StatusCodes.Bad_Shutdown, StatusCodes.Bad_ServerHalted, StatusCodes.Bad_RequestTimeout, StatusCodes.Bad_NoCommunication);

    static boolean isCommunication(StatusCode c) {
        return c != null && COMMUNICATION.contains(c.getValue());
    }

    /**
     * Passes a good status; a bad one is a lost instrument ({@link DeviceDisconnectedException})
     * when it is a communication status, else {@code what} failed on the server.
     */
    private void require(StatusCode c, String what) throws DeviceException {
        if (c == null || c.isGood()) return;
        if (isCommunication(c)) throw new DeviceDisconnectedException(s.name() + ": " + what + " " + c);
        throw new DeviceException(s.name() + ": " + what + " failed on the server: " + c);
    }

    /** A value read from the server as a reading; a bad status fails instead of leaving a hole in an event. */
    private ReadingDTO checked(String key, DataValue dv) throws DeviceException {
        require(dv.getStatusCode(), "reading " + key);
        return reading(dv);
    }

    @Override
    public Map<String, ReadingDTO> read() throws DeviceException {
        check();
        Map<String, ReadingDTO> out = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String k : readingNodes.keySet()) {
            ReadingDTO r = latest.get(k);
            if (r == null) missing.add(k);
            else out.put(k, r);
        }
        if (!missing.isEmpty()) {
            // no notification yet: read those nodes directly
            List<NodeId> ids = new ArrayList<>();
            for (String k : missing) ids.add(readingNodes.get(k));
            try {
                List<DataValue> vs = client.readValues(0, TimestampsToReturn.Both, ids);
                for (int i = 0; i < missing.size(); i++) {
                    out.put(missing.get(i), checked(missing.get(i), vs.get(i)));
                }
            } catch (UaException | RuntimeException e) {
                throw failure("read", e);
            }
            Map<String, ReadingDTO> ordered = new LinkedHashMap<>();
            for (String k : readingNodes.keySet()) ordered.put(k, out.get(k));
            return ordered;
        }
        return out;
    }

    /** Reads every reading node now, bypassing the subscription cache (after a trigger). */
    private Map<String, ReadingDTO> readFresh() throws DeviceException {
        try {
            List<String> keys = new ArrayList<>(readingNodes.keySet());
            List<DataValue> vs = client.readValues(0, TimestampsToReturn.Both, new ArrayList<>(readingNodes.values()));
            Map<String, ReadingDTO> out = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                ReadingDTO r = checked(keys.get(i), vs.get(i));
                out.put(keys.get(i), r);
                latest.put(keys.get(i), r);
            }
            return out;
        } catch (UaException | RuntimeException e) {
            throw failure("read", e);
        }
    }

    @Override
    public Map<String, DataKeyDTO> describe() {
        Map<String, DataKeyDTO> d = new LinkedHashMap<>();
        for (Map.Entry<String, NodeId> e : readingNodes.entrySet()) {
            DataKeyDTO k = DataKeyDTO.number("OPCUA:" + s.endpoint() + "#" + e.getValue().toParseableString(), s.units(), s.name());
            if (e.getValue().equals(setpoint)) k.limits = limits();
            d.put(e.getKey(), k);
        }
        return d;
    }

    @Override
    public CompletionStage<Void> set(Object value) throws DeviceException {
        if (setpoint == null) throw new DeviceException(s.name() + " has no set point node");
        double v;
        if (value instanceof Number n) v = n.doubleValue();
        else {
            try {
                v = Double.parseDouble(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                throw new LimitViolationException(s.name() + ": a number is required, not " + value);
            }
        }
        if (!Double.isFinite(v) || (s.low() != null && v < s.low()) || (s.high() != null && v > s.high())) {
            throw new LimitViolationException(s.name() + ": " + v + " is outside [" + s.low() + ", " + s.high() + "]");
        }
        check();
        try {
            List<StatusCode> r = client.writeValues(List.of(setpoint), List.of(DataValue.valueOnly(new Variant(v))));
            require(r.get(0), "writing the set point");
        } catch (UaException | RuntimeException e) {
            throw failure("write", e);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public LimitsDTO limits() {
        return LimitsDTO.of(s.low(), s.high());
    }

    @Override
    public CompletionStage<Void> trigger() throws DeviceException {
        check();
        if (trigger != null) call(trigger, "trigger");
        readFresh();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stop() throws DeviceException {
        if (stop == null) return;
        check();
        call(stop, "stop");
    }

    private void call(NodeId[] m, String what) throws DeviceException {
        try {
            CallResponse resp = client.call(List.of(new CallMethodRequest(m[0], m[1], new Variant[0])));
            CallMethodResult r = resp.getResults()[0];
            require(r.getStatusCode(), what + " method");
        } catch (UaException | RuntimeException e) {
            throw failure(what, e);
        }
    }

    /**
     * One line for a connection refused on security grounds, naming what to do; null for any
     * other failure (a server that is not up is retried quietly).
     */
    private String securityProblem(Exception e) {
        List<X509Certificate> refused = quarantine.getRejectedCertificates();
        if (!refused.isEmpty() && security != null) {
            X509Certificate c = refused.get(0);
            quarantine.removeRejectedCertificate(c);
            String where;
            try {
                where = security.reject(c).toString();
            } catch (IOException | GeneralSecurityException ex) {
                where = "(not saved: " + ex.getMessage() + ")";
            }
            return s.name() + ": the certificate of OPC UA server " + s.endpoint() + " (" + c.getSubjectX500Principal().getName()
                    + ") is not trusted: saved as " + where + "; move it to " + security.trusted() + " to trust this server";
        }
        String offers = offered;
        if (offers != null) {
            offered = null;
            return s.name() + ": OPC UA server " + s.endpoint() + " offers no endpoint with security policy " + policy.name() + " and mode " + mode.name()
                    + " (it offers " + offers + ")";
        }
        StatusCode code = UaException.extractStatusCode(e).orElse(null);
        if (code == null || isCommunication(code) && code.getValue() != StatusCodes.Bad_ConnectionRejected) return null;
        String name = StatusCodes.lookup(code.getValue()).map(n -> n[0]).orElse(code.toString());
        if (!(name.contains("Certificate") || name.contains("Security") || name.contains("Identity") || name.contains("UserAccessDenied"))) return null;
        if (name.contains("Identity") || name.contains("UserAccessDenied")) {
            return s.name() + ": OPC UA server " + s.endpoint() + " refused the user (" + name + "): check username and .password";
        }
        return s.name() + ": OPC UA server " + s.endpoint() + " refused this client (" + name + ")"
                + (security == null ? "" : ": its administrator must trust " + security.dir.resolve(ClientSecurity.CERT)
                        + " (application URI " + ClientSecurity.APPLICATION_URI + ")");
    }

    /** The last security problem of a connection attempt (one line), or null once connected. */
    String problem() {
        return problem;
    }

    private void disposeClient() {
        OpcUaClient c = client;
        client = null;
        if (c == null) return;
        try {
            c.disconnect();
        } catch (Exception ex) {
            LOG.debug("{}: disconnect: {}", s.name(), ex.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        keeper.shutdownNow();
        OpcUaClient c = client;
        if (c == null) return;
        try {
            c.disconnect();
        } catch (Exception e) {
            LOG.debug("{}: disconnect: {}", s.name(), e.toString());
        }
    }
}
