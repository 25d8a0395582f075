package io.fastlimit.testing.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A real {@code redis-server} process on a free loopback port, for tests: the binary on the PATH,
 * or else the one the {@code com.github.codemonstur:embedded-redis} jar carries. Start it with
 * {@link #startNew}, stop and start it again on the same port to test failures (then
 * {@link #startAgainAndAwait} waits for a client to find it back), read {@code INFO} through
 * {@link #command}.
 */
public final class RedisServer implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 20_000;
    /** How long a client may take to reach the server again after {@link #startAgainAndAwait}. */
    private static final long RECOVERY_TIMEOUT_MS = 30_000;

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private final boolean tls;
    private Process process;

    private RedisServer(int port, Path dir, List<String> extraArgs, boolean tls) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
        this.tls = tls;
    }

    /** Starts a standalone server, with extra {@code redis-server} arguments if any. */
    public static RedisServer startNew(String... extraArgs) {
        RedisServer server = new RedisServer(freePort(), tempDir(), List.of(extraArgs), false);
        server.start();
        return server;
    }

    /** Starts a server that speaks only TLS, with the certificates in {@code certs}. */
    static RedisServer startTls(TlsCertificates certs) {
        int port = freePort();
        RedisServer server = new RedisServer(port, tempDir(), List.of(
                "--port", "0", "--tls-port", Integer.toString(port),
                "--tls-cert-file", certs.serverCert().toString(),
                "--tls-key-file", certs.serverKey().toString(),
                "--tls-ca-cert-file", certs.caCert().toString(),
                "--tls-auth-clients", "no"), true);
        server.start();
        return server;
    }

    /** Starts the process (again, after {@link #stop()}) on the same port. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(binary().toString(),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--protected-mode", "no"));
        if (!tls) {
            command.addAll(List.of("--port", Integer.toString(port)));
        }
        command.addAll(extraArgs);
        process = launch(command, "Ready to accept connections");
    }

    /**
     * Starts the process again after {@link #stop()} and calls {@code probe} until {@code reached}
     * accepts its answer, which it returns. A server that is up is not yet one its clients use: a
     * client whose circuit opened while the server was down calls it again only once its open time
     * has passed, and reconnects first. So the probe typically moves the test's clock past the
     * circuit's open time and sends a check; each try is a real call, nothing sleeps.
     *
     * @throws AssertionError when no answer is accepted within 30 seconds
     */
    public <T> T startAgainAndAwait(Supplier<? extends T> probe, Predicate<? super T> reached) {
        start();
        long deadline = System.currentTimeMillis() + RECOVERY_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            T answer = probe.get();
            if (reached.test(answer)) {
                return answer;
            }
        }
        throw new AssertionError("clients did not reach redis-server again after it was started again on port " + port);
    }

    /** Kills the process at once, as a crash or a network cut would look to clients. */
    public synchronized void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public int port() {
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String url() {
        return (tls ? "rediss" : "redis") + "://127.0.0.1:" + port;
    }

    /** Sends one command and returns the reply (a String, Long, List or null; errors as "ERR:…"). */
    public Object command(String... command) {
        return Resp.call(port, command);
    }

    /** Sends one command as {@code user}, authenticated with {@code password}. */
    public Object commandAs(String user, String password, String... command) {
        return Resp.callAs(port, user, password, command);
    }

    /** The calls counted by {@code INFO commandstats}, by lower-case command name. */
    public Map<String, Long> commandCalls() {
        return parseCommandStats((String) command("INFO", "commandstats"));
    }

    static Map<String, Long> parseCommandStats(String info) {
        Map<String, Long> calls = new java.util.TreeMap<>();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                int start = line.indexOf("calls=") + "calls=".length();
                int end = line.indexOf(',', start);
                calls.put(name, Long.parseLong(line.substring(start, end)));
            }
        }
        return calls;
    }

    @Override
    public void close() {
        stop();
    }

    // ---- process helpers shared by the cluster and sentinel set-ups

    static Process launch(List<String> command, String readyLine) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            CompletableFuture<Void> ready = new CompletableFuture<>();
            StringBuilder log = new StringBuilder();
            Thread reader = new Thread(() -> drain(process.getInputStream(), readyLine, ready, log), "redis-log");
            reader.setDaemon(true);
            reader.start();
            try {
                ready.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                process.destroyForcibly();
                throw new IllegalStateException("redis did not start: " + command + "\n" + log, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
    }

    private static void drain(InputStream out, String readyLine, CompletableFuture<Void> ready, StringBuilder log) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!ready.isDone()) {
                    log.append(line).append('\n');
                    if (line.contains(readyLine)) {
                        ready.complete(null);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
        ready.completeExceptionally(new IllegalStateException("redis exited before it was ready"));
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("fastlimit-redis-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path binary;

    /** The redis-server binary: the one on the PATH, or the one in the embedded-redis jar. */
    static synchronized Path binary() {
        if (binary != null) {
            return binary;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return binary = candidate;
            }
        }
        return binary = extractEmbedded();
    }

    /** Whether a redis-server binary could be found. */
    public static boolean available() {
        try {
            return binary() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The major version of the binary, e.g. 7. */
    static int majorVersion() {
        try {
            Process p = new ProcessBuilder(binary().toString(), "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            int v = out.indexOf("v=");
            return Integer.parseInt(out.substring(v + 2, out.indexOf('.', v)));
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static Path extractEmbedded() {
        String arch = System.getProperty("os.arch").contains("aarch64") ? "linux-arm64" : "linux-amd64";
        for (String name : new String[] {"redis-server-6.2.6-v5-" + arch, "redis-server-6.2.7-" + arch}) {
            try (InputStream in = RedisServer.class.getClassLoader().getResourceAsStream(name)) {
                if (in == null) {
                    continue;
                }
                Path target = tempDir().resolve("redis-server");
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().setExecutable(true);
                return target;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("No redis-server on the PATH and none in the embedded-redis jar for "
                + Arrays.toString(new String[] {System.getProperty("os.name"), System.getProperty("os.arch")}));
    }
}
