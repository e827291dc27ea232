#!/usr/bin/env bash
# Loopback load on a running node: authenticated no-op calls and audited writes (wrk from Debian's packages).
# Usage: countersign-bench/scripts/load.sh [seconds] [connections]
# Starts its own node on PostgreSQL at 127.0.0.1:5432 (database cs_bench, recreated) with rate limits and the
# per-tenant cap on writes in flight lifted.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
secs="${1:-20}"; conns="${2:-32}"
jar="$root/countersign-cli/target/countersign.jar"
[ -f "$jar" ] || mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-cli -am package
command -v wrk > /dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
work="$(mktemp -d)"; port=18643
psql -h 127.0.0.1 -U postgres -qc "drop database if exists cs_bench with (force)" -c "create database cs_bench" postgres
trap 'pkill -f "countersign.jar serve --port $port" || true; rm -rf "$work"' EXIT
cd "$work"
java ${COUNTERSIGN_JAVA_OPTS:-} -jar "$jar" serve --port $port --database-url jdbc:postgresql://127.0.0.1:5432/cs_bench \
  --rate-per-tenant 10000000 --rate-per-ip 10000000 --tenant-concurrency 1000 > serve.log 2>&1 &
until curl -fs --cacert countersign-data/tls/ca.pem "https://localhost:$port/health" > /dev/null 2>&1; do sleep 0.1; done
admin=$(grep -o 'cs_[0-9a-f]\{12\}_[A-Za-z0-9_-]\{43\}' serve.log | head -1)
key=$(curl -fs --cacert countersign-data/tls/ca.pem -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"id":"bench","displayName":"Bench"}' "https://localhost:$port/v1/admin/tenants" | sed 's/.*"apiKey":"\([^"]*\)".*/\1/')
cat > post.lua <<'LUA'
-- every wrk thread gets its own id so that user ids never repeat across threads
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
request = function()
  n = n + 1
  local body = '{"userId":"u-' .. tid .. '-' .. n .. '"}'
  return wrk.format("POST", "/v1/users", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("CS_KEY")}, body)
end
LUA
echo "== warm-up"; wrk -t2 -c"$conns" -d5s -H "Authorization: Bearer $key" "https://localhost:$port/v1/ping" > /dev/null
echo "== authenticated no-op: GET /v1/ping"
wrk -t2 -c"$conns" -d"${secs}s" --latency -H "Authorization: Bearer $key" "https://localhost:$port/v1/ping"
echo "== audited write: POST /v1/users (row insert + hash-chained audit event, both committed before the answer)"
CS_KEY="$key" wrk -t2 -c"$conns" -d"${secs}s" --latency -s post.lua "https://localhost:$port"
echo "== group commit of the audit log (from /metrics)"
curl -fs --cacert countersign-data/tls/ca.pem "https://localhost:$port/metrics" | grep -E '^countersign_audit_[a-z_]+(\{quantile|_count|_sum)' || true
echo "== audit chain after the run"
curl -fs --cacert countersign-data/tls/ca.pem -H "Authorization: Bearer $admin" "https://localhost:$port/v1/admin/audit/verify"; echo
