package org.kumiki.inference.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.kumiki.inference.api.dto.ModelStatsDTO;

class StatsTest {

    @Test
    void bucketsAreInclusiveUpperBounds() {
        assertEquals(0, Stats.bucket(0));
        assertEquals(0, Stats.bucket(100_000)); // exactly 100 us
        assertEquals(1, Stats.bucket(100_001));
        assertEquals(3, Stats.bucket(1_000_000)); // 1 ms
        assertEquals(Stats.BUCKETS_MICROS.length - 1, Stats.bucket(10_000_000_000L)); // 10 s
        assertEquals(Stats.BUCKETS_MICROS.length, Stats.bucket(10_000_000_001L)); // above every bound
        assertEquals(Stats.BUCKETS_MICROS.length, Stats.bucket(Long.MAX_VALUE));
    }

    @Test
    void histogramCountsEverySuccessOnceAndSumsToTheTotal() {
        Stats s = new Stats();
        s.succeeded(50_000); // 50 us
        s.succeeded(2_000_000); // 2 ms
        s.succeeded(2_000_000);
        s.succeeded(60_000_000_000L); // 60 s
        s.failure.increment();
        ModelStatsDTO d = s.dto("m", "1");
        assertEquals(4, d.requestSuccess);
        assertEquals(1, d.requestFailure);
        assertEquals(50_000 + 4_000_000 + 60_000_000_000L, d.requestNanos);
        assertArrayEquals(Stats.BUCKETS_MICROS, d.requestDurationBucketsMicros);
        assertEquals(d.requestDurationBucketsMicros.length + 1, d.requestDurationBucketCounts.length);
        assertEquals(4, Arrays.stream(d.requestDurationBucketCounts).sum());
        assertEquals(1, d.requestDurationBucketCounts[0]);
        assertEquals(2, d.requestDurationBucketCounts[4]); // (1 ms, 2.5 ms]
        assertEquals(1, d.requestDurationBucketCounts[d.requestDurationBucketCounts.length - 1]);
        d.requestDurationBucketsMicros[0] = 7; // a caller's copy: the recorder's bounds stay
        assertEquals(100, Stats.BUCKETS_MICROS[0]);
    }
}
