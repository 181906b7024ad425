#!/usr/bin/env bash
# selftest.sh - prove the Cosmian KMS harness end to end: start one server on free ports
# (building the binary first if the cache is empty: about 13 minutes, once); over the KMIP socket
# DiscoverVersions + Query with a hand-built TTLV client and Create + Get of an AES-256 key with
# PyKMIP's client; over HTTPS GET /health and POST /kmip (TTLV); refusal of the expired,
# wrong-CA and no-clientAuth client certificates and of another identity's Get; then stop it
# and check that the process is gone.
# Last line: "N passed, N failed"; exit status 0 only if nothing failed, 3 if the build is
# impossible on this machine (the reason is printed).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
KTS=$HERE/kms-test-server
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kmipkit-cosmian-selftest.XXXXXX")
PASSED=0 FAILED=0

cleanup() {
  "$KTS" stop --dir "$WORK/a" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# check, field, gone: shared with the other harness self-test.
source "$HERE/../pykmip/checks.sh"

json_complete() { # the PyKMIP harness's keys plus the Cosmian ones; every PEM file exists, 0600
  python3 - "$1" <<'EOF'
import json, os, sys
info = json.load(open(sys.argv[1]))
pykmip = ["host", "port", "pid", "dir", "ca", "ca_key", "server_cert", "server_key", "server_names",
          "client_cert", "client_key", "client_cn", "other_client_cert", "other_client_key",
          "other_client_cn", "expired_client_cert", "expired_client_key", "wrong_ca", "wrong_ca_key",
          "wrong_ca_client_cert", "wrong_ca_client_key", "no_client_auth_cert",
          "no_client_auth_key", "no_client_auth_cn", "wrong_host_cert", "wrong_host_key",
          "wrong_host_name", "expired_server_cert", "expired_server_key", "server_cert_kind",
          "served_cert", "served_key", "kmip_versions", "config", "client_config", "log",
          "database", "venv", "startup_seconds"]
cosmian = ["https_port", "https_url", "server", "version", "binary"]
missing = [k for k in pykmip + cosmian if k not in info]
extra = sorted(set(info) - set(pykmip + cosmian))
files = [v for k, v in info.items() if k.endswith(("_cert", "_key", "ca"))]
absent = [f for f in files if not os.path.isfile(f)]
loose = [f for f in files + [info["config"]] if os.stat(f).st_mode & 0o077] if not absent else []
if missing or extra or absent or loose:
    sys.exit(f"missing keys {missing}, unexpected keys {extra}, absent files {absent}, "
             f"group/other-readable {loose}")
if info["server"] != "cosmian" or info["version"] != "5.28.0" or info["port"] == info["https_port"]:
    sys.exit(f"server/version/ports wrong: {info['server']} {info['version']} "
             f"{info['port']} {info['https_port']}")
print(f"{len(info)} keys, {len(files)} PEM files, all 0600; KMIP {info['kmip_versions']}")
EOF
}

T0=$SECONDS
set +e
"$KTS" start --dir "$WORK/a" --port 0 --json >"$WORK/a.json" 2>"$WORK/a.err"
rc=$?
set -e
if [ "$rc" = 3 ]; then
  echo "SKIP - Cosmian KMS cannot be built here: $(grep ERROR "$WORK/a.err" | tail -n 1)"
  exit 3
fi
check "server started (socket + HTTPS ready)" field "$WORK/a.json" port
[ -s "$WORK/a.json" ] || { sed 's/^/       /' "$WORK/a.err"; echo "$PASSED passed, $FAILED failed"; exit 1; }
INFO=$WORK/server.json; cp "$WORK/a.json" "$INFO"
echo "# started in $((SECONDS - T0)) s: socket port $(field "$INFO" port), $(field "$INFO" https_url)"

VENV_PY=$(field "$INFO" venv)/bin/python
CONF=$(field "$INFO" client_config)
uid_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["uid"])'; }
tprobe() { python3 "$HERE/probe.py" --info "$INFO" "$@"; }                       # stdlib TTLV
pprobe() { "$VENV_PY" "$HERE/../pykmip/probe.py" --config "$CONF" "$@"; }        # PyKMIP client

check "JSON description complete" json_complete "$INFO"
check "status says running" "$KTS" status --dir "$WORK/a"
check "socket: DiscoverVersions + Query; HTTPS: /health + POST /kmip (TTLV)" tprobe --query
check "socket: Create + Get AES-256 with PyKMIP's client (kmipkit-client)" pprobe --roundtrip
uid=$(pprobe --roundtrip 2>/dev/null | uid_of 2>/dev/null || echo none)
check "socket: expired client certificate refused" tprobe --who expired --expect-refused
check "socket: wrong-CA client certificate refused" tprobe --who wrong-ca --expect-refused
check "socket: no-clientAuth certificate refused" tprobe --who no-client-auth --expect-refused
check "HTTPS: expired client certificate refused" tprobe --https --who expired --expect-refused
check "HTTPS: wrong-CA client certificate refused" tprobe --https --who wrong-ca --expect-refused
check "HTTPS: no-clientAuth certificate refused" tprobe --https --who no-client-auth --expect-refused
check "socket: kmipkit-other cannot Get kmipkit-client's key" \
  pprobe --section other --expect-refused --get "$uid"

pid=$(field "$INFO" pid)
T1=$SECONDS
check "stop" "$KTS" stop --dir "$WORK/a"
check "PID $pid gone" gone "$pid"
check "status says stopped" bash -c '! "$0" status --dir "$1"' "$KTS" "$WORK/a"
check "stop again is a no-op" "$KTS" stop --dir "$WORK/a"
echo "# stopped in $((SECONDS - T1)) s; whole self-test $((SECONDS - T0)) s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
