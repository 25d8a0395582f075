package io.fastlimit.bench;

import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one allowed check costs in CPU, on the client and on Redis, beside its throughput: the limiters
 * and set-up of {@link RedisCheckBenchmark}, with 64 blocking callers and one asynchronous caller
 * keeping 64 checks in flight. CPU per check moves far less than checks per second when the machine is
 * shared, so it shows what batching saves even where throughput is noise. Each limiter is measured in
 * turn, in several rounds, so every one sees the same changing load.
 *
 * <pre>
 * java -cp fastlimit-bench/target/benchmarks.jar io.fastlimit.bench.RedisCheckCost redis://127.0.0.1:6390 [rounds] [seconds]
 * </pre>
 *
 * Client CPU is this whole process's (limiter, Redisson, Netty and the callers); Redis CPU is the
 * server's {@code used_cpu_user + used_cpu_sys}.
 */
public final class RedisCheckCost {

    private static final String[] LIMITERS = {"fastlimit-TOKEN_BUCKET", "fastlimit-TOKEN_BUCKET-unbatched",
            "fastlimit-SLIDING_WINDOW", "fastlimit-SLIDING_WINDOW-unbatched", "redisson-RRateLimiter", "bucket4j-redisson"};
    private static final int CALLERS = 64;

    private RedisCheckCost() {
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6390";
        // a fresh server is expected: the limiters' keys are not cleared
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<RedisCheckBenchmark> benches = new ArrayList<>();
        for (String limiter : LIMITERS) {
            RedisCheckBenchmark bench = new RedisCheckBenchmark();
            bench.limiter = limiter;
            bench.url = url;
            bench.keyPrefix = "cost" + benches.size();
            bench.setUp();
            benches.add(bench);
        }
        System.out.printf("%-6s %-36s %-10s %10s %16s %16s%n", "round", "limiter", "callers", "checks/s", "client µs/check",
                "Redis µs/check");
        try {
            for (int round = 1; round <= rounds; round++) {
                for (RedisCheckBenchmark bench : benches) {
                    for (boolean async : new boolean[] {false, true}) {
                        measure(bench, async, 1); // warm-up
                        double[] r = measure(bench, async, seconds);
                        System.out.printf("%-6d %-36s %-10s %10.0f %16.1f %16.1f%n", round, bench.limiter,
                                async ? "async64" : "blocking64", r[0], r[1], r[2]);
                    }
                }
            }
        } finally {
            benches.forEach(RedisCheckBenchmark::tearDown);
        }
    }

    /** Checks per second, client CPU µs per check, Redis CPU µs per check. */
    private static double[] measure(RedisCheckBenchmark bench, boolean async, int seconds) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        LongAdder checks = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        double redisBefore = redisCpuSeconds(bench);
        long cpuBefore = os.getProcessCpuTime();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        int threadCount = async ? 1 : CALLERS;
        for (int t = 0; t < threadCount; t++) {
            Thread thread = new Thread(() -> {
                int next = ThreadLocalRandom.current().nextInt(1_000);
                while (!stop.get()) {
                    if (async) {
                        CompletableFuture<?>[] round = new CompletableFuture<?>[RedisCheckBenchmark.ASYNC_IN_FLIGHT];
                        for (int i = 0; i < round.length; i++) {
                            round[i] = bench.checkAsync.apply(next).toCompletableFuture();
                            next = next + 1 == 1_000 ? 0 : next + 1;
                        }
                        CompletableFuture.allOf(round).join();
                        checks.add(round.length);
                    } else {
                        bench.check.test(next);
                        next = next + 1 == 1_000 ? 0 : next + 1;
                        checks.increment();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        TimeUnit.SECONDS.sleep(seconds);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        long elapsed = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpuBefore;
        double redis = redisCpuSeconds(bench) - redisBefore;
        double n = checks.sum();
        return new double[] {n / (elapsed / 1e9), cpu / 1e3 / n, redis * 1e6 / n};
    }

    private static double redisCpuSeconds(RedisCheckBenchmark bench) {
        Map<String, String> cpu = bench.client.getRedisNodes(RedisNodes.SINGLE).getInstance().info(RedisNode.InfoSection.CPU);
        return Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"));
    }
}
