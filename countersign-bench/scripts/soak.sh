#!/usr/bin/env bash
# Soak: one node on PostgreSQL at 127.0.0.1:5432 (database cs_soak, recreated), OOB logins at a fixed rate (open loop,
# ClusterLoad --rate) for a fixed time, sampling the node every 30 s: RSS, heap in use after a full GC (jcmd GC.run),
# live threads, open file descriptors and the node's PostgreSQL connections.
# Usage: countersign-bench/scripts/soak.sh [logins-per-second] [seconds] [users] [warm-up-seconds]
# Verdict: 0 errors (ClusterLoad's ledger), heap after GC and RSS flat (last third vs. first third after warm-up),
# threads, descriptors and connections back to the same level.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rate="${1:-5}"; secs="${2:-600}"; users="${3:-24}"; warm="${4:-120}"
jar="$root/countersign-cli/target/countersign.jar"; bench="$root/countersign-bench/target/benchmarks.jar"
[ -f "$jar" ] && [ -f "$bench" ] || mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-cli,countersign-bench -am package
db=cs_soak; jdbc="jdbc:postgresql://127.0.0.1:5432/$db"; port=18731
work="$(mktemp -d)"; node=""; sampler=""
cleanup() { kill $sampler $node 2> /dev/null || true; wait 2> /dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" -c "create database $db" postgres
java ${COUNTERSIGN_NODE_HEAP:--Xmx384m} -jar "$jar" serve --port $port --data-dir "$work/data" --database-url "$jdbc" \
  --rate-per-tenant 10000000 --rate-per-ip 10000000 --tenant-concurrency 64 > "$work/node.log" 2>&1 &
node=$!
until curl -fs --cacert "$work/data/tls/ca.pem" "https://localhost:$port/health/ready" > /dev/null 2>&1; do
  kill -0 $node 2> /dev/null || { cat "$work/node.log"; exit 1; }; sleep 0.2; done
admin=$(grep -o 'cs_[0-9a-f]\{12\}_[A-Za-z0-9_-]\{43\}' "$work/node.log" | head -1)

sample() { # t rss_kib heap_after_gc_kib threads fds pg_connections
  jcmd $node GC.run > /dev/null
  local heap; heap=$(jcmd $node GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9)
  echo "$1 $(awk '/VmRSS/ {print $2}' /proc/$node/status) $heap $(awk '/Threads/ {print $2}' /proc/$node/status)" \
    "$(ls /proc/$node/fd | wc -l) $(psql -h 127.0.0.1 -U postgres -Atc "select count(*) from pg_stat_activity where datname = '$db'" postgres)"
}
echo "t_s rss_kib heap_after_gc_kib threads fds pg_conns" > "$work/samples.txt"
# t is the real time since the load started (a sample under load takes seconds: jcmd GC.run, psql).
( start=$SECONDS; while true; do sample $((SECONDS - start)) >> "$work/samples.txt"; sleep 30; done ) &
sampler=$!
java -cp "$bench" org.countersign.bench.ClusterLoad --target "https://localhost:$port" --ca "$work/data/tls/ca.pem" \
  --admin-token "$admin" --jdbc "$jdbc" --users "$users" --threads 8 --rate "$rate" --seconds "$secs" --label soak \
  | tee "$work/load.txt" || true
sleep 5; kill $sampler 2> /dev/null || true; wait $sampler 2> /dev/null || true
sample end >> "$work/samples.txt"
echo "== samples"; column -t "$work/samples.txt"
echo "== ERROR lines in the node log: $(grep -c '"level":"ERROR"' "$work/node.log" || true)"
# Flatness: compare the mean of the first and last third of the samples taken after the warm-up (the heap, the
# JIT's code cache and the connection pool grow to their working size first; 2 minutes by default).
# The generator is one relying party with 8 threads: the per-tenant write cap (twice the cores by default) is lifted
# with the rate limits, since the soak looks for leaks, not for fairness between tenants.
verdict=$(awk -v warm="$warm" 'NR > 1 && $1 != "end" && $1 >= warm { n++; rss[n] = $2; heap[n] = $3; thr[n] = $4; fds[n] = $5; pg[n] = $6 }
  END {
    k = int(n / 3); if (k < 1) { print "FAIL too few samples"; exit }
    for (i = 1; i <= k; i++) { r0 += rss[i]; h0 += heap[i]; r1 += rss[n - k + i]; h1 += heap[n - k + i] }
    r0 /= k; r1 /= k; h0 /= k; h1 /= k
    dt = thr[n] - thr[1]; df = fds[n] - fds[1]; dp = pg[n] - pg[1]
    ok = (h1 - h0 < 0.10 * h0 + 8192) && (r1 - r0 < 0.10 * r0) && dt <= 2 && df <= 4 && dp <= 0
    printf "%s heap-after-GC %.1f -> %.1f MiB, RSS %.1f -> %.1f MiB, threads %+d, fds %+d, pg connections %+d",
      ok ? "PASS" : "FAIL", h0 / 1024, h1 / 1024, r0 / 1024, r1 / 1024, dt, df, dp }' "$work/samples.txt")
load_verdict=$(grep '^VERDICT' "$work/load.txt" || echo "VERDICT missing")
echo "$load_verdict"
if [[ "$verdict" == PASS* ]] && [[ "$load_verdict" == *PASS* ]]; then echo "SOAK VERDICT: $verdict"; else echo "SOAK VERDICT: FAIL — $verdict"; exit 1; fi
