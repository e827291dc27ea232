#!/usr/bin/env bash
# Time from `countersign serve` to the first served HTTPS /health, embedded store, warm build.
# Usage: countersign-bench/scripts/startup.sh [runs]   (needs curl; builds the jar first if missing)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-5}"
jar="$root/countersign-cli/target/countersign.jar"
[ -f "$jar" ] || mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-cli -am package
work="$(mktemp -d)"
port=18543
trap 'pkill -f "countersign.jar serve --port $port" || true; rm -rf "$work"' EXIT
cd "$work"
measure() {
  local t0 t1
  t0=$(date +%s%N)
  java -jar "$jar" serve --port $port > serve.log 2>&1 &
  until curl -fs --cacert countersign-data/tls/ca.pem "https://localhost:$port/health" > /dev/null 2>&1; do sleep 0.05; done
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000000 ))
  pkill -f "countersign.jar serve --port $port"; while pgrep -f "countersign.jar serve --port $port" > /dev/null; do sleep 0.1; done
}
echo "first start (creates the embedded database, CA, keys): $(measure) ms"
for i in $(seq 1 "$runs"); do echo "restart $i: $(measure) ms"; done
