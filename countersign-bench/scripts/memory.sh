#!/usr/bin/env bash
# Resident memory of a node started by ./countersign (its JVM options and class-data archive), embedded store:
# idle once /health answers, once the face engine has loaded in the background, and after a loopback load
# (authenticated no-ops and audited writes with wrk, as load.sh). Prints the heap after a full GC and the JVM's own
# native memory summary (NMT) at the end, which says where the resident memory goes. Also 30 s after the load,
# once collections and native-memory trimming have given back what the load left free.
# Usage: countersign-bench/scripts/memory.sh [seconds per workload] [connections]   (needs curl, wrk)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
secs="${1:-20}"; conns="${2:-32}"
command -v wrk > /dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
work="$(mktemp -d)"; port=18743; pid=""
stop() { if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; fi; }
trap 'stop; rm -rf "$work"' EXIT
cd "$work"
COUNTERSIGN_JAVA_OPTS="${COUNTERSIGN_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary" \
  "$root/countersign" serve --port $port --rate-per-tenant 10000000 --rate-per-ip 10000000 --tenant-concurrency 1000 \
  > serve.log 2>&1 &
pid=$!
rss() { echo "RSS $(awk '/^VmRSS/ {print int($2 / 1024)}' /proc/$pid/status) MiB, load average $(cut -d' ' -f1-3 /proc/loadavg)"; }
health() { curl -fs --cacert countersign-data/tls/ca.pem "https://localhost:$port/health" 2>/dev/null || true; }
until [ -n "$(health)" ]; do kill -0 "$pid" 2>/dev/null || { cat serve.log; exit 1; }; sleep 0.1; done
echo "idle, first /health: $(rss)"
for _ in $(seq 1 600); do case "$(health)" in *'"biometrics":"ready"'*) break ;; esac; sleep 0.5; done
echo "face engine: $(health | grep -o '"biometrics":"[a-z]*"'); $(rss)"
admin=$(grep -o 'cs_[0-9a-f]\{12\}_[A-Za-z0-9_-]\{43\}' serve.log | head -1)
key=$(curl -fs --cacert countersign-data/tls/ca.pem -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"id":"bench","displayName":"Bench"}' "https://localhost:$port/v1/admin/tenants" | sed 's/.*"apiKey":"\([^"]*\)".*/\1/')
cat > post.lua <<'LUA'
local threads = 0
setup = function(thread) threads = threads + 1; thread:set("tid", threads) end
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", "/v1/users", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("CS_KEY")}, '{"userId":"u-' .. tid .. '-' .. n .. '"}')
end
LUA
wrk -t2 -c"$conns" -d"${secs}s" -H "Authorization: Bearer $key" "https://localhost:$port/v1/ping" | grep -E 'Requests/sec|Non-2xx' || true
echo "after GET /v1/ping: $(rss)"
CS_KEY="$key" wrk -t2 -c"$conns" -d"${secs}s" -s post.lua "https://localhost:$port" | grep -E 'Requests/sec|Non-2xx' || true
echo "after POST /v1/users: $(rss)"
sleep 30
echo "30 s after the load: $(rss)"
jcmd "$pid" GC.run > /dev/null && jcmd "$pid" GC.heap_info | sed -n 2,3p
jcmd "$pid" VM.native_memory summary | grep -E '^(Total|-)' | sed 's/(reserved=[0-9]*KB, //'
echo "end: $(rss)"
