#!/usr/bin/env bash
# PostgreSQL failover under load: a primary and a streaming replica (initdb, pg_basebackup), one Countersign node on a
# multi-host JDBC URL with targetServerType=primary, audited writes (POST /v1/users) from 4 clients; kill -9 of the
# primary's processes, pg_ctl promote of the replica; the node must recover without a restart and every write it
# acknowledged must be on the promoted server.
# Usage: countersign-bench/scripts/pg-failover.sh [sync|async] [seconds-before-kill] [seconds-after-promote]
# Runs as root (the PostgreSQL servers run as the postgres OS user); data folders under countersign-bench/target/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
mode="${1:-sync}"; before="${2:-15}"; after="${3:-20}"
jar="$root/countersign-cli/target/countersign.jar"
[ -f "$jar" ] || mvn -q -B -f "$root/pom.xml" -DskipTests -pl countersign-cli -am package
bin=/usr/lib/postgresql/15/bin; p1=15441; p2=15442; port=18721; db=cs_failover
base="$root/countersign-bench/target/pg-failover-$mode"; pgdo() { runuser -u postgres -- "$@"; }
node=""; loops=()
cleanup() {
  for p in "${loops[@]}" $node; do kill "$p" 2> /dev/null || true; done
  for d in primary replica; do [ -f "$base/$d/postmaster.pid" ] && pgdo $bin/pg_ctl -D "$base/$d" -m immediate stop > /dev/null 2>&1 || true; done
  wait 2> /dev/null || true
}
trap cleanup EXIT
rm -rf "$base"; mkdir -p "$base/node"; chown postgres "$base"

# Primary. synchronous_commit=on with a named synchronous standby is what makes an acknowledged commit survive the
# loss of the primary: the commit returns only after the standby has flushed its WAL.
pgdo $bin/initdb -D "$base/primary" -U postgres -A trust --no-sync > /dev/null
cat >> "$base/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $p1
unix_socket_directories = '$base'
wal_level = replica
max_wal_senders = 5
hot_standby = on
fsync = on
synchronous_commit = on
CONF
echo "host replication postgres 127.0.0.1/32 trust" >> "$base/primary/pg_hba.conf"
pgdo $bin/pg_ctl -D "$base/primary" -l "$base/primary.log" -w start > /dev/null

# Replica: a base backup with -R writes standby.signal and primary_conninfo.
pgdo $bin/pg_basebackup -h 127.0.0.1 -p $p1 -U postgres -D "$base/replica" -R -X stream
cat >> "$base/replica/postgresql.auto.conf" <<CONF
port = $p2
primary_conninfo = 'host=127.0.0.1 port=$p1 user=postgres application_name=replica1'
CONF
pgdo $bin/pg_ctl -D "$base/replica" -l "$base/replica.log" -w start > /dev/null
until [ "$(psql -h 127.0.0.1 -p $p1 -U postgres -Atc "select count(*) from pg_stat_replication where state = 'streaming'" postgres)" = 1 ]; do sleep 0.2; done
# Named only once the standby streams: before that, every commit on the primary would wait for it.
if [ "$mode" = sync ]; then
  psql -h 127.0.0.1 -p $p1 -U postgres -qc "alter system set synchronous_standby_names = 'replica1'" -c "select pg_reload_conf()" postgres > /dev/null
  until [ "$(psql -h 127.0.0.1 -p $p1 -U postgres -Atc "select sync_state from pg_stat_replication" postgres)" = sync ]; do sleep 0.2; done
fi
psql -h 127.0.0.1 -p $p1 -U postgres -qc "create database $db" postgres
echo "== primary :$p1 ($mode replication: $(psql -h 127.0.0.1 -p $p1 -U postgres -Atc "select sync_state from pg_stat_replication" postgres)), replica :$p2"

cd "$base/node"
url="jdbc:postgresql://127.0.0.1:$p1,127.0.0.1:$p2/$db?targetServerType=primary"
java ${COUNTERSIGN_JAVA_OPTS:--Xmx384m} -jar "$jar" serve --port $port --data-dir "$base/node/data" --database-url "$url" \
  --rate-per-tenant 10000000 --rate-per-ip 10000000 > serve.log 2>&1 &
node=$!
ca="$base/node/data/tls/ca.pem"
until curl -fs --cacert "$ca" "https://localhost:$port/health/ready" > /dev/null 2>&1; do
  kill -0 $node 2> /dev/null || { cat serve.log; exit 1; }; sleep 0.2; done
