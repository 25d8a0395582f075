package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import io.fastlimit.testing.ManualClock;

/** Plans, shadow rules and the limits file with the memory backend. */
class MemoryPlansHttpTest extends AbstractPlansHttpTest {

    @Override
    protected FastLimit.Builder limiterBuilder(ManualClock clock) {
        return FastLimit.builder().clock(clock);
    }
}
