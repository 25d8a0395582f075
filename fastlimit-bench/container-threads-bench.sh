#!/usr/bin/env bash
# Should the Servlet filter let go of the container's thread while Redis answers? wrk against
# ContainerThreadsBenchServer: the same Redis check made on the container's thread (/sync) and after
# request.startAsync() with a dispatch back (/async), at 32 and 256 connections, on platform threads
# (JDK 17 or the java on the PATH) and on virtual threads (JAVA25, default Temurin 25's java).
# Needs wrk and redis-server (Debian: apt-get install wrk redis-server).
# Usage: fastlimit-bench/container-threads-bench.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-15}
redis_port=${REDIS_BENCH_PORT:-6391}
http_port=8094
java25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
dir=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

./mvnw -q -B -pl fastlimit-bench -am package -DskipTests
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize yes \
  --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do :; done
jar=fastlimit-bench/target/benchmarks.jar

run() { # label connections url
  wrk -t2 -c"$2" -d5s "$3" >/dev/null # warm the JIT
  local out rps p50 p99
  out=$(wrk -t2 -c"$2" -d"${seconds}s" --latency "$3")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  printf '| %-44s | %5s | %10s | %8s | %8s |\n' "$1" "$2" "$rps" "$p50" "$p99"
}

serve() { # java virtual-threads
  BENCH_VIRTUAL_THREADS="$2" FASTLIMIT_REDIS_URL="redis://127.0.0.1:$redis_port" "$1" -Xms512m -Xmx512m \
    -cp "$jar" io.fastlimit.bench.ContainerThreadsBenchServer "$http_port" > "$dir/server.log" 2>&1 &
  server_pid=$!
  until curl -fs "http://127.0.0.1:$http_port/plain" >/dev/null; do :; done
}

stop() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
}

echo "wrk -t2 -d${seconds}s, loopback, $(nproc) cores; Redis check on a fixed window, every request allowed"
printf '| %-44s | %5s | %10s | %8s | %8s |\n' "threads, endpoint" "conns" "req/s" "p50" "p99"
printf '|%s|%s|%s|%s|%s|\n' "----------------------------------------------" "-------" "------------" "----------" "----------"
setups=("java platform false")
if [ -x "$java25" ]; then setups+=("$java25 platform false" "$java25 virtual true"); fi
for setup in "${setups[@]}"; do
  read -r java threads virtual <<<"$setup"
  version=$("$java" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print v[1]}')
  serve "$java" "$virtual"
  for conns in 32 256; do
    run "JDK $version $threads, no check (/plain)" "$conns" "http://127.0.0.1:$http_port/plain"
    run "JDK $version $threads, wait for Redis (/sync)" "$conns" "http://127.0.0.1:$http_port/sync"
    run "JDK $version $threads, startAsync (/async)" "$conns" "http://127.0.0.1:$http_port/async"
  done
  stop
done
