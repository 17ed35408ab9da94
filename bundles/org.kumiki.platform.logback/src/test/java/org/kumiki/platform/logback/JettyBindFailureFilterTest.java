package org.kumiki.platform.logback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.BindException;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class JettyBindFailureFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger felix;
    private Logger other;

    @BeforeEach
    void givenAContextWithTheFilter() {
        JettyBindFailureFilter filter = new JettyBindFailureFilter();
        filter.setContext(context);
        filter.start();
        context.addTurboFilter(filter);
        appender.setContext(context);
        appender.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(appender);
        felix = context.getLogger("org.apache.felix.http");
        other = context.getLogger("org.kumiki.inference.http.internal.HttpServerMonitor");
    }

    private List<String> logged() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static IOException bindFailure() {
        return new IOException("Failed to bind to /127.0.0.1:18095", new BindException("Address already in use"));
    }

    @Test
    void dropsTheThreeFelixLinesOfAPortInUse() {
        felix.error("Failed to start Connector: ServerConnector@1{HTTP/1.1}{127.0.0.1:18095}", bindFailure());
        felix.error("Jetty stopped (no connectors available)");
        felix.error("Exception while initializing Jetty", new NullPointerException("this.server is null"));
        other.error("HTTP server is down (no REST endpoint): 127.0.0.1:18095 is in use by another process");
        assertEquals(List.of("HTTP server is down (no REST endpoint): 127.0.0.1:18095 is in use by another process"), logged());
    }

    @Test
    void findsTheBindExceptionAnywhereInTheChainAndAsALastParameter() {
        felix.error("Failed starting connector '{}' provided by {}", "c", "b", new RuntimeException(bindFailure()));
        assertEquals(List.of(), logged());
    }

    @Test
    void keepsFelixErrorsWithoutABindFailureBeforeThem() {
        felix.error("Jetty stopped (no connectors available)");
        felix.error("Exception while initializing Jetty", new NullPointerException("x"));
        felix.error("Failed to start Connector", new IOException("no such host"));
        assertEquals(List.of("Jetty stopped (no connectors available)", "Exception while initializing Jetty",
                "Failed to start Connector"), logged());
    }

    @Test
    void keepsTheSameLinesFromOtherLoggersAndLaterNullPointerExceptions() {
        other.error("bind failed", bindFailure());
        felix.error("Failed to start Connector", bindFailure());
        felix.error("Exception while initializing Jetty", new NullPointerException("first: dropped"));
        felix.error("a later failure", new NullPointerException("second: kept"));
        felix.info("Started Jetty");
        assertEquals(List.of("bind failed", "a later failure", "Started Jetty"), logged());
    }

    @Test
    void endsTheSequenceOnAnyOtherFelixError() {
        felix.error("Failed to start Connector", bindFailure());
        felix.error("something else", new IllegalStateException("kept"));
        felix.error("Exception while initializing Jetty", new NullPointerException("kept"));
        assertEquals(List.of("something else", "Exception while initializing Jetty"), logged());
    }

    @Test
    void dropsOnlyOnTheThreadThatSawTheBindFailure() throws InterruptedException {
        felix.error("Failed to start Connector", bindFailure());
        Thread t = new Thread(() -> felix.error("Exception while initializing Jetty", new NullPointerException("other thread")));
        t.start();
        t.join();
        assertEquals(List.of("Exception while initializing Jetty"), logged());
    }
}