admin=$(grep -o 'cs_[0-9a-f]\{12\}_[A-Za-z0-9_-]\{43\}' serve.log | head -1)
key=$(curl -fs --cacert "$ca" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"id":"failover","displayName":"Failover"}' "https://localhost:$port/v1/admin/tenants" | sed 's/.*"apiKey":"\([^"]*\)".*/\1/')

writer() { # $1 = client number; one line per attempt: end-epoch-ms user-id http-status (000 = no answer) start-epoch-ms
  local i=0 t0
  while [ ! -f stop ]; do
    i=$((i + 1)); t0=$(date +%s%3N)
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$ca" -H "Authorization: Bearer $key" \
      -H 'Content-Type: application/json' -d "{\"userId\":\"c$1-$i\"}" "https://localhost:$port/v1/users" || true)
    echo "$(date +%s%3N) c$1-$i $code $t0" >> "w$1.log"
  done
}
for c in 1 2 3 4; do writer $c & loops+=($!); done
sleep "$before"
ppid1=$(head -1 "$base/primary/postmaster.pid")
kill_ms=$(date +%s%3N)
kill -9 $ppid1 $(pgrep -P $ppid1) 2> /dev/null || true
echo "== kill -9 of the primary (postmaster $ppid1 and its children)"
sleep 2 # as a failover manager would: notice, then promote
pgdo $bin/pg_ctl -D "$base/replica" -w promote > /dev/null
promote_ms=$(date +%s%3N)
echo "== replica promoted $((promote_ms - kill_ms)) ms after the kill"
sleep "$after"
touch stop; for p in "${loops[@]}"; do wait "$p" 2> /dev/null || true; done; loops=()

cat w*.log > attempts.log
acked=$(awk '$3 == 201' attempts.log | wc -l)
failed=$(awk '$3 != 201' attempts.log | wc -l)
awk '$3 == 201 {print $2}' attempts.log | sort > acked.txt
psql -h 127.0.0.1 -p $p2 -U postgres -Atc "select user_id from users where tenant_id = 'failover'" $db | sort > present.txt
missing=$(comm -23 acked.txt present.txt | wc -l)
first_ok=$(awk -v k="$kill_ms" '$3 == 201 && $4 > k {print $1}' attempts.log | sort -n | head -1)
slowest=$(awk -v k="$kill_ms" '$4 <= k + 10000 && $1 >= k {print $1 - $4}' attempts.log | sort -n | tail -1)
last_ok=$(awk -v k="$kill_ms" '$3 == 201 && $1 <= k {print $1}' attempts.log | sort -n | tail -1)
codes=$(awk '$3 != 201 {print $3}' attempts.log | sort | uniq -c | tr -s ' ' | tr '\n' ';')
echo "== writes: $acked acknowledged (201), $failed refused or unanswered [$codes], $(wc -l < present.txt) rows on the promoted server"
echo "== first write started after the kill and acknowledged: done $(( ${first_ok:-$kill_ms} - kill_ms )) ms after the kill, $(( ${first_ok:-$promote_ms} - promote_ms )) ms after the promotion; slowest call in flight across the failover: ${slowest:-?} ms"
echo "== write latency ms (all calls): $(awk '{print $1 - $4}' attempts.log | sort -n | awk '{a[NR] = $1} END {printf "p50 %d, p95 %d, max %d", a[int(NR * 0.5) + 1], a[int(NR * 0.95) + 1], a[NR]}')"
echo "== node restarted: no (pid $node still running: $(kill -0 $node && echo yes || echo no))"
echo "== audit chain on the promoted server"
curl -fs --cacert "$ca" -H "Authorization: Bearer $admin" "https://localhost:$port/v1/admin/audit/verify"; echo
grep -c '"level":"ERROR"' serve.log | sed 's/^/== ERROR lines in the node log: /' || true
if [ "$missing" = 0 ] && [ -n "$first_ok" ] && kill -0 $node; then
  echo "FAILOVER VERDICT [$mode]: PASS — $acked acknowledged, 0 missing on the promoted server, recovered without restart"
else
  echo "FAILOVER VERDICT [$mode]: FAIL — $acked acknowledged, $missing missing on the promoted server$( [ -n "$first_ok" ] || echo ', never recovered')"
  comm -23 acked.txt present.txt | head -20 | sed 's/^/  missing: /'
  exit 1
fi
