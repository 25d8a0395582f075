package io.fastlimit.backends.memory;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory bound, in a heap as small as a small service's: {@link MemoryFlood} runs in a JVM of its
 * own with {@code -Xmx256m}, floods a default {@link MemoryBackend} with 3,000,000 distinct keys and
 * drives one key at a million requests an hour once per millisecond for an hour of clock time.
 */
class MemoryFloodTest {

    private static final int FLOOD_KEYS = 3_000_000;

    @Test
    void millionsOfKeysAndAMillionAnHourFitInA256MegabyteHeap() throws Exception {
        Path output = Files.createTempFile("memory-flood", ".txt");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                    "-cp", System.getProperty("java.class.path"), MemoryFlood.class.getName(), String.valueOf(FLOOD_KEYS)))
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!child.waitFor(3, TimeUnit.MINUTES)) {
                child.destroyForcibly();
                throw new AssertionError("still running after 3 minutes: " + Files.readString(output));
            }
            String printed = Files.readString(output);
            System.out.print(printed); // the figures, in the test's report
            assertThat(child.exitValue()).as(printed).isZero();
            Map<String, Long> figures = figures(printed);

            long maxBytes = figures.get("maxBytes");
            assertThat(maxBytes).as("a quarter of the heap").isBetween(60L << 20, 64L << 20);
            assertThat(figures.get("bytesHeld")).isLessThanOrEqualTo(maxBytes);
            assertThat(figures.get("keys")).isLessThanOrEqualTo(MemoryBackend.DEFAULT_MAX_KEYS);
            // the busy log: a unit per ms, a million in its first 1000 s, then blocked until they leave
            assertThat(figures.get("busyAllowed")).isEqualTo(1_000_000);
            assertThat(figures.get("busyMostEntries")).isLessThanOrEqualTo(1001);
            assertThat(figures.get("busyLogBytes")).isLessThanOrEqualTo(16_128);
            // the flood filled the bounds, and the heap holds about what the backend counted
            assertThat(figures.get("floodKeysHeld")).isLessThanOrEqualTo(MemoryBackend.DEFAULT_MAX_KEYS);
            assertThat(figures.get("floodBytesHeld")).isLessThanOrEqualTo(maxBytes);
            assertThat(figures.get("floodHeapUsed")).as(printed).isLessThan(figures.get("floodBytesHeld") * 3 / 2);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Map<String, Long> figures(String printed) throws IOException {
        Map<String, Long> figures = new HashMap<>();
        for (String line : printed.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(eq + 1).trim().matches("-?\\d+")) {
                figures.put(line.substring(0, eq).trim(), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        return figures;
    }
}
