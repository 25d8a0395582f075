package io.fastlimit.backends.redis;

import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The client the backend creates is set up for short scripts: few event-loop threads, epoll on Linux. */
class RedisClientsTest {

    @Test
    void aFewEventLoopThreadsOnePerCore() {
        assertThat(RedisClients.IO_THREADS).isBetween(2, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void theNativeEpollTransportRunsOnLinuxX8664() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        assumeTrue(os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")), "epoll is offered on Linux x86-64");
        assertThat(RedisClients.EPOLL).isTrue();
    }
}
