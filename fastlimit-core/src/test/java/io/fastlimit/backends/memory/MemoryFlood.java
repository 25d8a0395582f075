package io.fastlimit.backends.memory;

import io.fastlimit.Algorithm;
import io.fastlimit.rules.BucketConfig;
import io.fastlimit.testing.ManualClock;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;

/**
 * What {@link MemoryFloodTest} runs in a JVM of its own with a small heap: a {@link MemoryBackend}
 * with default bounds, on a moved clock, is (1) flooded with distinct keys, then (2) asked by one key
 * at {@code 1000000/hour} once per clock millisecond for an hour of clock time, while new keys keep
 * arriving. Prints its figures as {@code name=value} lines; an OutOfMemoryError or a bound broken
 * ends it with a non-zero status.
 *
 * <pre>{@code
 * java -Xmx256m -cp <test class path> io.fastlimit.backends.memory.MemoryFlood 3000000
 * }</pre>
 */
final class MemoryFlood {

    private MemoryFlood() {
    }

    public static void main(String[] args) {
        int floodKeys = Integer.parseInt(args[0]);
        long startNanos = System.nanoTime();
        long baselineBytes = heapUsedAfterGc();
        ManualClock clock = new ManualClock();
        MemoryBackend backend = MemoryBackend.builder().clock(clock).build();

        // (1) distinct clients, each still counted (10 per minute) when the next arrive
        BucketConfig perMinute = new BucketConfig(10, Duration.ofMinutes(1), Algorithm.SLIDING_WINDOW);
        for (int i = 0; i < floodKeys; i++) {
            backend.checkAndIncrement("flood:search:ip:{198.51." + (i >>> 8) + "." + (i & 0xFF) + "}", perMinute, 1);
            if (i % 1000 == 0) {
                clock.advanceMillis(1);
                checkBounds(backend);
            }
        }
        long floodNanos = System.nanoTime() - startNanos;
        System.out.println("floodKeysHeld=" + backend.size());
        System.out.println("floodBytesHeld=" + backend.bytesHeld());
        System.out.println("floodHeapUsed=" + (heapUsedAfterGc() - baselineBytes));

        // (2) one client at a million an hour, once per millisecond for an hour; a new key every 10 ms
        String busy = "flood:search:ip:{203.0.113.7}";
        BucketConfig million = new BucketConfig(1_000_000, Duration.ofHours(1), Algorithm.SLIDING_WINDOW);
        long allowed = 0;
        int mostEntries = 0;
        for (int ms = 0; ms < 3_600_000; ms++) {
            if (backend.checkAndIncrement(busy, million, 1).allowed()) {
                allowed++;
            }
            if (ms % 10 == 0) {
                backend.checkAndIncrement("flood:search:ip:{2001:db8::" + Integer.toHexString(ms) + "}", perMinute, 1);
            }
            if (ms % 1000 == 0) {
                checkBounds(backend);
                KeyState state = backend.stateOf(busy);
                if (state == null) {
                    throw new AssertionError("the busy key was evicted at +" + ms + " ms");
                }
                mostEntries = Math.max(mostEntries, ((SlidingWindowLog) state).entries());
            }
            clock.advanceMillis(1);
        }
        SlidingWindowLog log = (SlidingWindowLog) backend.stateOf(busy);
        checkBounds(backend);

        System.out.println("keys=" + backend.size());
        System.out.println("bytesHeld=" + backend.bytesHeld());
        System.out.println("maxBytes=" + backend.maxBytes());
        System.out.println("busyAllowed=" + allowed);
        System.out.println("busyEntries=" + log.entries());
        System.out.println("busyMostEntries=" + mostEntries);
        System.out.println("busyLogBytes=" + log.bytes());
        System.out.println("heapUsedByBackend=" + (heapUsedAfterGc() - baselineBytes));
        System.out.println("floodMs=" + floodNanos / 1_000_000);
        System.out.println("totalMs=" + (System.nanoTime() - startNanos) / 1_000_000);
        backend.clearAll(); // keeps the backend reachable until the heap was measured
    }

    private static void checkBounds(MemoryBackend backend) {
        if (backend.bytesHeld() > backend.maxBytes() || backend.size() > MemoryBackend.DEFAULT_MAX_KEYS) {
            throw new AssertionError("bounds broken: " + backend.size() + " keys, " + backend.bytesHeld() + " bytes");
        }
    }

    private static long heapUsedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
