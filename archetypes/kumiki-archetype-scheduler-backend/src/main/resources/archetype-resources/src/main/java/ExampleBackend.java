package ${package};

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.kumiki.scheduler.api.dto.TaskSpec;
import org.kumiki.scheduler.api.spi.ExecutionBackend;
import org.kumiki.scheduler.api.spi.TaskExecution;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An execution backend: runs command tasks as processes on this machine, at most
 * {@code cpus} CPUs' worth at a time. Replace {@link #start} and {@link #cancel} with calls to
 * the system you integrate (a batch queue, a cloud API); keep the reporting through
 * {@link TaskExecution}. Registered under the service property
 * {@code kumiki.backend.name} ({@link ExecutionBackend#NAME}): {@code sched:backends} lists it and
 * {@code sched:submit --backend NAME} sends tasks to it.
 */
@Component(configurationPid = ExampleBackend.PID, property = ExecutionBackend.NAME + "=" + ExampleBackend.DEFAULT_NAME)
@Designate(ocd = ExampleBackend.Config.class)
public class ExampleBackend implements ExecutionBackend {
    static final String PID = "${package}.backend";
    static final String DEFAULT_NAME = "example";
    private static final Logger LOG = LoggerFactory.getLogger(ExampleBackend.class);

    @ObjectClassDefinition(name = "Example execution backend", description = "Runs command tasks as local processes")
    public @interface Config {
        @AttributeDefinition(description = "Backend name (kumiki.backend.name), unique in the scheduler")
        String kumiki_backend_name() default DEFAULT_NAME;
        @AttributeDefinition(description = "CPUs this backend offers", min = "1")
        int cpus() default 2;
    }

    private final int cpus;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "example-backend");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Process> running = new ConcurrentHashMap<>();

    @Activate
    public ExampleBackend(Config config) {
        if (config.cpus() < 1) throw new IllegalArgumentException("cpus = " + config.cpus() + " must be at least 1");
        this.cpus = config.cpus();
    }

    @Deactivate
    void deactivate() {
        running.values().forEach(Process::destroyForcibly);
        pool.shutdownNow();
    }

    @Override
    public Capacity capacity() {
        return new Capacity(cpus, 0, -1);
    }

    @Override
    public String rejects(TaskSpec spec) {
        if (spec.function != null) return "the example backend runs commands, not functions";
        if (spec.command == null || spec.command.isEmpty()) return "the task has no command";
        if (spec.resources != null && spec.resources.gpus > 0) return "the example backend has no GPUs";
        if (spec.resources != null && spec.resources.cpus > cpus) return "the task asks for " + spec.resources.cpus + " CPUs; the example backend has " + cpus;
        return null;
    }

    @Override
    public void start(TaskExecution execution) throws Exception {
        TaskSpec spec = execution.spec();
        Path dir = execution.taskDirectory();
        ProcessBuilder pb = new ProcessBuilder(spec.command);
        pb.directory(spec.workingDirectory != null ? new File(spec.workingDirectory) : dir.toFile());
        pb.environment().putAll(spec.environment);
        pb.redirectOutput(spec.stdout != null ? new File(spec.stdout) : dir.resolve("stdout").toFile());
        pb.redirectError(spec.stderr != null ? new File(spec.stderr) : dir.resolve("stderr").toFile());
        Process p = pb.start();
        running.put(execution.taskId(), p);
        execution.running(Long.toString(p.pid()));
        pool.execute(() -> await(execution, p));
    }

    private void await(TaskExecution execution, Process p) {
        long wall = execution.spec().resources == null ? 0 : execution.spec().resources.walltimeSeconds;
        try {
            boolean ended = wall > 0 ? p.waitFor(wall, TimeUnit.SECONDS) : p.waitFor(Long.MAX_VALUE, TimeUnit.DAYS);
            if (!ended) {
                p.destroyForcibly();
                execution.timedOut("ran past its wall time of " + wall + " s");
            } else if (execution.isCancelRequested()) {
                execution.cancelled("cancelled");
            } else {
                execution.exited(p.exitValue(), p.exitValue() == 0 ? null : "exit code " + p.exitValue());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            execution.lost("the example backend stopped");
            Thread.currentThread().interrupt();
        } finally {
            running.remove(execution.taskId());
        }
    }

    @Override
    public void cancel(TaskExecution execution) {
        Process p = running.get(execution.taskId());
        if (p != null) {
            LOG.info("cancelling task {}", execution.taskId());
            p.destroy();
        }
    }

    @Override
    public boolean reattach(TaskExecution execution, String backendJobId) {
        return false; // local processes die with the container: let the scheduler retry them
    }
}
