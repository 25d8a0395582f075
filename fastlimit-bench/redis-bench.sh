#!/usr/bin/env bash
# Measures rate-limit checks against a local Redis, all in one run:
#   1. the floor: redis-benchmark sending EVALSHA of a one-line script (16, 64 and 256 connections),
#      one command at a time and pipelined 16 deep;
#   2. fastlimit's RedisBackend (each algorithm, batching on and off), Bucket4j's Redisson proxy manager and Redisson's
#      RRateLimiter, with 16, 64 and 256 blocking callers and one asynchronous caller keeping 64
#      checks in flight (JMH: latency percentiles; checks per second = callers / mean latency).
# Needs redis-server, redis-cli and redis-benchmark (Debian: apt-get install redis-server).
# Usage: fastlimit-bench/redis-bench.sh [extra JMH options, e.g. -wi 1 -i 1 for a quick look]
set -euo pipefail
cd "$(dirname "$0")/.."
port=${REDIS_BENCH_PORT:-6390}
dir=$(mktemp -d)
# Redis gets core 1 and the clients core 0, as if on machines of their own (without taskset they share).
pin_server=""; pin_client=""
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then pin_server="taskset -c 1"; pin_client="taskset -c 0"; fi
$pin_server redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do :; done

./mvnw -q -B -pl fastlimit-bench -am package -DskipTests

echo "== floor: redis-benchmark, EVALSHA of 'return 1' =="
sha=$(redis-cli -p "$port" script load "return 1")
for clients in 16 64 256; do
  printf 'connections=%s ' "$clients"
  $pin_client redis-benchmark -p "$port" -c "$clients" -n 300000 --csv EVALSHA "$sha" 0 | tail -1
  printf 'connections=%s pipeline=16 ' "$clients"
  $pin_client redis-benchmark -p "$port" -c "$clients" -P 16 -n 1000000 --csv EVALSHA "$sha" 0 | tail -1
done

echo "== JMH: RedisCheckBenchmark =="
$pin_client java -jar fastlimit-bench/target/benchmarks.jar RedisCheckBenchmark -p url="redis://127.0.0.1:$port" "$@"
