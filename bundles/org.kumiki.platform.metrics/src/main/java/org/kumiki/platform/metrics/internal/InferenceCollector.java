package org.kumiki.platform.metrics.internal;

import java.util.List;

import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.kumiki.inference.api.InferenceService;
import org.kumiki.inference.api.dto.ModelStatsDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Inference: Triton's {@code nv_inference_*} families per model and version (same names, labels and
 * units as Triton, so its dashboards work), and a request latency histogram in seconds.
 */
@Component(service = DomainCollector.class)
public class InferenceCollector implements DomainCollector {

    private final InferenceService inference;

    @Activate
    public InferenceCollector(@Reference InferenceService inference) {
        this.inference = inference;
    }

    @Override
    public String domain() {
        return "inference";
    }

    @Override
    public void collect(List<MetricSnapshot> out) {
        collect(inference.statistics(), out);
    }

    static void collect(List<ModelStatsDTO> stats, List<MetricSnapshot> out) {
        Families.Untyped success = new Families.Untyped("nv_inference_request_success", "Number of successful inference requests");
        Families.Untyped failure = new Families.Untyped("nv_inference_request_failure", "Number of failed inference requests");
        Families.Untyped count = new Families.Untyped("nv_inference_count", "Number of inferences performed (a batch of n counts n)");
        Families.Untyped exec = new Families.Untyped("nv_inference_exec_count", "Number of model executions (a merged batch counts 1)");
        Families.Untyped request = new Families.Untyped("nv_inference_request_duration_us", "Cumulative request duration in microseconds");
        Families.Untyped queue = new Families.Untyped("nv_inference_queue_duration_us", "Cumulative time requests waited in the batch queue in microseconds");
        Families.Untyped compute = new Families.Untyped("nv_inference_compute_infer_duration_us", "Cumulative engine compute duration in microseconds");
        HistogramSnapshot.Builder latency = HistogramSnapshot.builder().name("kumiki_inference_request_duration_seconds")
                .help("Duration of successful inference requests from arrival to response");
        boolean anyHistogram = false;
        for (ModelStatsDTO s : stats) {
            String[] l = {"model", Families.label(s.name), "version", Families.label(s.version)};
            success.add(s.requestSuccess, l);
            failure.add(s.requestFailure, l);
            count.add(s.inferenceCount, l);
            exec.add(s.executionCount, l);
            request.add(s.requestNanos / 1000, l);
            queue.add(s.queueNanos / 1000, l);
            compute.add(s.computeNanos / 1000, l);
            ClassicHistogramBuckets buckets = buckets(s);
            if (buckets != null) {
                anyHistogram = true;
                latency.dataPoint(HistogramDataPointSnapshot.builder().classicHistogramBuckets(buckets)
                        .sum(s.requestNanos / 1e9).labels(Labels.of(l)).build());
            }
        }
        out.add(success.build());
        out.add(failure.build());
        out.add(count.build());
        out.add(exec.build());
        out.add(request.build());
        out.add(queue.build());
        out.add(compute.build());
        if (anyHistogram) {
            out.add(latency.build());
        }
    }

    /**
     * The provider's histogram as the library's buckets (seconds, the last one {@code +Inf}), or
     * null when it keeps none or its arrays do not fit together.
     */
    static ClassicHistogramBuckets buckets(ModelStatsDTO s) {
        long[] bounds = s.requestDurationBucketsMicros;
        long[] counts = s.requestDurationBucketCounts;
        if (bounds == null || counts == null || counts.length != bounds.length + 1) {
            return null;
        }
        double[] upper = new double[counts.length];
        for (int i = 0; i < bounds.length; i++) {
            if (i > 0 && bounds[i] <= bounds[i - 1]) {
                return null;
            }
            upper[i] = bounds[i] / 1e6;
        }
        upper[bounds.length] = Double.POSITIVE_INFINITY;
        for (long c : counts) {
            if (c < 0) {
                return null;
            }
        }
        return ClassicHistogramBuckets.of(upper, counts);
    }
}
