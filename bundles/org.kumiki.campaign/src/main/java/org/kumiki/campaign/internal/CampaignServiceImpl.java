package org.kumiki.campaign.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.kumiki.campaign.api.CampaignException;
import org.kumiki.campaign.api.CampaignService;
import org.kumiki.campaign.api.CampaignTopics;
import org.kumiki.campaign.api.dto.CampaignDefinition;
import org.kumiki.campaign.api.dto.CampaignStatusDTO;
import org.kumiki.campaign.api.dto.EvaluationDTO;
import org.kumiki.campaign.api.spi.Evaluator;
import org.kumiki.campaign.api.spi.Proposer;
import org.kumiki.campaign.api.spi.SurrogateListener;
import org.kumiki.campaign.api.dto.SurrogateDTO;
import org.kumiki.campaign.internal.engine.CampaignEngine;
import org.kumiki.campaign.internal.engine.LazyEvaluator;
import org.kumiki.campaign.internal.file.CampaignFiles;
import org.kumiki.campaign.internal.propose.BuiltInProposers;
import org.kumiki.platform.api.Installation;
import org.kumiki.platform.api.journal.JournalFactory;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.ComponentServiceObjects;
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
 * The CampaignService: reads campaign files, runs campaigns on the {@link CampaignEngine} with the
 * evaluators and proposers registered as services (named by {@link Evaluator#NAME} and
 * {@link Proposer#NAME}), and posts state changes to Event Admin.
 *
 * <p>Immediate, so that it owns the running campaigns for the life of the container (a delayed
 * component would be deactivated, with its campaigns, whenever its last user let it go), but
 * costs nothing at start-up: the journal is opened and unfinished campaigns resume once the
 * framework has STARTED, off the path to the prompt, and only if a journal exists; otherwise on
 * the first request. Evaluators and surrogate listeners are fetched on first use.
 */
@Component(service = CampaignService.class, configurationPid = CampaignServiceImpl.PID, immediate = true)
@Designate(ocd = CampaignServiceImpl.Config.class)
public class CampaignServiceImpl implements CampaignService {
    public static final String PID = "org.kumiki.campaign";
    private static final Logger LOG = LoggerFactory.getLogger(CampaignServiceImpl.class);

    @ObjectClassDefinition(name = "Kumiki campaigns", description = "Campaign engine: proposals, evaluations and their durable journal")
    public @interface Config {
        @AttributeDefinition(name = "State folder", description = "The campaign journal; empty means state/campaign under the installation home")
        String state_dir() default "";
    }

    private final Map<Evaluator, String> evaluatorNames = new ConcurrentHashMap<>();
    private final Map<ComponentServiceObjects<Evaluator>, LazyEvaluator> lazy = new ConcurrentHashMap<>();
    private final Map<String, Evaluator> evaluators = new ConcurrentHashMap<>();
    private final Map<String, Proposer> proposers = new ConcurrentHashMap<>();
    /** Told of every fitted surrogate (whiteboard). */
    private final List<SurrogateListener> surrogateListeners = new CopyOnWriteArrayList<>();
    /** Surrogate listener services, fetched on the first fit. */
    private final Map<ComponentServiceObjects<SurrogateListener>, LazyListener> lazyListeners = new ConcurrentHashMap<>();
    private final CampaignFiles files;
    /** Opens the journal and resumes campaigns: once, on first use or after the framework has started. */
    private final EngineOpener opener;
    private final Path journalDir;
    private volatile CampaignEngine engine;
    private volatile boolean stopped;
    private BundleContext context;
    private FrameworkListener startedListener;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin events;

    @FunctionalInterface
    private interface EngineOpener {
        CampaignEngine open() throws IOException;
    }

    @Activate
    public CampaignServiceImpl(@Reference JournalFactory journals, @Reference Installation installation, Config config) {
        this(journals, config.state_dir().isBlank() ? installation.stateDirectory("campaign") : Path.of(config.state_dir()), false);
        files.variables(Map.of("kumiki.home", installation.home().toString(), "kumiki.state", installation.stateRoot().toString()));
    }

    /** Outside a framework (tests): the journal is opened and campaigns resume now. */
    public CampaignServiceImpl(JournalFactory journals, Path stateDir) throws IOException {
        this(journals, stateDir, false);
        engine();
    }

    private CampaignServiceImpl(JournalFactory journals, Path stateDir, boolean unused) {
        this.files = new CampaignFiles(() -> new TreeSet<>(evaluators.keySet()), () -> new TreeSet<>(proposers.keySet()))
                .optionChecks(evaluators::get);
        this.journalDir = stateDir.resolve("journal");
        this.opener = () -> new CampaignEngine(journals, journalDir, evaluators::get,
                kind -> {
                    Proposer p = BuiltInProposers.get(kind);
                    return p != null ? p : proposers.get(kind);
                }, new CampaignEngine.Listener() {
                    @Override
                    public void campaignChanged(CampaignStatusDTO s) {
                        Map<String, Object> props = new HashMap<>();
                        props.put(CampaignTopics.CAMPAIGN_ID, s.id);
                        props.put(CampaignTopics.CAMPAIGN_NAME, s.name);
                        props.put(CampaignTopics.CAMPAIGN_STATE, s.state.name());
                        props.put(CampaignTopics.EVALUATIONS_DONE, s.done);
                        post(CampaignTopics.stateTopic(s.state), props);
                    }

                    @Override
                    public void evaluationEnded(String campaignId, EvaluationDTO e) {
                        Map<String, Object> props = new HashMap<>();
                        props.put(CampaignTopics.CAMPAIGN_ID, campaignId);
                        props.put(CampaignTopics.EVALUATION_ID, e.id);
                        props.put(CampaignTopics.EVALUATION_STATE, e.state.name());
                        post(CampaignTopics.EVALUATION_ENDED, props);
                    }

                    @Override
                    public void surrogateFitted(SurrogateDTO surrogate) {
                        List<SurrogateListener> all = new java.util.ArrayList<>(surrogateListeners);
                        all.addAll(lazyListeners.values());
                        for (SurrogateListener l : all) {
                            try {
                                l.fitted(surrogate);
                            } catch (RuntimeException e) {
                                LOG.warn("campaign {}: surrogate listener {} failed", surrogate.campaignId, l.getClass().getName(), e);
                            }
                        }
                    }
                }, System::currentTimeMillis);
    }

    private void post(String topic, Map<String, Object> props) {
        EventAdmin ea = events;
        if (ea != null) {
            ea.postEvent(new Event(topic, props));
        }
    }

    /**
     * Registers for the framework's STARTED event: then, off the start-up path, a journal left by an
     * earlier life is opened and its unfinished campaigns resume. When the framework is already
     * running (this bundle started later, or again), that happens now.
     */
    @Activate
    void activate(BundleContext context) {
        this.context = context;
        startedListener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                openIfJournal();
            }
        };
        context.addFrameworkListener(startedListener);
        Bundle system = context.getBundle(0);
        if (system != null && system.getState() == Bundle.ACTIVE) {
            openIfJournal();
        }
    }

    /** Opens the engine if an earlier life left a journal (a fresh installation has none: nothing to do). */
    void openIfJournal() {
        if (engine != null || stopped || !hasJournal(journalDir)) {
            return;
        }
        try {
            engine();
        } catch (RuntimeException e) {
            LOG.error("the campaign journal {} could not be opened: {}", journalDir, e.getMessage());
        }
    }

    static boolean hasJournal(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return s.iterator().hasNext();
        } catch (IOException e) {
            return true; // let opening it say what is wrong
        }
    }

    /** The engine, opened now (journal read, unfinished campaigns resumed) if it was not yet. */
    CampaignEngine engine() {
        CampaignEngine e = engine;
        if (e == null) {
            synchronized (opener) {
                e = engine;
                if (e == null) {
                    if (stopped) {
                        throw new CampaignException("the campaign service has stopped");
                    }
                    long t0 = System.nanoTime();
                    try {
                        e = opener.open();
                    } catch (IOException x) {
                        throw new CampaignException("the campaign journal " + journalDir + " could not be opened: " + x.getMessage());
                    }
                    engine = e;
                    LOG.debug("campaign journal {} opened in {} ms", journalDir, (System.nanoTime() - t0) / 1_000_000);
                }
            }
        }
        return e;
    }

    /** Whether the journal has been opened in this life (for tests). */
    boolean opened() {
        return engine != null;
    }

    @Deactivate
    void deactivate() throws IOException {
        if (context != null && startedListener != null) {
            try {
                context.removeFrameworkListener(startedListener);
            } catch (IllegalStateException e) {
                // the bundle is stopping
            }
        }
        CampaignEngine e;
        synchronized (opener) {
            stopped = true;
            e = engine;
            engine = null;
        }
        if (e != null) {
            e.close();
        }
    }

    /** Adds a surrogate listener object (outside a framework: tests). */
    public void addSurrogateListener(SurrogateListener listener) {
        surrogateListeners.add(listener);
    }

    public void removeSurrogateListener(SurrogateListener listener) {
        surrogateListeners.remove(listener);
    }

    /**
     * Surrogate listener services, fetched on the first fit: binding the objects would activate the
     * surrogate publisher (and what it uses) at every start of the container.
     */
    @Reference(name = "surrogateListener", service = SurrogateListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindSurrogateListener")
    void bindSurrogateListener(ComponentServiceObjects<SurrogateListener> objects) {
        lazyListeners.put(objects, new LazyListener(objects));
    }

    void unbindSurrogateListener(ComponentServiceObjects<SurrogateListener> objects) {
        LazyListener l = lazyListeners.remove(objects);
        if (l != null) {
            l.release();
        }
    }

    /** A surrogate listener service fetched on first use. */
    private static final class LazyListener implements SurrogateListener {
        private final ComponentServiceObjects<SurrogateListener> objects;
        private SurrogateListener delegate;

        LazyListener(ComponentServiceObjects<SurrogateListener> objects) {
            this.objects = objects;
        }

        @Override
        public void fitted(SurrogateDTO surrogate) {
            SurrogateListener d;
            synchronized (this) {
                if (delegate == null) {
                    delegate = objects.getService();
                }
                d = delegate;
            }
            if (d != null) {
                d.fitted(surrogate);
            }
        }

        synchronized void release() {
            if (delegate != null) {
                try {
                    objects.ungetService(delegate);
                } catch (RuntimeException e) {
                    // the service is already gone
                }
                delegate = null;
            }
        }
    }

    /**
     * Evaluator services as they come and go, fetched on first use (see {@link LazyEvaluator}):
     * binding the service objects would activate every evaluator, and the domain services each
     * uses, at every start of the container.
     */
    @Reference(name = "evaluator", service = Evaluator.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindEvaluator")
    void bindEvaluator(ComponentServiceObjects<Evaluator> objects, Map<String, Object> props) {
        LazyEvaluator l = new LazyEvaluator(objects::getService);
        lazy.put(objects, l);
        addEvaluator(l, props);
    }

    void unbindEvaluator(ComponentServiceObjects<Evaluator> objects, Map<String, Object> props) {
        LazyEvaluator l = lazy.remove(objects);
        if (l != null) {
            removeEvaluator(l, props);
            l.release(objects::ungetService);
        }
    }

    /** Adds an evaluator named by its {@link Evaluator#NAME} property (outside a framework: tests). */
    public void addEvaluator(Evaluator evaluator, Map<String, Object> props) {
        Object name = props.get(Evaluator.NAME);
        if (!(name instanceof String) || ((String) name).isBlank()) {
            LOG.warn("an Evaluator service without a {} property is ignored: {}", Evaluator.NAME, evaluator.getClass().getName());
            return;
        }
        evaluatorNames.put(evaluator, (String) name);
        Evaluator old = evaluators.put((String) name, evaluator);
        if (old != null && old != evaluator) {
            LOG.warn("two evaluators are named '{}'; the newer one is used", name);
        }
        CampaignEngine e = engine;
        if (e != null) {
            e.servicesChanged();
        }
    }

    public void removeEvaluator(Evaluator evaluator, Map<String, Object> props) {
        String name = evaluatorNames.remove(evaluator);
        if (name != null) {
            evaluators.remove(name, evaluator);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    public void addProposer(Proposer proposer, Map<String, Object> props) {
        Object name = props.get(Proposer.NAME);
        if (!(name instanceof String) || ((String) name).isBlank()) {
            LOG.warn("a Proposer service without a {} property is ignored: {}", Proposer.NAME, proposer.getClass().getName());
            return;
        }
        proposers.put((String) name, proposer);
        CampaignEngine e = engine;
        if (e != null) {
            e.servicesChanged();
        }
    }

    public void removeProposer(Proposer proposer, Map<String, Object> props) {
        proposers.values().remove(proposer);
    }

    /** The evaluator names known now. */
    Set<String> evaluatorNames() {
        return new TreeSet<>(evaluators.keySet());
    }

    @Override
    public CampaignStatusDTO start(Path file) {
        if (file == null) {
            throw new CampaignException("no campaign file given");
        }
        return engine().start(files.read(file));
    }

    @Override
    public CampaignDefinition read(Path file) {
        if (file == null) {
            throw new CampaignException("no campaign file given");
        }
        return files.read(file);
    }

    @Override
    public CampaignStatusDTO start(CampaignDefinition definition) {
        if (definition == null) {
            throw new CampaignException("no campaign definition given");
        }
        files.validate(definition);
        return engine().start(definition);
    }

    @Override
    public List<CampaignStatusDTO> list() {
        return engine().list();
    }

    @Override
    public Optional<CampaignStatusDTO> status(String id) {
        return engine().status(id);
    }

    @Override
    public List<EvaluationDTO> evaluations(String id) {
        return engine().evaluations(id);
    }

    @Override
    public CampaignStatusDTO pause(String id) {
        return engine().pause(id);
    }

    @Override
    public CampaignStatusDTO resume(String id) {
        return engine().resume(id);
    }

    @Override
    public CampaignStatusDTO abort(String id) {
        return engine().abort(id);
    }
}
