#!/usr/bin/env bash
# Builds libkmipkit and runs the C tests (c-header/tests/test_*.c) and the C++ tests of
# kmipkit.hpp (test_*.cpp, -std=c++17) against live PyKMIP servers,
# three ways: plain (-std=c11 -Wall -Wextra -Werror), with AddressSanitizer and
# UndefinedBehaviorSanitizer, and the plain build under valgrind memcheck (zero leaks, zero
# invalid accesses). Starts two PyKMIP servers on free loopback ports and stops them by PID.
#   c-header/tests/run.sh [--no-valgrind] [test_name ...]
# Last line: "c tests: N passed, N failed"; exit status 0 only if nothing failed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
valgrind=1
if [ "${1:-}" = "--no-valgrind" ]; then valgrind=0; shift; fi
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
  for f in "$here"/test_*.c "$here"/test_*.cpp; do
    if [ -e "$f" ]; then tests+=("$(basename "${f%.cpp}" .c)"); fi
  done
fi

cargo build --locked -q -p kmipkit-ffi
# The CLI too: test_envelope checks that what the CLI encrypted opens from C, and back.
cargo build --locked -q -p kmipkit-cli
lib="$target/debug"
work="$target/c-tests"
rm -rf "$work" && mkdir -p "$work/bin" && chmod 700 "$work"

servers=(kms1 kms2)
cleanup() {
  for s in "${servers[@]}"; do conformance/pykmip/kmip-test-server stop --dir "$work/$s" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
for s in "${servers[@]}"; do
  conformance/pykmip/kmip-test-server start --dir "$work/$s" --port 0 --json > "$work/$s.json"
done
# Generous timeouts: on a busy machine, under ASan, a TLS handshake can take seconds.
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
def entry(table, name):
    info = json.load(open(os.path.join(work, name + ".json")))
    return (f'\n[{table}]\nname = "{name}"\nhost = "127.0.0.1"\nport = {info["port"]}\n'
            f'ca = "{info["ca"]}"\nclient_cert = "{info["client_cert"]}"\nclient_key = "{info["client_key"]}"\n')
servers = '[key]\nname = "c-tests-kek"\n' + entry("primary", "kms1") + entry("[secondary]", "kms2")
# Under valgrind a TLS handshake is tens of times slower, and on a loaded machine it outlasts
# 15 s: that run gets the same servers with longer timeouts (kmipkit-valgrind.toml).
for name, timeouts in (("kmipkit.toml", ("15s", "30s", "60s")), ("kmipkit-valgrind.toml", ("30s", "60s", "90s"))):
    text = servers + ('\n[timeouts]\nconnect = "%s"\nrequest = "%s"\ndeadline = "%s"\nfailover_delay = "50ms"\n' % timeouts)
    fd = os.open(os.path.join(work, name), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, text.encode())
    os.close(fd)
PY
export KMIPKIT_TEST_CONFIG="$work/kmipkit.toml"
export KMIPKIT_TEST_SERVER_DIR="$work/kms1"
export KMIPKIT_TEST_WORK="$work"
# The secondary's PID, for the failover tests that stop a server this script started.
export KMIPKIT_TEST_SERVER1_JSON="$work/kms1.json" KMIPKIT_TEST_SERVER2_JSON="$work/kms2.json"
export KMIPKIT_TEST_CLI="$lib/kmipkit"

cflags=(-std=c11 -Wall -Wextra -Werror -g -I "$root/c-header" -I "$here")
cxxflags=(-std=c++17 -Wall -Wextra -Werror -g -I "$root/c-header" -I "$here")
ldflags=(-L "$lib" -lkmipkit -Wl,-rpath,"$lib" -lpthread -ldl -lm)
passed=0 failed=0
record() { # name status
  if [ "$2" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $1"; fi
}
for t in "${tests[@]}"; do
  compile=(gcc "${cflags[@]}") src="$here/$t.c"
  if [ ! -f "$src" ]; then compile=(g++ "${cxxflags[@]}") src="$here/$t.cpp"; fi
  # A test that needs more libraries names them in a first line "/* link: -lssl -lcrypto */".
  read -r -a extra <<< "$(sed -n '1s|^/\* link: \(.*\) \*/$|\1|p' "$src")"
  "${compile[@]}" "$src" -o "$work/bin/$t" "${ldflags[@]}" ${extra[@]+"${extra[@]}"}
  "${compile[@]}" -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
    "$src" -o "$work/bin/$t-asan" "${ldflags[@]}" ${extra[@]+"${extra[@]}"}
  status=0; "$work/bin/$t" || status=$?; record "$t" "$status"
  status=0; ASAN_OPTIONS=detect_leaks=1 "$work/bin/$t-asan" || status=$?; record "$t (asan+ubsan)" "$status"
  if [ "$valgrind" = 1 ]; then
    status=0
    KMIPKIT_TEST_CONFIG="$work/kmipkit-valgrind.toml" \
      valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect "$work/bin/$t" || status=$?
    record "$t (valgrind)" "$status"
  fi
done
echo "c tests: $passed passed, $failed failed"
[ "$failed" = 0 ]
