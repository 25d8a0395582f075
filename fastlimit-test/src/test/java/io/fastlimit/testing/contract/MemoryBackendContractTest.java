package io.fastlimit.testing.contract;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.testing.ManualClock;

/** The contract suite against the memory backend, the reference every other backend is held to. */
class MemoryBackendContractTest extends BackendContractTest {

    @Override
    protected Backend createBackend(ManualClock clock) {
        return MemoryBackend.builder().clock(clock).build();
    }
}
