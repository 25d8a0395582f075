package io.fastlimit.testing.logging;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Holds back what is logged while a test runs and prints it only if the test fails. For tests that
 * provoke failures on purpose (a Redis that is down, a webapp that must not start): their warnings
 * and stack traces say nothing is wrong when the test passes, and everything when it does not.
 *
 * <pre>{@code
 * @ExtendWith(QuietLogs.class)   // on the class, or on the methods that provoke the failures
 * class RedisDownTest { ... }
 * }</pre>
 *
 * <p>It holds what goes through {@code java.util.logging} (so {@link System.Logger} output, such as
 * fastlimit's own warnings, and Jersey's) and what is written to {@link System#err} (slf4j-simple's
 * lines, such as Jetty's and Redisson's), from every thread, between the start and the end of each
 * test. It swaps process-wide streams, so it is not for tests that run in parallel in one JVM.
 */
public final class QuietLogs implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(QuietLogs.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(Held.class, new Held());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Held held = context.getStore(NAMESPACE).remove(Held.class, Held.class);
        if (held != null) {
            held.release(context.getExecutionException().isPresent(), context.getDisplayName());
        }
    }

    /** The output of one test, held from its start; the streams and handlers it replaced, to put back. */
    private static final class Held {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        private final PrintStream originalErr = System.err;
        private final Logger root = Logger.getLogger("");
        private final Handler[] originalHandlers = root.getHandlers();
        private final Handler handler;

        Held() {
            // formatted as the console handler would, into the held bytes
            Formatter formatter = originalHandlers.length > 0 && originalHandlers[0].getFormatter() != null
                    ? originalHandlers[0].getFormatter() : new SimpleFormatter();
            handler = new StreamHandler(stream, formatter) {
                @Override
                public synchronized void publish(LogRecord record) {
                    super.publish(record);
                    flush(); // keeps records and System.err lines in the order they came
                }
            };
            if (originalHandlers.length > 0) {
                handler.setLevel(originalHandlers[0].getLevel());
            }
            for (Handler original : originalHandlers) {
                root.removeHandler(original);
            }
            root.addHandler(handler);
            System.setErr(stream);
        }

        void release(boolean testFailed, String testName) {
            System.setErr(originalErr);
            root.removeHandler(handler);
            handler.flush();
            for (Handler original : originalHandlers) {
                root.addHandler(original);
            }
            if (testFailed && bytes.size() > 0) {
                originalErr.println("---- logged while " + testName + " ran, held back until it failed ----");
                originalErr.print(bytes.toString(StandardCharsets.UTF_8));
                originalErr.println("---- end of what " + testName + " logged ----");
            }
        }
    }
}
