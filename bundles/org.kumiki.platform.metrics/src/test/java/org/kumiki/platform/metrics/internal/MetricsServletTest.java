package org.kumiki.platform.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.junit.jupiter.api.Test;
import org.kumiki.platform.api.access.AccessControl;
import org.kumiki.platform.api.access.Caller;
import org.kumiki.platform.api.access.Role;

class MetricsServletTest {

    static MetricsServlet.Config config(boolean allowRemote, boolean jvm) {
        return new MetricsServlet.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MetricsServlet.Config.class;
            }

            @Override
            public boolean allow_remote() {
                return allowRemote;
            }

            @Override
            public boolean jvm() {
                return jvm;
            }
        };
    }

    /** Access control with two tokens: "v" (viewer) and "n" (a caller whose check is refused). */
    static final AccessControl ACCESS = new AccessControl() {
        @Override
        public Optional<Caller> byToken(String token, String channel) {
            return switch (token) {
                case "v" -> Optional.of(new Caller("scraper", Role.VIEWER, channel));
                case "n" -> Optional.of(new Caller("nobody", Role.VIEWER, channel));
                default -> Optional.empty();
            };
        }

        @Override
        public Optional<Caller> byPublicKey(PublicKey key, String channel) {
            return Optional.empty();
        }

        @Override
        public Role requiredRole(String scope, String function) {
            return Role.OPERATOR;
        }

        @Override
        public Optional<String> check(Caller caller, Role needed, String action) {
            assertEquals(MetricsServlet.ACTION, action);
            assertEquals(Role.VIEWER, needed);
            return caller.name().equals("nobody") ? Optional.of("nobody may not " + action) : Optional.empty();
        }
    };

    @Test
    void loopbackScrapesNeedNothing() {
        assertNull(MetricsServlet.refusal("127.0.0.1", null, config(false, true), null));
        assertNull(MetricsServlet.refusal("::1", null, config(false, true), null));
        assertNull(MetricsServlet.refusal("0:0:0:0:0:0:0:1", "Bearer whatever", config(true, true), ACCESS));
    }

    @Test
    void remoteClientsAreRefusedUnlessAllowedAndThenNeedAViewersToken() {
        assertEquals("403 remote clients are not allowed (set allow.remote in org.kumiki.platform.metrics)",
                MetricsServlet.refusal("10.1.2.3", "Bearer v", config(false, true), ACCESS));
        assertEquals("401 a bearer token is required for a client that is not on loopback",
                MetricsServlet.refusal("10.1.2.3", null, config(true, true), ACCESS));
        assertEquals("401 a bearer token is required for a client that is not on loopback",
                MetricsServlet.refusal("10.1.2.3", "Basic dXNlcjpwdw==", config(true, true), ACCESS));
        assertEquals("401 the bearer token is not valid", MetricsServlet.refusal("10.1.2.3", "Bearer nope", config(true, true), ACCESS));
        assertEquals("503 remote scrapes need the platform's access control service, which is not running",
                MetricsServlet.refusal("10.1.2.3", "Bearer v", config(true, true), null));
        assertEquals("403 nobody may not GET /metrics", MetricsServlet.refusal("10.1.2.3", "Bearer n", config(true, true), ACCESS));
        assertNull(MetricsServlet.refusal("10.1.2.3", "bearer  v ", config(true, true), ACCESS));
    }

    @Test
    void hostileAddressesAreNotLoopbackAndAreNeverLookedUp() {
        assertFalse(MetricsServlet.isLoopback(null));
        assertFalse(MetricsServlet.isLoopback(""));
        assertFalse(MetricsServlet.isLoopback("localhost")); // a name, not an address: no lookup
        assertFalse(MetricsServlet.isLoopback("127.0.0.1.evil.example"));
        assertFalse(MetricsServlet.isLoopback("10.0.0.1"));
        assertTrue(MetricsServlet.isLoopback("127.8.9.10"));
        assertTrue(MetricsServlet.isLoopback("[::1]"));
    }

    @Test
    void aFailingDomainIsLeftOutAndReportedDownWhileTheOthersAreServed() throws Exception {
        MetricsServlet servlet = new MetricsServlet(config(false, false));
        DomainCollector good = new DomainCollector() {
            @Override
            public String domain() {
                return "good";
            }

            @Override
            public void collect(List<MetricSnapshot> out) {
                out.add(new Families.Gauge("kumiki_test_value", "A value").add(42, "k", "v\"q").build());
            }
        };
        DomainCollector bad = new DomainCollector() {
            @Override
            public String domain() {
                return "bad";
            }

            @Override
            public void collect(List<MetricSnapshot> out) {
                out.add(new Families.Gauge("kumiki_test_partial", "Never served").add(1).build());
                throw new IllegalStateException("backend gone");
            }
        };
        String text = write(servlet.scrape(new MetricsServlet.Scraper(false), List.of(bad, good)));
        assertTrue(text.contains("kumiki_test_value{k=\"v\\\"q\"} 42.0\n"), text);
        assertFalse(text.contains("kumiki_test_partial"), text);
        assertTrue(text.contains("kumiki_metrics_collector_up{domain=\"bad\"} 0.0\n"), text);
        assertTrue(text.contains("kumiki_metrics_collector_up{domain=\"good\"} 1.0\n"), text);
        assertFalse(text.contains("jvm_"), "JVM families off: " + text);
    }

    @Test
    void jvmFamiliesComeFromTheLibrary() throws Exception {
        MetricsServlet servlet = new MetricsServlet(config(false, true));
        String text = write(servlet.scrape(new MetricsServlet.Scraper(true), new ArrayList<>()));
        assertTrue(text.contains("# TYPE jvm_memory_used_bytes gauge"), text);
        assertTrue(text.contains("jvm_threads_current"), text);
    }

    static String write(io.prometheus.metrics.model.snapshots.MetricSnapshots s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, s);
        return out.toString(StandardCharsets.UTF_8);
    }
}
