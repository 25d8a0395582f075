package io.fastlimit.servlet;

/** The HTTP suite against the in-memory backend, on Tomcat 11. */
class TomcatMemoryFilterHttpTest extends MemoryFilterHttpTest {

    @Override
    protected TestContainer.Kind container() {
        return TestContainer.Kind.TOMCAT;
    }
}
