#!/usr/bin/env bash
# HTTP cost of the limiter, all in one run: wrk against HttpBenchServer on loopback, for a servlet
# and a Jersey resource without limiting, with the Servlet filter and with @RateLimit, first on the
# memory backend and then on Redis; then realistic traffic (10,000 client addresses behind a trusted
# proxy, a limit the busiest clients reach) for every algorithm, memory and Redis.
# Needs wrk and redis-server (Debian: apt-get install wrk redis-server).
# Usage: fastlimit-bench/http-bench.sh [seconds per run, default 15]
# BENCH_JAVA names another java (default: the one on the PATH); BENCH_VIRTUAL_THREADS=true runs Jetty's
# requests on virtual threads (JDK 21 and later).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
redis_port=${REDIS_BENCH_PORT:-6390}
memory_port=8091
redis_http_port=8092
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

./mvnw -q -B -pl fastlimit-bench -am package -DskipTests
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do :; done

jar=fastlimit-bench/target/benchmarks.jar
"${BENCH_JAVA:-java}" -Xms512m -Xmx512m -cp "$jar" io.fastlimit.bench.HttpBenchServer "$memory_port" > "$dir/memory.log" 2>&1 &
pids+=($!)
FASTLIMIT_REDIS_URL="redis://127.0.0.1:$redis_port" "${BENCH_JAVA:-java}" -Xms512m -Xmx512m -cp "$jar" \
  io.fastlimit.bench.HttpBenchServer "$redis_http_port" > "$dir/redis.log" 2>&1 &
pids+=($!)
for port in $memory_port $redis_http_port; do
  until curl -fs "http://127.0.0.1:$port/plain" >/dev/null; do :; done
done

# A new server first takes 8 s of each endpoint it will serve, so the JIT has compiled every path
# before any is measured (otherwise the endpoints measured first pay for the compiling).
warm() { # wrk-script-or-empty url...
  local script=()
  if [ -n "$1" ]; then script=(-s "$1"); fi
  shift
  for url in "$@"; do wrk -t2 -c32 -d8s "${script[@]}" "$url" >/dev/null; done
}

run() { # label url [wrk script]
  local script=()
  if [ -n "${3:-}" ]; then script=(-s "$3"); fi
  wrk -t2 -c32 -d3s "${script[@]}" "$2" >/dev/null
  local out
  out=$(wrk -t2 -c32 -d"${seconds}s" --latency "${script[@]}" "$2")
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '| %-34s | %10s | %8s | %8s | %s |\n' "$1" "$rps" "$p50" "$p99" "${errors:-0}"
}

warm "" "http://127.0.0.1:$memory_port/"{plain,servlet,api/plain,api/limited} \
  "http://127.0.0.1:$redis_http_port/"{servlet,async-filter,api/limited}
echo "wrk -t2 -c32 -d${seconds}s, loopback, $(nproc) cores, $("${BENCH_JAVA:-java}" -version 2>&1 | head -1)${BENCH_VIRTUAL_THREADS:+, virtual threads}"
printf '| %-34s | %10s | %8s | %8s | %s |\n' "endpoint" "req/s" "p50" "p99" "non-2xx"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------" "------------" "----------" "----------" "------"
run "servlet, no filter"                "http://127.0.0.1:$memory_port/plain"
run "servlet + FastLimitFilter, memory" "http://127.0.0.1:$memory_port/servlet"
run "Jersey, no annotation"             "http://127.0.0.1:$memory_port/api/plain"
run "Jersey + @RateLimit, memory"       "http://127.0.0.1:$memory_port/api/limited"
run "servlet + FastLimitFilter, Redis"  "http://127.0.0.1:$redis_http_port/servlet"
run "servlet + filter async, Redis"     "http://127.0.0.1:$redis_http_port/async-filter"
run "Jersey + @RateLimit, Redis"        "http://127.0.0.1:$redis_http_port/api/limited"

# Overload: 256 connections for 30 s against the Redis-backed server; the limits must hold, so the
# failure policy must not have answered a single check.
wrk -t2 -c256 -d30s "http://127.0.0.1:$redis_http_port/servlet" | awk '/Requests\/sec/ {print "wrk -c256 -d30s, servlet + FastLimitFilter, Redis: " $2 " req/s"}'
echo "after it: $(curl -fs "http://127.0.0.1:$redis_http_port/stats")"

# Realistic traffic, every algorithm: one server per backend and algorithm, started in turn.
clients=fastlimit-bench/many-clients.lua
real_port=8093
for algorithm in sliding_window fixed_window token_bucket sliding_window_counter; do
  for backend in memory redis; do
    if [ "$backend" = redis ]; then url="redis://127.0.0.1:$redis_port"; else url=""; fi
    FASTLIMIT_REDIS_URL="$url" FASTLIMIT_ALGORITHM="$algorithm" "${BENCH_JAVA:-java}" -Xms512m -Xmx512m -cp "$jar" \
      io.fastlimit.bench.HttpBenchServer "$real_port" > "$dir/real.log" 2>&1 &
    real_pid=$!
    until curl -fs "http://127.0.0.1:$real_port/plain" >/dev/null; do :; done
    warm "$clients" "http://127.0.0.1:$real_port/"{plain,real/servlet,real/async-servlet,api/plain,api/real}
    [ "$algorithm" = sliding_window ] && [ "$backend" = memory ] && \
      run "10k clients: servlet, no filter" "http://127.0.0.1:$real_port/plain" "$clients"
    [ "$algorithm" = sliding_window ] && [ "$backend" = memory ] && \
      run "10k clients: Jersey, no annotation" "http://127.0.0.1:$real_port/api/plain" "$clients"
    run "10k clients: servlet, $algorithm, $backend" "http://127.0.0.1:$real_port/real/servlet" "$clients"
    [ "$backend" = redis ] && \
      run "10k clients: servlet async, $algorithm, $backend" "http://127.0.0.1:$real_port/real/async-servlet" "$clients"
    run "10k clients: Jersey, $algorithm, $backend" "http://127.0.0.1:$real_port/api/real" "$clients"
    kill "$real_pid"; wait "$real_pid" 2>/dev/null || true
    redis-cli -p "$redis_port" flushall >/dev/null
  done
done
