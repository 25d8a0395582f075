package io.fastlimit.testing.logging;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs a class of two tests that log, one passing and one failing, and reads what reached System.err. */
class QuietLogsTest {

    /** Run only through the test kit below: its name is not one the build runs. */
    @ExtendWith(QuietLogs.class)
    static class Provoking {

        @Test
        void passes() {
            System.err.println("a line of a passing test");
            Logger.getLogger("io.fastlimit.provoking").warning("a warning of a passing test");
        }

        @Test
        void fails() {
            System.err.println("a line of a failing test");
            Logger.getLogger("io.fastlimit.provoking").warning("a warning of a failing test");
            fail("on purpose");
        }
    }

    @Test
    void whatAPassingTestLogsIsDroppedAndWhatAFailingTestLogsIsPrinted() {
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setErr(console);
        try {
            EngineTestKit.engine("junit-jupiter").selectors(selectClass(Provoking.class)).execute()
                    .testEvents().assertStatistics(stats -> stats.succeeded(1).failed(1));
            assertThat(System.err).as("System.err is given back").isSameAs(console);
        } finally {
            System.setErr(err);
        }

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("a line of a failing test", "a warning of a failing test")
                .doesNotContain("a line of a passing test", "a warning of a passing test");
    }
}
