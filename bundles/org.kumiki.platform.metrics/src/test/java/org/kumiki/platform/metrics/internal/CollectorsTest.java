package org.kumiki.platform.metrics.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.kumiki.scheduler.api.TaskState;
import org.kumiki.scheduler.api.dto.TaskRecordDTO;

class CollectorsTest {

    static ModelStatsDTO stats() {
        ModelStatsDTO s = new ModelStatsDTO();
        s.name = "mlp";
        s.version = "1";
        s.requestSuccess = 3;
        s.requestFailure = 1;
        s.inferenceCount = 5;
        s.executionCount = 2;
        s.requestNanos = 3_500_000;
        s.queueNanos = 1_000;
        s.computeNanos = 2_000_999;
        s.requestDurationBucketsMicros = new long[] {100, 1_000, 10_000};
        s.requestDurationBucketCounts = new long[] {1, 0, 2, 0};
        return s;
    }

    @Test
    void inferenceKeepsTritonsNamesLabelsAndUnitsAndAddsAHistogramInSeconds() throws Exception {
        List<MetricSnapshot> out = new ArrayList<>();
        InferenceCollector.collect(List.of(stats()), out);
        String text = MetricsServletTest.write(new MetricSnapshots(out));
        assertTrue(text.contains("nv_inference_request_success{model=\"mlp\",version=\"1\"} 3.0\n"), text);
        assertTrue(text.contains("nv_inference_request_failure{model=\"mlp\",version=\"1\"} 1.0\n"), text);
        assertTrue(text.contains("nv_inference_count{model=\"mlp\",version=\"1\"} 5.0\n"), text);
        assertTrue(text.contains("nv_inference_exec_count{model=\"mlp\",version=\"1\"} 2.0\n"), text);
        assertTrue(text.contains("nv_inference_request_duration_us{model=\"mlp\",version=\"1\"} 3500.0\n"), text);
        assertTrue(text.contains("nv_inference_queue_duration_us{model=\"mlp\",version=\"1\"} 1.0\n"), text);
        assertTrue(text.contains("nv_inference_compute_infer_duration_us{model=\"mlp\",version=\"1\"} 2000.0\n"), text);
        assertFalse(text.contains("nv_inference_request_success_total"), "Triton's sample names stay: " + text);
        assertTrue(text.contains("kumiki_inference_request_duration_seconds_bucket{model=\"mlp\",version=\"1\",le=\"1.0E-4\"} 1\n"), text);
        assertTrue(text.contains("kumiki_inference_request_duration_seconds_bucket{model=\"mlp\",version=\"1\",le=\"0.001\"} 1\n"), text);
        assertTrue(text.contains("kumiki_inference_request_duration_seconds_bucket{model=\"mlp\",version=\"1\",le=\"0.01\"} 3\n"), text);
        assertTrue(text.contains("kumiki_inference_request_duration_seconds_bucket{model=\"mlp\",version=\"1\",le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("kumiki_inference_request_duration_seconds_count{model=\"mlp\",version=\"1\"} 3\n"), text);
        assertTrue(text.contains("kumiki_inference_request_duration_seconds_sum{model=\"mlp\",version=\"1\"} 0.0035\n"), text);
    }

    @Test
    void aProviderWithoutOrWithBrokenBucketsGetsNoHistogram() {
        ModelStatsDTO s = stats();
        s.requestDurationBucketsMicros = null;
        assertNull(InferenceCollector.buckets(s));
        s = stats();
        s.requestDurationBucketCounts = new long[] {1, 2};
        assertNull(InferenceCollector.buckets(s));
        s = stats();
        s.requestDurationBucketsMicros = new long[] {100, 100, 10};
        assertNull(InferenceCollector.buckets(s));
        s = stats();
        s.requestDurationBucketCounts = new long[] {1, -1, 0, 0};
        assertNull(InferenceCollector.buckets(s));
        List<MetricSnapshot> out = new ArrayList<>();
        InferenceCollector.collect(List.of(s), out);
        assertTrue(out.stream().noneMatch(m -> m.getMetadata().getName().equals("kumiki_inference_request_duration_seconds")));
        assertEquals(7, out.size()); // Triton's families still served
    }

    @Test
    void tasksAreCountedByBackendAndStateWithUnplacedOnesUnderNone() {
        List<TaskRecordDTO> records = new ArrayList<>();
        records.add(task("local", TaskState.RUNNING));
        records.add(task("local", TaskState.COMPLETED));
        records.add(task("local", TaskState.COMPLETED));
        records.add(task(null, TaskState.PENDING));
        records.add(task("", TaskState.BLOCKED));
        records.add(task("slurm", null)); // a malformed record is skipped, not counted as anything
        Map<String, long[]> m = SchedulerCollector.countByBackendAndState(records);
        assertEquals(List.of("local", "none"), new ArrayList<>(m.keySet()));
        long[] local = new long[TaskState.values().length];
        local[TaskState.RUNNING.ordinal()] = 1;
        local[TaskState.COMPLETED.ordinal()] = 2;
        assertArrayEquals(local, m.get("local"));
        assertEquals(1, m.get("none")[TaskState.PENDING.ordinal()]);
        assertEquals(1, m.get("none")[TaskState.BLOCKED.ordinal()]);
    }

    @Test
    void quantumJobsHaveEveryStatusForEveryBackend() throws Exception {
        org.kumiki.quantum.api.dto.BackendDTO sv = new org.kumiki.quantum.api.dto.BackendDTO();
        sv.name = "statevector";
        MetricSnapshot jobs = QuantumCollector.jobs(List.of(sv), Map.of("gone", Map.of(org.kumiki.quantum.api.JobStatus.DONE, 4L),
                "statevector", Map.of(org.kumiki.quantum.api.JobStatus.RUNNING, 1L)));
        String text = MetricsServletTest.write(MetricSnapshots.of(jobs));
        assertTrue(text.contains("kumiki_quantum_jobs{backend=\"gone\",status=\"done\"} 4.0\n"), text);
        assertTrue(text.contains("kumiki_quantum_jobs{backend=\"statevector\",status=\"running\"} 1.0\n"), text);
        assertTrue(text.contains("kumiki_quantum_jobs{backend=\"statevector\",status=\"queued\"} 0.0\n"), text);
        assertEquals(2 * org.kumiki.quantum.api.JobStatus.values().length, text.lines().filter(l -> l.startsWith("kumiki_quantum_jobs{")).count());
    }

    static TaskRecordDTO task(String backend, TaskState state) {
        TaskRecordDTO t = new TaskRecordDTO();
        t.backend = backend;
        t.state = state;
        return t;
    }
}
