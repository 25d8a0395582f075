package io.fastlimit.examples;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.memory.MemoryBackend;

import java.time.Clock;

/** {@link AbstractFilterInFrontOfJaxRsTest} with the counters in memory. */
class FilterInFrontOfJaxRsMemoryTest extends AbstractFilterInFrontOfJaxRsTest {

    @Override
    protected Backend createBackend(Clock clock) {
        return MemoryBackend.builder().clock(clock).build();
    }
}
