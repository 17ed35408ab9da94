package org.kumiki.lab.opcua.internal;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.methods.AbstractMethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.Identifiers;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.MemoryTrustListManager;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.kumiki.lab.sim.internal.SimTemperatureController;

/**
 * A real Milo OPC UA server hosting a simulated instrument (namespace urn:kumiki:test:instrument):
 * ns=2;s=Temperature (read, follows a first-order temperature controller), ns=2;s=Setpoint
 * (read/write), ns=2;s=Counter (read; counts Trigger calls), methods ns=2;s=Trigger and
 * ns=2;s=Stop on object ns=2;s=Instrument. The instrument's state outlives server restarts.
 */
final class InstrumentServer implements AutoCloseable {

    static final String NS = "urn:kumiki:test:instrument";

    /** The instrument's state: survives server restarts. */
    static final class Instrument {
        final SimTemperatureController tc = new SimTemperatureController("tcua", 295.0, 0.05, 0.5, 250.0, 450.0);
        final AtomicLong counter = new AtomicLong();
        final AtomicLong stops = new AtomicLong();
    }

    /**
     * A secured server, configured as an administrator would: its own key and certificate, one
     * Basic256Sha256/SignAndEncrypt endpoint (plus the None discovery endpoint at PATH/discovery,
     * which serves GetEndpoints only), and a trust list of client certificates.
     */
    static final class Secure {
        final KeyPair keyPair;
        final X509Certificate certificate;
        final MemoryTrustListManager trust = new MemoryTrustListManager();

        Secure() throws Exception {
            keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
            certificate = new SelfSignedCertificateBuilder(keyPair).setCommonName("Kumiki test instrument").setApplicationUri("urn:kumiki:test:server")
                    .addDnsName("localhost").addIpAddress("127.0.0.1").build();
        }

        Secure trust(X509Certificate client) {
            trust.addTrustedCertificate(client);
            return this;
        }
    }

    final int port;
    final Instrument instrument;
    final Secure secure;
    private OpcUaServer server;
    private ScheduledExecutorService ticker;

    InstrumentServer(int port, Instrument instrument) {
        this(port, instrument, null);
    }

    InstrumentServer(int port, Instrument instrument, Secure secure) {
        this.port = port;
        this.instrument = instrument;
        this.secure = secure;
    }

    String endpoint() {
        return "opc.tcp://127.0.0.1:" + port + "/kumiki";
    }

