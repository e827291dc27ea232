#!/usr/bin/env bash
# Keycloak browser sign-ins per second, password only beside password + the Countersign step (issue 13), on one
# Keycloak of the pinned version with the countersign-keycloak provider, in interleaved pairs so that both flows see
# the same background load: per run sign-ins/s, p50/p99 and failures, per pair the load average and the ratio.
# The driver is KeycloakBrowserLoad (complete OIDC authorization-code sign-ins over loopback HTTP, no browser); it
# starts the verifier in-process on its own PostgreSQL database, enrols one emulated phone per user and imports the
# two realms of countersign-bench/src/main/resources/keycloak.
# Usage: countersign-bench/scripts/keycloak-browser-flow.sh [pairs] [seconds-per-run] [users] [threads]
# Needs PostgreSQL at 127.0.0.1:5432 (database cs_kc_browser for Keycloak, made for the run and dropped after; the
# driver makes and drops its own) and a Java 21+ JDK for Keycloak (KC_JAVA_HOME, else the newest one under
# /usr/lib/jvm). The Keycloak distribution is the version countersign-keycloak pins, fetched through Maven.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
pairs="${1:-3}"; secs="${2:-20}"; users="${3:-50}"; threads="${4:-4}"
bench="$root/countersign-bench/target/benchmarks.jar"
provider=$(ls "$root"/countersign-keycloak/target/countersign-keycloak-*.jar 2> /dev/null | grep -v -e sources -e javadoc | head -1 || true)
if [ ! -f "$bench" ] || [ -z "$provider" ]; then
  mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-keycloak,countersign-bench -am package
  provider=$(ls "$root"/countersign-keycloak/target/countersign-keycloak-*.jar | grep -v -e sources -e javadoc | head -1)
fi
. "$root/countersign-bench/scripts/keycloak-common.sh"
version=$(keycloak_version)
kcjava=$(keycloak_java_home)

work="$(mktemp -d)"; kc=""; port=18890; mgmt=18891; db=cs_kc_browser
cleanup() {
  if [ -n "$kc" ]; then
    # kc.sh runs Keycloak's JVM as its child: stop both.
    pkill -TERM -P "$kc" 2> /dev/null || true; kill "$kc" 2> /dev/null || true
  fi
  wait 2> /dev/null || true; rm -rf "$work"
  psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" postgres 2> /dev/null || true
}
trap cleanup EXIT
mvn -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" -DoutputDirectory="$work"
unzip -q "$work/keycloak-quarkus-dist-$version.zip" -d "$work"
home="$work/keycloak-$version"
cp "$provider" "$home/providers/countersign-keycloak.jar"
mkdir -m 700 "$work/vault"   # the driver writes the realm's API key here once the verifier has made it
psql -h 127.0.0.1 -U postgres -qc "drop database if exists $db with (force)" -c "create database $db" postgres

# Production mode on PostgreSQL, plain HTTP on loopback (as behind a TLS proxy), local caches: one node, as in
# keycloak-side-by-side.sh.
export JAVA_HOME="$kcjava" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin-password-1
"$home/bin/kc.sh" build --db=postgres --cache=local --health-enabled=true --vault=file > "$work/kc-build.log" 2>&1
"$home/bin/kc.sh" start --optimized --db-url=jdbc:postgresql://127.0.0.1:5432/$db --db-username=postgres \
  --http-enabled=true --http-host=127.0.0.1 --http-port=$port --http-management-port=$mgmt --hostname-strict=false \
  --vault-dir="$work/vault" > "$work/kc.log" 2>&1 &
kc=$!
until curl -fs "http://127.0.0.1:$port/realms/master" > /dev/null 2>&1; do
  kill -0 "$kc" 2> /dev/null || { tail -40 "$work/kc.log"; exit 1; }; sleep 1; done
echo "Keycloak $version up at http://127.0.0.1:$port ($(nproc) cores; $(uptime | sed 's/.*load/load/'))"

# The in-process verifier logs JSON lines to stdout: kept apart in a file, summarised at the end.
set +e
java -cp "$bench" org.countersign.bench.KeycloakBrowserLoad --keycloak "http://127.0.0.1:$port" \
  --vault-dir "$work/vault" --pairs "$pairs" --seconds "$secs" --users "$users" --threads "$threads" 2>&1 |
  while IFS= read -r line; do
    case "$line" in '{"@timestamp'*) printf '%s\n' "$line" >> "$work/verifier.log" ;; *) printf '%s\n' "$line" ;; esac
  done
status=${PIPESTATUS[0]}
set -e
touch "$work/verifier.log"
echo "verifier log: $(wc -l < "$work/verifier.log") lines, $(grep -c '"level":"ERROR"' "$work/verifier.log" || true) errors"
grep -m1 '"level":"ERROR"' "$work/verifier.log" | cut -c1-400 || true
echo "Keycloak log: $(grep -c ' ERROR ' "$work/kc.log" || true) errors"
grep -m3 ' ERROR ' "$work/kc.log" | cut -c1-300 || true
exit "$status"
