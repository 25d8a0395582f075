package io.fastlimit.servlet;

import io.fastlimit.FastLimit;
import io.fastlimit.testing.ManualClock;

/** The HTTP suite against the in-memory backend, on the test's clock, on Jetty ({@link TomcatMemoryFilterHttpTest}: on Tomcat). */
class MemoryFilterHttpTest extends AbstractFilterHttpTest {

    @Override
    protected FastLimit.Builder limiterBuilder(ManualClock clock) {
        return FastLimit.builder().clock(clock);
    }
}
