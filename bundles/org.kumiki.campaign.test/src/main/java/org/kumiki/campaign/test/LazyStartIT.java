package org.kumiki.campaign.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignState;
import org.kumiki.campaign.api.spi.EvaluationRequest;
import org.kumiki.campaign.api.spi.EvaluationResult;
import org.kumiki.campaign.api.spi.Evaluator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * The campaign layer costs nothing at start-up: the campaign service opens its journal only when
 * one exists (after the framework has started, or at once when it starts in a running framework)
 * or on first use, and the surrogate publisher is not activated until a surrogate is fitted. A
 * campaign service started again in a running framework still resumes its campaigns by itself.
 */
class LazyStartIT {
    static final String SERVICE = "org.kumiki.campaign.internal.CampaignServiceImpl";
    static final String PUBLISHER = "org.kumiki.campaign.surrogate.internal.SurrogatePublisher";

    @InjectBundleContext
    BundleContext context;

    @TempDir
    Path dir;

    /** The state folder configured last. */
    Path current;

    @Test
    void theJournalOpensOnlyWhenThereIsOneOrOnFirstUseAndCampaignsResumeByThemselves(@InjectService ConfigurationAdmin cm,
            @InjectService ServiceComponentRuntime scr) throws Exception {
        AtomicInteger results = new AtomicInteger();
        Dictionary<String, Object> p = new Hashtable<>();
        p.put(Evaluator.NAME, "lazy-start-test");
        ServiceRegistration<Evaluator> reg = context.registerService(Evaluator.class, new Evaluator() {
            @Override
            public String start(EvaluationRequest r) {
                return r.evaluationId;
            }

            @Override
            public CompletionStage<EvaluationResult> result(String handle) {
                results.incrementAndGet();
                return new CompletableFuture<>(); // never ends: the campaign stays RUNNING
            }

            @Override
            public void cancel(String handle) {
            }
        }, p);
        Configuration c = cm.getConfiguration("org.kumiki.campaign", "?");
        Dictionary<String, Object> before = c.getProperties();
        try {
            Path fresh = dir.resolve("fresh");
            configure(c, scr, fresh);
            // a fresh state folder: nothing opened, no journal written, no publisher activated
            assertFalse(Files.exists(fresh.resolve("journal")), "journal created at activation");
            await(() -> state(scr, PUBLISHER) != ComponentConfigurationDTO.ACTIVE, "the surrogate publisher is not active");

            // first use opens the journal; a campaign starts and waits on its evaluation
            String id = withService(s -> {
                try {
                    Path file = dir.resolve("lazy.yaml");
                    Files.writeString(file, "name: lazy\nparameters: [{name: x, type: continuous, min: 0, max: 1}]\n"
                            + "objectives: [{name: f, goal: minimise}]\nbudget: {evaluations: 2}\nbatchSize: 1\n"
                            + "proposer: {kind: random}\npipeline: [{evaluator: lazy-start-test}]\n");
                    return s.start(file).id;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertTrue(Files.exists(fresh.resolve("journal")), "journal opened on first use");
            await(() -> results.get() >= 1, "the evaluation is awaited");

            // the service starts again (new configuration) in the running framework: it finds the
            // journal and re-attaches the evaluation in flight with no request from anyone
            Path other = dir.resolve("other");
            configure(c, scr, other);
            int seen = results.get();
            configure(c, scr, fresh);
            await(() -> results.get() > seen, "the campaign resumed by itself");
            assertEquals(CampaignState.RUNNING, withService(s -> s.status(id).orElseThrow().state));
            assertFalse(Files.exists(other.resolve("journal")), "the unused state folder got no journal");
            withService(s -> s.abort(id));
        } finally {
            if (before == null) {
                c.delete();
            } else {
                c.update(before);
            }
            reg.unregister();
            // the next test finds the service on its own state folder again, not one going away
            await(() -> {
                var refs = context.getServiceReferences(CampaignService.class, null);
                return refs.size() == 1 && !String.valueOf(refs.iterator().next().getProperty("state.dir")).startsWith(dir.toString())
                        && state(scr, SERVICE) == ComponentConfigurationDTO.ACTIVE;
            }, "the campaign service back on its own state folder");
        }
    }

    /** Points the campaign service at a state folder and waits until that configuration is active. */
    private void configure(Configuration c, ServiceComponentRuntime scr, Path stateDir) throws Exception {
        Dictionary<String, Object> d = new Hashtable<>();
        d.put("state.dir", stateDir.toString());
        c.update(d);
        current = stateDir;
        await(() -> reference() != null, "the campaign service registered on " + stateDir);
        await(() -> {
            ComponentConfigurationDTO cc = configuration(scr, SERVICE);
            return cc != null && cc.state == ComponentConfigurationDTO.ACTIVE && stateDir.toString().equals(cc.properties.get("state.dir"));
        }, "the campaign service active on " + stateDir);
    }

    private static ComponentConfigurationDTO configuration(ServiceComponentRuntime scr, String name) {
        for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
            if (d.name.equals(name)) {
                for (ComponentConfigurationDTO cc : scr.getComponentConfigurationDTOs(d)) {
                    return cc;
                }
            }
        }
        return null;
    }

    private static int state(ServiceComponentRuntime scr, String name) {
        ComponentConfigurationDTO cc = configuration(scr, name);
        return cc == null ? -1 : cc.state;
    }

    /** The campaign service as configured last (its service properties name its state folder). */
    private ServiceReference<CampaignService> reference() {
        try {
            var refs = context.getServiceReferences(CampaignService.class, "(state.dir=" + current + ")");
            return refs.isEmpty() ? null : refs.iterator().next();
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T withService(java.util.function.Function<CampaignService, T> f) throws Exception {
        await(() -> reference() != null, "the campaign service registered on " + current);
        ServiceReference<CampaignService> ref = reference();
        CampaignService s = context.getService(ref);
        assertTrue(s != null, "the campaign service is gone");
        try {
            return f.apply(s);
        } finally {
            context.ungetService(ref);
        }
    }

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.holds()) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            Thread.sleep(20);
        }
    }
}
