package io.fastlimit.jaxrs;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.memory.MemoryBackend;

import java.time.Clock;

/** The HTTP suite against the in-process {@link MemoryBackend}, driven by the suite's manual clock. */
class MemoryBackendHttpTest extends RateLimitHttpContract {

    @Override
    protected Backend createBackend(Clock clock) {
        return MemoryBackend.builder().clock(clock).build();
    }
}
