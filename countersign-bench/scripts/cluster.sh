#!/usr/bin/env bash
# Several nodes behind HAProxy on one PostgreSQL: OOB logins/s with 1, 2 and 3 nodes, then kill -9 of one node
# mid-load, checked by ClusterLoad's ledger (nothing lost, nothing approved twice, at most one retryable error per call).
# Usage: countersign-bench/scripts/cluster.sh [seconds-per-run] [users] [threads] [fault-only]
# Needs root (or haproxy already installed) and PostgreSQL at 127.0.0.1:5432 (database cs_cluster, recreated).
# HAProxy runs in TCP mode (TLS passthrough: the nodes keep their certificate, clients verify it end to end),
# balances by least connections and health-checks every node with GET /health/ready over TLS; a connection refused
# by a dead node that is not yet marked down is redispatched to another node.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
secs="${1:-20}"; users="${2:-24}"; threads="${3:-6}"
jar="$root/countersign-cli/target/countersign.jar"; bench="$root/countersign-bench/target/benchmarks.jar"
[ -f "$jar" ] && [ -f "$bench" ] || mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-cli,countersign-bench -am package
command -v haproxy > /dev/null || apt-get install -y haproxy > /dev/null
db=cs_cluster; jdbc="jdbc:postgresql://127.0.0.1:5432/$db"; lb=18700
work="$(mktemp -d)"; pids=(); hap=""
cleanup() {
  for p in "${pids[@]}" $hap; do kill "$p" 2> /dev/null || true; done
  wait 2> /dev/null || true
  # Node and HAProxy logs stay for inspection after the run.
  mkdir -p "$root/countersign-bench/target/cluster-logs"; cp "$work"/*.log "$work"/*.txt "$work/haproxy.cfg" "$root/countersign-bench/target/cluster-logs/" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" -c "create database $db" postgres
heap="${COUNTERSIGN_NODE_HEAP:--Xmx384m}"

start_node() { # $1 = node number; node 1 creates the data folder, the others get a copy (same keys, same TLS)
  local n=$1 port=$((18700 + $1))
  # --public-url: the address phones are given at enrolment must be the balancer, not this node.
  java $heap -jar "$jar" serve --port $port --public-url "https://localhost:$lb" --data-dir "$work/n$n" --database-url "$jdbc" \
    --rate-per-tenant 10000000 --rate-per-ip 10000000 > "$work/n$n.log" 2>&1 &
  pids[$n]=$!
  until curl -fs --cacert "$work/n1/tls/ca.pem" "https://localhost:$port/health/ready" > /dev/null 2>&1; do
    kill -0 "${pids[$n]}" 2> /dev/null || { cat "$work/n$n.log"; exit 1; }; sleep 0.2; done
}

haproxy_up() { # $1 = number of nodes in the backend
  kill $hap 2> /dev/null || true; [ -z "$hap" ] || wait $hap 2> /dev/null || true
  {
    cat <<CFG
global
  maxconn 4096
defaults
  mode tcp
  timeout connect 2s
  timeout client 120s
  timeout server 120s
  timeout tunnel 1h
  timeout check 3s
  retries 2
  option redispatch 1
frontend countersign
  bind 127.0.0.1:$lb
  default_backend nodes
backend nodes
  balance leastconn
  option httpchk GET /health/ready
  http-check expect status 200
  default-server check check-ssl verify none inter 1s fall 3 rise 2
CFG
    for i in $(seq 1 "$1"); do echo "  server n$i 127.0.0.1:$((18700 + i))"; done
  } > "$work/haproxy.cfg"
  haproxy -f "$work/haproxy.cfg" -db > "$work/haproxy.log" 2>&1 &
  hap=$!
  until curl -fs --cacert "$work/n1/tls/ca.pem" "https://localhost:$lb/health/ready" > /dev/null 2>&1; do sleep 0.2; done
  sleep 1.5 # every server's first health check passed
}

start_node 1
admin=$(grep -o 'cs_[0-9a-f]\{12\}_[A-Za-z0-9_-]\{43\}' "$work/n1.log" | head -1)
for n in 2 3; do mkdir -p "$work/n$n"; cp -a "$work/n1/." "$work/n$n/"; start_node $n; done
echo "== 3 nodes up: pids ${pids[*]}; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

load() { java -cp "$bench" org.countersign.bench.ClusterLoad --target "https://localhost:$lb" --ca "$work/n1/tls/ca.pem" \
  --admin-token "$admin" --jdbc "$jdbc" --users "$users" --threads "$threads" "$@"; }
verdicts=()
for n in $([ "${4:-}" = fault-only ] || echo 1 2 3); do
  haproxy_up $n
  echo "== $n node(s) behind HAProxy, $secs s"
  if load --seconds "$secs" --label "$n-nodes" | tee "$work/run$n.txt"; then :; fi
  verdicts+=("$(grep '^VERDICT' "$work/run$n.txt" || echo "VERDICT [$n-nodes]: FAIL — no verdict (run aborted)")")
  grep -E "is (DOWN|UP)" "$work/haproxy.log" | sed "s/^/  haproxy: /" || true
done
echo "== kill -9 of node 2 after $((secs / 2)) s, 3 nodes behind HAProxy, $((secs + 10)) s"
haproxy_up 3
load --seconds $((secs + 10)) --fault-after $((secs / 2)) --fault-cmd "kill -9 ${pids[2]}" --label kill-9-node2 \
  | tee "$work/fault.txt" || true
verdicts+=("$(grep '^VERDICT' "$work/fault.txt" || echo "VERDICT [kill-9-node2]: FAIL — no verdict (run aborted)")")
echo "== HAProxy saw:"; grep -E 'DOWN|UP' "$work/haproxy.log" | tail -5 || true
echo "== node logs: ERROR lines n1 $(grep -c '"level":"ERROR"' "$work/n1.log" || true), n3 $(grep -c '"level":"ERROR"' "$work/n3.log" || true)"
echo "== audit chain after the runs"
curl -fs --cacert "$work/n1/tls/ca.pem" -H "Authorization: Bearer $admin" "https://localhost:$lb/v1/admin/audit/verify"; echo
echo "== verdicts"; printf '%s\n' "${verdicts[@]}"
if printf '%s\n' "${verdicts[@]}" | grep -q FAIL; then echo "CLUSTER VERDICT: FAIL"; exit 1; fi
echo "CLUSTER VERDICT: PASS"
