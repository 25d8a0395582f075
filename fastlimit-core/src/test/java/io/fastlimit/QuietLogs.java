package io.fastlimit;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Holds back what the limiter logs while a test runs and publishes it only if the test fails: for the
 * core's tests that make a backend or a resolver fail on purpose. The other modules use
 * {@code io.fastlimit.testing.logging.QuietLogs} of fastlimit-test, which the core's tests cannot
 * depend on (it depends on the core); the core logs through {@link System.Logger} only, so this one
 * holds {@code java.util.logging} records and nothing else.
 */
final class QuietLogs implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(QuietLogs.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(Held.class, new Held());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Held held = context.getStore(NAMESPACE).remove(Held.class, Held.class);
        if (held != null) {
            held.release(context.getExecutionException().isPresent());
        }
    }

    /** The records of one test, and the root handlers they were kept from. */
    private static final class Held extends Handler {
        private final List<LogRecord> records = new ArrayList<>();
        private final Logger root = Logger.getLogger("");
        private final Handler[] originalHandlers = root.getHandlers();

        Held() {
            for (Handler original : originalHandlers) {
                root.removeHandler(original);
            }
            root.addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        synchronized void release(boolean testFailed) {
            root.removeHandler(this);
            for (Handler original : originalHandlers) {
                root.addHandler(original);
                if (testFailed) {
                    records.forEach(original::publish);
                    original.flush();
                }
            }
        }
    }
}
