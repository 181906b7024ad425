# checks.sh - what the harness self-tests share (sourced by pykmip/selftest.sh and
# cosmian/selftest.sh): counted checks, a JSON field, a process that must be gone.
# The sourcing script sets PASSED=0 FAILED=0 and ends with: echo "$PASSED passed, $FAILED failed".

check() { # check NAME COMMAND... : run COMMAND, count and report the result
  local name=$1; shift
  local out
  if out=$("$@" 2>&1); then
    PASSED=$((PASSED + 1)); echo "ok   - $name${out:+  $(tail -n 1 <<<"$out" | cut -c1-160)}"
  else
    FAILED=$((FAILED + 1)); echo "FAIL - $name"; sed 's/^/       /' <<<"$out" | tail -n 20
  fi
}

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$@"; }

gone() { # PID is gone (or a zombie waiting for its reaper) within 5 s
  for _ in $(seq 50); do
    [ -r "/proc/$1/stat" ] || return 0
    [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ] && return 0
    sleep 0.1
  done
  echo "PID $1 is still running"; return 1
}
