#!/usr/bin/env bash
# Countersign out-of-band logins beside Keycloak password grants on the same machine (issue 14), in interleaved
# pairs so that both see the same background load: per pair, the load average after each run and the ratio.
# Usage: countersign-bench/scripts/keycloak-side-by-side.sh [pairs] [seconds-per-run] [users] [threads]
# Needs PostgreSQL at 127.0.0.1:5432 (database cs_kc_side, made for the run and dropped after; OobLoad makes and drops its own), wrk
# (apt-get install wrk) and a Java 21+ JDK for Keycloak (KC_JAVA_HOME, else the newest one under /usr/lib/jvm).
# The Keycloak distribution is the version countersign-keycloak pins, fetched through Maven (cached in ~/.m2).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pairs="${1:-3}"; secs="${2:-20}"; users="${3:-50}"; threads="${4:-4}"
bench="$root/countersign-bench/target/benchmarks.jar"
[ -f "$bench" ] || mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-bench -am package
command -v wrk > /dev/null || { echo "install wrk (apt-get install wrk)"; exit 1; }
. "$root/countersign-bench/scripts/keycloak-common.sh"
version=$(keycloak_version)
kcjava=$(keycloak_java_home)

work="$(mktemp -d)"; kc=""; port=18880; mgmt=18881
cleanup() {
  [ -z "$kc" ] || kill "$kc" 2> /dev/null || true; wait 2> /dev/null || true; rm -rf "$work"
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists cs_kc_side with (force)" postgres 2> /dev/null || true
}
trap cleanup EXIT
mvn -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" -DoutputDirectory="$work"
unzip -q "$work/keycloak-quarkus-dist-$version.zip" -d "$work"
home="$work/keycloak-$version"
psql -h 127.0.0.1 -U postgres -qc "drop database if exists cs_kc_side with (force)" -c "create database cs_kc_side" postgres

# Production mode on PostgreSQL, plain HTTP on loopback (as behind a TLS proxy), local caches: one node.
export JAVA_HOME="$kcjava" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin-password-1
"$home/bin/kc.sh" build --db=postgres --cache=local --health-enabled=true > "$work/kc-build.log" 2>&1
"$home/bin/kc.sh" start --optimized --db-url=jdbc:postgresql://127.0.0.1:5432/cs_kc_side --db-username=postgres \
  --http-enabled=true --http-host=127.0.0.1 --http-port=$port --http-management-port=$mgmt --hostname-strict=false \
  > "$work/kc.log" 2>&1 &
kc=$!
until curl -fs "http://127.0.0.1:$port/realms/master" > /dev/null 2>&1; do
  kill -0 "$kc" 2> /dev/null || { tail -40 "$work/kc.log"; exit 1; }; sleep 1; done

admin=$(curl -fs -d grant_type=password -d client_id=admin-cli -d username=admin -d password=admin-password-1 \
  "http://127.0.0.1:$port/realms/master/protocol/openid-connect/token" | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
api() { curl -fs -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$@"; }
api -d '{"realm":"bench","enabled":true}' "http://127.0.0.1:$port/admin/realms" > /dev/null
api -d '{"clientId":"bench","publicClient":true,"directAccessGrantsEnabled":true,"standardFlowEnabled":false}' \
  "http://127.0.0.1:$port/admin/realms/bench/clients" > /dev/null
for i in $(seq 1 "$users"); do
  api -d "{\"username\":\"user$i\",\"enabled\":true,\"email\":\"user$i@bench.example\",\"emailVerified\":true,\"firstName\":\"U\",\"lastName\":\"$i\",\"credentials\":[{\"type\":\"password\",\"value\":\"bench-password-$i\",\"temporary\":false}]}" \
    "http://127.0.0.1:$port/admin/realms/bench/users" > /dev/null
done

cat > "$work/grant.lua" <<LUA
-- a password grant for a different user each call, over the realm's $users users
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local n = 0
request = function()
  n = n + 1
  local u = (n % $users) + 1
  return wrk.format(nil, nil, nil, "grant_type=password&client_id=bench&username=user" .. u .. "&password=bench-password-" .. u)
end
LUA
curl -fs -o /dev/null -d grant_type=password -d client_id=bench -d username=user1 -d password=bench-password-1 \
  "http://127.0.0.1:$port/realms/bench/protocol/openid-connect/token" || { echo "password grant does not work"; exit 1; }

loadavg() { cut -d' ' -f1 /proc/loadavg; }
printf "%-5s %14s %8s %16s %8s %8s\n" pair "oob logins/s" "load1" "kc grants/s" "load1" "kc/oob"
for p in $(seq 1 "$pairs"); do
  oob=$(java -cp "$bench" org.countersign.bench.OobLoad --users "$users" --threads "$threads" --seconds "$secs" 2>&1 \
    | sed -n 's/.*= \([0-9.]*\) logins\/s.*/\1/p'); l1=$(loadavg)
  out=$(wrk -t"$(( threads < 2 ? 1 : 2 ))" -c"$threads" -d"${secs}s" -s "$work/grant.lua" "http://127.0.0.1:$port/realms/bench/protocol/openid-connect/token")
  grep -q "Non-2xx" <<< "$out" && { echo "$out"; echo "Keycloak refused grants"; exit 1; }
  kcr=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' <<< "$out"); l2=$(loadavg)
  printf "%-5s %14s %8s %16s %8s %8s\n" "$p" "$oob" "$l1" "$kcr" "$l2" "$(awk -v a="$kcr" -v b="$oob" 'BEGIN{ if (b > 0) printf "%.2f", a / b; else print "-" }')"
done
