package io.fastlimit.servlet;

/** The HTTP suite against a real redis-server, on Tomcat 11. */
class TomcatRedisFilterHttpTest extends RedisFilterHttpTest {

    @Override
    protected TestContainer.Kind container() {
        return TestContainer.Kind.TOMCAT;
    }
}
