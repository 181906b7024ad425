#!/usr/bin/env bash
# selftest.sh - prove the PyKMIP harness end to end, with PyKMIP's own client:
# two servers at once on free ports; on each a Create + Get of an AES-256 key,
# refusal of the expired, wrong-CA and no-clientAuth client certificates and of
# another identity's Get; then stop both and check that the processes are gone. First,
# without a server: databases placed on the tmpfs at once all survive each other's sweeps.
# Last line: "N passed, N failed"; exit status 0 only if nothing failed.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KTS=$HERE/kmip-test-server
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kmipkit-selftest.XXXXXX")
PASSED=0 FAILED=0
SERVERS=(a b)

cleanup() {
  for s in "${SERVERS[@]}"; do "$KTS" stop --dir "$WORK/$s" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# check, field, gone: shared with the other harness self-test.
source "$HERE/checks.sh"

check "databases on the tmpfs survive concurrent starts' sweeps" python3 "$HERE/tmpfs_race.py"

json_complete() { # every documented key is there and every *_cert/*_key file exists
  python3 - "$1" <<'EOF'
import json, os, sys
info = json.load(open(sys.argv[1]))
need = ["host", "port", "pid", "dir", "ca", "server_cert", "client_cert", "client_key",
        "other_client_cert", "other_client_key", "expired_client_cert", "expired_client_key",
        "wrong_ca_client_cert", "wrong_ca_client_key", "wrong_ca", "no_client_auth_cert",
        "no_client_auth_key", "wrong_host_cert", "expired_server_cert", "log", "kmip_versions"]
missing = [k for k in need if k not in info]
files = [v for k, v in info.items() if k.endswith(("_cert", "_key", "ca"))]
absent = [f for f in files if not os.path.isfile(f)]
loose = [f for f in files if os.stat(f).st_mode & 0o077] if not absent else []
if missing or absent or loose:
    sys.exit(f"missing keys {missing}, absent files {absent}, group/other-readable {loose}")
print(f"{len(info)} keys, {len(files)} PEM files, all 0600")
EOF
}

echo "# venv: $("$KTS" venv)"
T0=$SECONDS
# Start both at once: proves parallel starts on one venv and distinct ports.
for s in "${SERVERS[@]}"; do
  "$KTS" start --dir "$WORK/$s" --port 0 --json >"$WORK/$s.json" 2>"$WORK/$s.err" &
done
wait
for s in "${SERVERS[@]}"; do
  check "server $s started" field "$WORK/$s.json" port
  [ -s "$WORK/$s.json" ] || sed 's/^/       /' "$WORK/$s.err"
done
[ "$FAILED" = 0 ] || { echo "$PASSED passed, $FAILED failed"; exit 1; }
echo "# started in $((SECONDS - T0)) s on ports $(field "$WORK/a.json" port) and $(field "$WORK/b.json" port)"

PY=$(field "$WORK/a.json" venv)/bin/python
for s in "${SERVERS[@]}"; do
  conf=$(field "$WORK/$s.json" client_config)
  probe() { "$PY" "$HERE/probe.py" --config "$conf" "$@"; }
  check "$s: JSON description complete" json_complete "$WORK/$s.json"
  check "$s: status says running" "$KTS" status --dir "$WORK/$s"
  check "$s: Create + Get AES-256 (kmipkit-client)" probe --roundtrip
  uid=$(probe --roundtrip | python3 -c 'import json,sys; print(json.load(sys.stdin)["uid"])')
  check "$s: expired client certificate refused" probe --section expired --expect-refused
  check "$s: no-clientAuth certificate refused" probe --section no-client-auth --expect-refused
  check "$s: wrong-CA client certificate refused" probe --section wrong-ca --expect-refused
  check "$s: kmipkit-other cannot Get kmipkit-client's key" \
    probe --section other --expect-refused --get "$uid"
done

T1=$SECONDS
for s in "${SERVERS[@]}"; do
  pid=$(field "$WORK/$s.json" pid)
  check "$s: stop" "$KTS" stop --dir "$WORK/$s"
  check "$s: PID $pid gone" gone "$pid"
  check "$s: status says stopped" bash -c '! "$0" status --dir "$1"' "$KTS" "$WORK/$s"
  check "$s: stop again is a no-op" "$KTS" stop --dir "$WORK/$s"
done
echo "# stopped in $((SECONDS - T1)) s; whole self-test $((SECONDS - T0)) s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
