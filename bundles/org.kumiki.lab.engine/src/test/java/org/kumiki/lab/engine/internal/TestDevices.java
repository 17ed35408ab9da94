package org.kumiki.lab.engine.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

import org.kumiki.lab.api.DeviceDisconnectedException;
import org.kumiki.lab.api.DeviceException;
import org.kumiki.lab.api.Movable;
import org.kumiki.lab.api.Readable;
import org.kumiki.lab.api.Stoppable;
import org.kumiki.lab.api.Triggerable;
import org.kumiki.lab.api.dto.DataKeyDTO;
import org.kumiki.lab.api.dto.ExternalDatumDTO;
import org.kumiki.lab.api.dto.LimitsDTO;
import org.kumiki.lab.api.dto.ReadingDTO;

final class TestDevices {
    private TestDevices() {
    }

    /** A signal the test sets directly (a beam current, say); counts its reads. */
    static final class Signal implements Readable, Movable {
        final String name;
        volatile double value;
        final AtomicLong reads = new AtomicLong();

        Signal(String name, double value) {
            this.name = name;
            this.value = value;
        }

        @Override public String name() { return name; }

        @Override
        public Map<String, ReadingDTO> read() {
            reads.incrementAndGet();
            return Map.of(name, ReadingDTO.of(value, System.currentTimeMillis() / 1000.0));
        }

        @Override
        public Map<String, DataKeyDTO> describe() {
            return Map.of(name, DataKeyDTO.number("TEST:" + name, "mA", name));
        }

        @Override
        public CompletionStage<Void> set(Object v) {
            value = ((Number) v).doubleValue();
            return CompletableFuture.completedFuture(null);
        }

        @Override public LimitsDTO limits() { return null; }
    }

    /** A counter detector that can be unplugged: every trigger counts up, so lost or repeated points show. */
    static final class Flaky implements Readable, Triggerable {
        final String name;
        volatile boolean connected = true;
        final AtomicLong triggers = new AtomicLong();
        volatile long latched;
        /** Disconnect by itself at this trigger number (0: never). */
        volatile long dropAt;

        Flaky(String name) {
            this.name = name;
        }

        @Override public String name() { return name; }
        @Override public boolean connected() { return connected; }

        @Override
        public CompletionStage<Void> trigger() throws DeviceException {
            if (!connected) throw new DeviceDisconnectedException(name + " unplugged");
            long n = triggers.incrementAndGet();
            if (n == dropAt) {
                connected = false;
                throw new DeviceDisconnectedException(name + " unplugged during trigger " + n);
            }
            latched = n;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Map<String, ReadingDTO> read() throws DeviceException {
            if (!connected) throw new DeviceDisconnectedException(name + " unplugged");
            return Map.of(name, ReadingDTO.of(latched, System.currentTimeMillis() / 1000.0));
        }

        @Override
        public Map<String, DataKeyDTO> describe() {
            DataKeyDTO k = DataKeyDTO.number("TEST:" + name, null, name);
            k.dtype = "integer";
            return Map.of(name, k);
        }
    }

    /**
     * A counter whose stop() takes {@code stopMillis} (a network driver waiting for its
     * acknowledgement): a pause or an abort takes effect only after it returned.
     */
    static final class SlowStop implements Readable, Triggerable, Stoppable {
        final String name;
        final long stopMillis;
        final AtomicLong triggers = new AtomicLong();
        final AtomicLong stops = new AtomicLong();

        SlowStop(String name, long stopMillis) {
            this.name = name;
            this.stopMillis = stopMillis;
        }

        @Override public String name() { return name; }

        @Override
        public CompletionStage<Void> trigger() {
            triggers.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Map<String, ReadingDTO> read() {
            return Map.of(name, ReadingDTO.of(triggers.get(), System.currentTimeMillis() / 1000.0));
        }

        @Override
        public Map<String, DataKeyDTO> describe() {
            return Map.of(name, DataKeyDTO.number("TEST:" + name, null, name));
        }

        @Override
        public void stop() {
            stops.incrementAndGet();
            try {
                Thread.sleep(stopMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A camera whose frames are files: readings are external datums. */
    static final class Camera implements Readable, Triggerable {
        long frame;

        @Override public String name() { return "cam1"; }

        @Override
        public CompletionStage<Void> trigger() {
            frame++;
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Map<String, ReadingDTO> read() {
            ExternalDatumDTO x = new ExternalDatumDTO();
            x.spec = "NPY_SEQ";
            x.root = "/data";
            x.resourcePath = "cam1/frames";
            x.resourceKwargs = Map.of("frame_per_point", 1);
            x.datumKwargs = Map.of("index", frame);
            Map<String, ReadingDTO> r = new LinkedHashMap<>();
            r.put("cam1_image", ReadingDTO.of(x, System.currentTimeMillis() / 1000.0));
            r.put("cam1_exposure", ReadingDTO.of(0.1, System.currentTimeMillis() / 1000.0));
            return r;
        }

        @Override
        public Map<String, DataKeyDTO> describe() {
            Map<String, DataKeyDTO> d = new LinkedHashMap<>();
            DataKeyDTO img = new DataKeyDTO();
            img.source = "TEST:cam1";
            img.dtype = "array";
            img.shape = new int[] {64, 64};
            img.external = "FILESTORE:";
            d.put("cam1_image", img);
            d.put("cam1_exposure", DataKeyDTO.number("TEST:cam1.exposure", "s", "cam1"));
            return d;
        }
    }
}
