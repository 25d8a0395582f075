package io.fastlimit.examples.docs;

import io.fastlimit.backends.Backend;
import io.fastlimit.testing.contract.BackendContractTest;
import io.fastlimit.backends.memory.MemoryBackend;
import io.fastlimit.testing.ManualClock;

// tag::contract[]
/** Every behaviour a backend must show, from fastlimit-test, run against CountingBackend. */
class CountingBackendContractTest extends BackendContractTest {

    @Override
    protected Backend createBackend(ManualClock clock) {
        return new CountingBackend(MemoryBackend.builder().clock(clock).build());
    }
}
// end::contract[]
