#!/usr/bin/env bash
# Time from starting `countersign pam` (the way pam_exec.so starts it) to the line with the code on its stdout,
# for each way of launching it. A node runs from the executable jar on an embedded store; the CLI authenticator is
# enrolled for alice; each login is stopped with SIGTERM once its code is shown (which cancels the request).
# Prints, per launcher and run, wall-clock ms from start to the code line and the CPU ms the JVM had used by then.
# Usage: countersign-bench/scripts/pam-start.sh [runs]   (needs curl; builds the jars first if missing)
set -euo pipefail
trap 'echo "pam-start.sh: failed at line $LINENO" >&2' ERR
root="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-5}"
jar="$root/countersign-cli/target/countersign.jar"
pamjar="$root/countersign-cli/target/countersign-pam.jar"
if [ ! -f "$jar" ] || [ ! -f "$pamjar" ]; then
  mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-cli -am package
fi
work="$(mktemp -d)"
port=18643
java -jar "$jar" serve --port $port --data-dir "$work/data" > "$work/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
ca="$work/data/tls/ca.pem"
until curl -fs --cacert "$ca" "https://localhost:$port/health" > /dev/null 2>&1; do sleep 0.2; done
admin="$(grep -o 'cs_[A-Za-z0-9_-]*' "$work/serve.log" | sed -n 1p)"
api() { curl -sS --fail-with-body --cacert "$ca" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" \
          "https://localhost:$port$2"; }
field() { grep -o "\"$1\":\"[^\"]*\"" | sed -n 1p | cut -d'"' -f4; }
key="$(api "$admin" /v1/admin/tenants '{"id":"hosts","displayName":"Hosts","allowedOrigins":["https://hosts.example"]}' | field apiKey)"
uri="$(api "$key" /v1/oob/enrolments '{"userId":"alice"}' | field enrolmentUri)"
printf '246810\n' > "$work/pin"
java -jar "$jar" authenticator enrol --uri "$uri" --ca "$ca" --home "$work/authenticator" --pin-file "$work/pin" \
  --name bench > /dev/null
conf="$work/pam.conf"
install -m 600 /dev/null "$conf"
printf 'verifier = https://localhost:%s\nca = %s\napi-key = %s\nhost-address = 203.0.113.10\n' \
  "$port" "$ca" "$key" > "$conf"
mkfifo "$work/out"

# One login: start, read stdout until the code line, stop it (the shutdown hook cancels the request).
measure() {
  local t0 t1 pid line
  t0=$(date +%s%N)
  PAM_USER=alice PAM_RHOST=198.51.100.7 PAM_SERVICE=sshd PAM_TTY=ssh PAM_TYPE=auth "$@" > "$work/out" &
  pid=$!
  t1=""
  while IFS= read -r line; do
    case "$line" in
      Code:*) t1=$(date +%s%N); break ;;
      "Sign-in refused"*|"countersign pam"*) echo "unexpected: $line" >&2; break ;;
    esac
  done < "$work/out"
  # CPU time the JVM had used by then (utime + stime, clock ticks): less sensitive to a busy machine than wall time.
  local ticks
  ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)
  kill -TERM $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  [ -n "$t1" ] && echo "$(( (t1 - t0) / 1000000 ))/$(( ticks * 1000 / $(getconf CLK_TCK) ))" || echo "failed"
}
row() {
  local label="$1"; shift
  local all=()
  measure "$@" > /dev/null   # warm the page cache once
  for _ in $(seq 1 "$runs"); do all+=("$(measure "$@")"); done
  echo "$label: ${all[*]}  (wall ms/CPU ms)"
}
archive="$work/pam.jsa"
measure java -XX:ArchiveClassesAtExit="$archive" -jar "$pamjar" --config "$conf" > /dev/null 2>&1
row "countersign.jar pam (executable jar, default JVM)" java -jar "$jar" pam --config "$conf"
row "countersign-pam.jar (default JVM)" java -jar "$pamjar" --config "$conf"
row "countersign-pam.jar -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
  -jar "$pamjar" --config "$conf"
if [ -f "$archive" ]; then
  row "countersign-pam.jar + AppCDS archive, -XX:TieredStopAtLevel=1 -XX:+UseSerialGC" java \
    -XX:SharedArchiveFile="$archive" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$pamjar" --config "$conf"
else
  echo "AppCDS archive was not written" >&2
fi
