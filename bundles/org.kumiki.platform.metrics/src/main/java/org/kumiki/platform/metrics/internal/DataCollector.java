package org.kumiki.platform.metrics.internal;

import java.util.List;
import java.util.Locale;

import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import org.kumiki.data.api.TransferService;
import org.kumiki.data.api.TransferState;
import org.kumiki.data.api.dto.TransferTaskDTO;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Data movement: transfers by state, bytes and files moved, current rate of active transfers. */
@Component(service = DomainCollector.class)
public class DataCollector implements DomainCollector {

    private final TransferService transfers;

    @Activate
    public DataCollector(@Reference TransferService transfers) {
        this.transfers = transfers;
    }

    @Override
    public String domain() {
        return "data";
    }

    @Override
    public void collect(List<MetricSnapshot> out) {
        long[] byState = new long[TransferState.values().length];
        long other = 0;
        double bytesTransferred = 0;
        double bytesDone = 0;
        double filesDone = 0;
        double filesSkipped = 0;
        double filesFailed = 0;
        double rate = 0;
        for (TransferTaskDTO t : transfers.tasks()) {
            TransferState s = t.state;
            if (s == null) {
                other++;
            } else {
                byState[s.ordinal()]++;
            }
            bytesTransferred += t.bytesTransferred;
            bytesDone += t.bytesDone;
            filesDone += t.filesDone;
            filesSkipped += t.filesSkipped;
            filesFailed += t.filesFailed;
            if (s == TransferState.ACTIVE && Double.isFinite(t.rate) && t.rate > 0) {
                rate += t.rate;
            }
        }
        Families.Gauge tasks = new Families.Gauge("kumiki_data_transfers", "Transfer tasks the service records, by state");
        for (TransferState s : TransferState.values()) {
            tasks.add(byState[s.ordinal()], "state", s.name().toLowerCase(Locale.ROOT));
        }
        if (other > 0) {
            tasks.add(other, "state", "unknown");
        }
        out.add(tasks.build());
        out.add(new Families.Counter("kumiki_data_transferred_bytes", "Bytes sent to destinations by the recorded transfers (resent chunks count again)")
                .add(bytesTransferred).build());
        out.add(new Families.Counter("kumiki_data_completed_bytes", "Bytes of the recorded transfers that are at their destination (including skipped, already present files)")
                .add(bytesDone).build());
        out.add(new Families.Counter("kumiki_data_files", "Files of the recorded transfers by outcome")
                .add(filesDone, "outcome", "done").add(filesSkipped, "outcome", "skipped").add(filesFailed, "outcome", "failed").build());
        out.add(new Families.Gauge("kumiki_data_transfer_rate_bytes_per_second", "Current rate of the active transfers together")
                .add(rate).build());
    }
}