    void start() throws Exception {
        EndpointConfig ep = EndpointConfig.newBuilder().setBindAddress("127.0.0.1").setHostname("127.0.0.1").setBindPort(port).setPath("/kumiki")
                .setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
                .addTokenPolicies(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS).build();
        var builder = OpcUaServerConfig.builder().setApplicationUri("urn:kumiki:test:server").setApplicationName(LocalizedText.english("Kumiki test instrument"))
                .setProductUri("urn:kumiki:test").setIdentityValidator(AnonymousIdentityValidator.INSTANCE);
        if (secure == null) {
            builder.setEndpoints(Set.of(ep));
        } else {
            EndpointConfig signed = EndpointConfig.newBuilder().setBindAddress("127.0.0.1").setHostname("127.0.0.1").setBindPort(port).setPath("/kumiki")
                    .setSecurityPolicy(SecurityPolicy.Basic256Sha256).setSecurityMode(MessageSecurityMode.SignAndEncrypt).setCertificate(secure.certificate)
                    .addTokenPolicies(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS).build();
            EndpointConfig discovery = EndpointConfig.newBuilder().setBindAddress("127.0.0.1").setHostname("127.0.0.1").setBindPort(port)
                    .setPath("/kumiki/discovery").setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None)
                    .addTokenPolicies(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS).build();
            RsaSha256CertificateFactory factory = new RsaSha256CertificateFactory() {
                @Override
                protected KeyPair createRsaSha256KeyPair() {
                    return secure.keyPair;
                }

                @Override
                protected X509Certificate[] createRsaSha256CertificateChain(KeyPair keyPair) {
                    return new X509Certificate[] {secure.certificate};
                }
            };
            DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(secure.trust, new MemoryCertificateStore(), factory,
                    new DefaultServerCertificateValidator(secure.trust, new MemoryCertificateQuarantine()));
            builder.setEndpoints(Set.of(signed, discovery)).setCertificateManager(new DefaultCertificateManager(new MemoryCertificateQuarantine(), group));
        }
        OpcUaServerConfig cfg = builder.build();
        server = new OpcUaServer(cfg, profile -> new OpcTcpServerTransport(OpcTcpServerTransportConfig.newBuilder().build()));
        Space space = new Space(server);
        space.startup();
        server.startup().get(30, TimeUnit.SECONDS);
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "test-opcua-ticker");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(space::tick, 10, 10, TimeUnit.MILLISECONDS);
    }

    void stop() throws Exception {
        if (ticker != null) ticker.shutdownNow();
        if (server != null) server.shutdown().get(30, TimeUnit.SECONDS);
        server = null;
    }

    @Override
    public void close() throws Exception {
        stop();
    }

    final class Space extends ManagedNamespaceWithLifecycle {
        private final SubscriptionModel model;
        private UaVariableNode temperature;
        private UaVariableNode setpoint;
        private UaVariableNode counter;

        Space(OpcUaServer server) {
            super(server, NS);
            model = new SubscriptionModel(server, this);
            getLifecycleManager().addLifecycle(model);
            getLifecycleManager().addStartupTask(this::nodes);
        }

        private UaVariableNode variable(String id, double value, boolean writable) {
            UaVariableNode n = new UaVariableNode.UaVariableNodeBuilder(getNodeContext()).setNodeId(newNodeId(id)).setBrowseName(newQualifiedName(id))
                    .setDisplayName(LocalizedText.english(id)).setDataType(Identifiers.Double)
                    .setAccessLevel(writable ? new AccessLevel[] {AccessLevel.CurrentRead, AccessLevel.CurrentWrite} : new AccessLevel[] {AccessLevel.CurrentRead})
                    .setUserAccessLevel(writable ? new AccessLevel[] {AccessLevel.CurrentRead, AccessLevel.CurrentWrite} : new AccessLevel[] {AccessLevel.CurrentRead})
                    .setValue(new DataValue(new Variant(value))).build();
            getNodeManager().addNode(n);
            return n;
        }

        private void method(String id, Runnable action) {
            UaMethodNode m = UaMethodNode.builder(getNodeContext()).setNodeId(newNodeId(id)).setBrowseName(newQualifiedName(id))
                    .setDisplayName(LocalizedText.english(id)).build();
            m.setInvocationHandler(new AbstractMethodInvocationHandler(m) {
                @Override public Argument[] getInputArguments() { return new Argument[0]; }
                @Override public Argument[] getOutputArguments() { return new Argument[0]; }

                @Override
                protected Variant[] invoke(InvocationContext ctx, Variant[] in) {
                    action.run();
                    return new Variant[0];
                }
            });
            getNodeManager().addNode(m);
        }

        private void nodes() {
            temperature = variable("Temperature", instrument.tc.temperature(), false);
            setpoint = variable("Setpoint", instrument.tc.temperature(), true);
            counter = variable("Counter", instrument.counter.get(), false);
            // a write to Setpoint drives the controller
            setpoint.getFilterChain().addLast(new org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilter() {
                @Override
                public void writeAttribute(org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilterContext ctx,
                        org.eclipse.milo.opcua.stack.core.AttributeId id, Object value) throws org.eclipse.milo.opcua.stack.core.UaException {
                    if (id == org.eclipse.milo.opcua.stack.core.AttributeId.Value && value instanceof DataValue dv && dv.getValue().getValue() instanceof Number n) {
                        try {
                            instrument.tc.set(n.doubleValue());
                        } catch (Exception e) {
                            throw new org.eclipse.milo.opcua.stack.core.UaException(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_OutOfRange, e.getMessage());
                        }
                    }
                    ctx.setAttribute(id, value);
                }
            });
            method("Trigger", () -> {
                long c = instrument.counter.incrementAndGet();
                counter.setValue(new DataValue(new Variant((double) c)));
            });
            method("Stop", () -> {
                instrument.stops.incrementAndGet();
                instrument.tc.stop();
            });
            var obj = new org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode.UaObjectNodeBuilder(getNodeContext()).setNodeId(newNodeId("Instrument"))
                    .setBrowseName(newQualifiedName("Instrument")).setDisplayName(LocalizedText.english("Instrument")).build();
            for (String m : new String[] {"Trigger", "Stop"}) {
                obj.addReference(new org.eclipse.milo.opcua.sdk.core.Reference(obj.getNodeId(), Identifiers.HasComponent, newNodeId(m).expanded(), true));
            }
            getNodeManager().addNode(obj);
        }

        void tick() {
            if (temperature != null) temperature.setValue(new DataValue(new Variant(instrument.tc.temperature())));
        }

        @Override public void onDataItemsCreated(java.util.List<DataItem> items) { model.onDataItemsCreated(items); }
        @Override public void onDataItemsModified(java.util.List<DataItem> items) { model.onDataItemsModified(items); }
        @Override public void onDataItemsDeleted(java.util.List<DataItem> items) { model.onDataItemsDeleted(items); }
        @Override public void onMonitoringModeChanged(java.util.List<MonitoredItem> items) { model.onMonitoringModeChanged(items); }
    }

    static NodeId id(String s) {
        return NodeId.parse("ns=2;s=" + s);
    }
}
