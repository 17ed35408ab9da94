package org.kumiki.scheduler.slurm.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.kumiki.scheduler.api.dto.ResourcesDTO;
import org.kumiki.scheduler.api.dto.TaskSpec;

/**
 * slurmrestd (OpenAPI v0.0.38, JWT): submit, list jobs, cancel. Tokens come from the
 * configuration or from {@code scontrol token}, renewed at half their lifespan.
 */
final class SlurmRest {

    static final String API = "/slurm/v0.0.38";
    private static final long MIB = 1024L * 1024L;

    private final String base;
    private final String user;
    private final String staticToken;
    private final long lifespanS;
    private final CommandRunner runner;
    private final String scontrol;
    private final long timeoutMs;
    private final HttpClient http;
    private String token;
    private long tokenAt;

    SlurmRest(String url, String user, String staticToken, long lifespanS, CommandRunner runner, String scontrol, long timeoutMs) {
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.user = user == null || user.isBlank() ? System.getProperty("user.name") : user.trim();
        this.staticToken = staticToken == null || staticToken.isBlank() ? null : staticToken.trim();
        this.lifespanS = Math.max(60, lifespanS);
        this.runner = runner;
        this.scontrol = scontrol;
        this.timeoutMs = timeoutMs;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofMillis(timeoutMs)).build();
    }

    String url() {
        return base;
    }

    /** Submits; returns the job id. */
    String submit(String script, Map<String, Object> job) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("script", script);
        body.put("job", job);
        Map<String, Object> r = call("POST", API + "/job/submit", Json.write(body));
        Object id = r.get("job_id");
        if (!(id instanceof Number)) throw new IOException("slurmrestd answered no job_id");
        return String.valueOf(((Number) id).longValue());
    }

    /** Every job the controller still holds (active, and ended within MinJobAge). */
    Map<String, SlurmStatus> jobs() throws IOException {
        return parseJobs(call("GET", API + "/jobs", null));
    }

    void cancel(String jobId) throws IOException {
        call("DELETE", API + "/job/" + jobId, null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, SlurmStatus> parseJobs(Map<String, Object> r) {
        Map<String, SlurmStatus> m = new LinkedHashMap<>();
        Object jobs = r.get("jobs");
        if (!(jobs instanceof List)) return m;
        for (Object o : (List<Object>) jobs) {
            if (!(o instanceof Map)) continue;
            Map<String, Object> j = (Map<String, Object>) o;
            Object id = j.get("job_id");
            Object state = j.get("job_state");
            if (!(id instanceof Number) || state == null) continue;
            int code = -1;
            int sig = -1;
            Object ec = j.get("exit_code");
            if (ec instanceof Number) { // a raw wait status: exit 7 is 1792
                int st = ((Number) ec).intValue();
                code = (st >> 8) & 0xff;
                sig = st & 0x7f;
            }
            Object reason = j.get("state_reason");
            String sid = String.valueOf(((Number) id).longValue());
            m.put(sid, new SlurmStatus(sid, state.toString(), code, sig, reason == null ? null : reason.toString()));
        }
        return m;
    }

    /** v0.0.38 job properties for a spec: the same mapping as the sbatch options. */
    static Map<String, Object> jobProperties(String taskId, TaskSpec spec, Path taskDirectory, List<String> dependencies,
            BatchJob.Defaults defaults, Map<String, String> environment) {
        // validates the dependencies and resolves defaults exactly as for sbatch
        List<String> a = BatchJob.sbatchArguments(taskId, spec, taskDirectory, taskDirectory, dependencies, defaults);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("name", BatchJob.jobName(taskId, spec.name));
        j.put("comment", "kumiki:" + BatchJob.oneLine(taskId));
        ResourcesDTO r = spec.resources == null ? new ResourcesDTO() : spec.resources;
        j.put("cpus_per_task", Math.max(1, r.cpus));
        if (r.gpus > 0) j.put("gres", "gpu:" + r.gpus);
        if (r.memoryBytes > 0) j.put("memory_per_node", (r.memoryBytes + MIB - 1) / MIB);
        if (r.walltimeSeconds > 0) j.put("time_limit", (r.walltimeSeconds + 59) / 60);
        for (String o : a) {
            if (o.startsWith("--partition=")) j.put("partition", o.substring(12));
            else if (o.startsWith("--account=")) j.put("account", o.substring(10));
            else if (o.startsWith("--output=")) j.put("standard_output", o.substring(9));
            else if (o.startsWith("--error=")) j.put("standard_error", o.substring(8));
            else if (o.startsWith("--dependency=")) j.put("dependency", o.substring(13));
        }
        j.put("current_working_directory", taskDirectory.toString());
        j.put("requeue", Boolean.FALSE);
        // sbatch exports the submitter's environment by default; slurmrestd needs it spelt out
        Map<String, Object> env = new LinkedHashMap<>(environment);
        if (env.isEmpty()) env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        j.put("environment", env);
        return j;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> call(String method, String path, String body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMillis(timeoutMs))
                .header("X-SLURM-USER-NAME", user)
                .header("X-SLURM-USER-TOKEN", token());
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> resp;
        try {
            resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("slurmrestd call interrupted", e);
        } catch (IOException e) {
            throw new IOException("slurmrestd " + base + " unreachable: " + e.getClass().getSimpleName()
                    + (e.getMessage() != null ? " " + e.getMessage() : ""), e);
        }
        if (resp.statusCode() == 401) {
            synchronized (this) {
                token = null; // renew next time
            }
            throw new IOException("slurmrestd refused the token for user " + user + " (HTTP 401)");
        }
        Map<String, Object> r;
        try {
            Object o = Json.parse(resp.body());
            r = o instanceof Map ? (Map<String, Object>) o : Map.of();
        } catch (IllegalArgumentException e) {
            throw new IOException("slurmrestd answered HTTP " + resp.statusCode() + " without JSON: "
                    + BatchJob.oneLine(resp.body()));
        }
        String errors = errors(r);
        if (errors != null) throw new IOException(errors);
        if (resp.statusCode() != 200) throw new IOException("slurmrestd answered HTTP " + resp.statusCode());
        return r;
    }

    /** The errors array on one line, or null when there is none. */
    @SuppressWarnings("unchecked")
    static String errors(Map<String, Object> r) {
        Object errs = r.get("errors");
        if (!(errs instanceof List) || ((List<Object>) errs).isEmpty()) return null;
        StringBuilder b = new StringBuilder();
        for (Object e : (List<Object>) errs) {
            if (b.length() > 0) b.append("; ");
            if (e instanceof Map) {
                Map<String, Object> m = (Map<String, Object>) e;
                Object d = m.get("description");
                Object err = m.get("error");
                b.append(err != null ? err : "error");
                if (d != null && !d.toString().isBlank() && !d.equals(err)) b.append(": ").append(d);
            } else {
                b.append(e);
            }
        }
        return BatchJob.oneLine(b.toString());
    }

    private synchronized String token() throws IOException {
        if (staticToken != null) return staticToken;
        long now = System.currentTimeMillis();
        if (token != null && now - tokenAt < lifespanS * 500) return token;
        CommandRunner.Result r = runner.run(List.of(scontrol, "token", "username=" + user, "lifespan=" + lifespanS), timeoutMs);
        if (!r.ok()) throw new IOException("scontrol token failed: " + r.errorLine());
        for (String line : r.stdout.split("\n")) {
            if (line.startsWith("SLURM_JWT=")) {
                token = line.substring(10).strip();
                tokenAt = now;
                return token;
            }
        }
        throw new IOException("scontrol token answered no SLURM_JWT");
    }
}
