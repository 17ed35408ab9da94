package org.kumiki.data.internal;

import java.nio.file.Path;

import org.kumiki.data.api.dto.TransferItem;
import org.kumiki.data.api.dto.TransferRequest;
import org.kumiki.data.api.dto.TransferTaskDTO;

/**
 * A child JVM for {@link KillResumeTest}: starts the service on a state folder, submits one
 * throttled transfer, prints its id and then its progress until it is killed.
 */
public final class ChildMain {
    public static void main(String[] a) throws Exception {
        Path state = Path.of(a[0]);
        long chunk = Long.parseLong(a[3]);
        TransferServiceImpl s = Fixtures.service(state, chunk);
        TransferRequest r = new TransferRequest();
        r.items.add(TransferItem.of(a[1], a[2], false));
        r.bandwidthLimit = Long.parseLong(a[4]);
        r.parallelStreams = 2;
        TransferTaskDTO t = s.submit(r);
        System.out.println("ID " + t.id);
        System.out.flush();
        while (true) {
            TransferTaskDTO d = s.task(t.id).get();
            System.out.println("DONE " + d.bytesDone + " " + d.state);
            System.out.flush();
            Thread.sleep(20);
        }
    }
}
