package io.fastlimit.jaxrs;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.memory.MemoryBackend;

import java.time.Clock;

/** Plans, shadow limits and the limits file in JAX-RS, with the memory backend. */
class MemoryPlansJaxRsTest extends AbstractPlansJaxRsTest {

    @Override
    protected Backend createBackend(Clock clock) {
        return MemoryBackend.builder().clock(clock).build();
    }
}
