package io.fastlimit.backends.memory;

import io.fastlimit.backends.Backend;
import io.fastlimit.backends.BackendContractTest;
import io.fastlimit.testing.ManualClock;

class MemoryBackendContractTest extends BackendContractTest {

    @Override
    protected Backend createBackend(ManualClock clock) {
        return MemoryBackend.builder().clock(clock).build();
    }
}
