#!/usr/bin/env bash
# Time from `countersign serve` to the first served HTTPS /health, embedded store, warm build.
# Usage: countersign-bench/scripts/startup.sh [runs]   (needs curl; builds the jar first if missing)
#   COUNTERSIGN_START="java -jar"   start the jar directly (no launcher options, no class-data archive) instead of
#                                   through ./countersign, which adds the JVM options and the class-data archive.
# Every line gives the wall time, the JVM's own CPU time (user + system, from /proc: steadier than wall time on a
# shared machine), its resident memory at that moment, and the load average, which says how busy the machine was.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-5}"
jar="$root/countersign-cli/target/countersign.jar"
[ -f "$jar" ] || mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-cli -am package
work="$(mktemp -d)"
port=18543
pid=""
stop() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}
trap 'stop; rm -rf "$work"' EXIT
cd "$work"
tick=$(getconf CLK_TCK)
measure() {
  local t0 t1 stat cpu rss
  t0=$(date +%s%N)
  if [ "${COUNTERSIGN_START:-}" = "java -jar" ]; then
    java ${COUNTERSIGN_JAVA_OPTS:-} -jar "$jar" serve --port $port > serve.log 2>&1 &
  else
    "$root/countersign" serve --port $port > serve.log 2>&1 &  # the launcher execs java: $! is the JVM
  fi
  pid=$!
  until curl -fs --cacert countersign-data/tls/ca.pem "https://localhost:$port/health" > /dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "the server exited; its log:" >&2; cat serve.log >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  # /proc/<pid>/stat: utime and stime are fields 14 and 15 (after the parenthesised name, which has no spaces here).
  stat=($(cat /proc/$pid/stat))
  cpu=$(( (${stat[13]} + ${stat[14]}) * 1000 / tick ))
  rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)
  echo "$(( (t1 - t0) / 1000000 )) ms wall, JVM CPU $cpu ms, RSS $rss MiB, $(grep -o 'started in [0-9]* ms' serve.log)," \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
  stop
}
echo "first start (creates the embedded database, CA, keys): $(measure)"
for i in $(seq 1 "$runs"); do echo "restart $i: $(measure)"; done
