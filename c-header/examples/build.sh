#!/usr/bin/env bash
# The install test: installs libkmipkit into a temporary prefix (c-header/install.sh), then
# builds the examples against that installation only, as a user would:
#   1. pkg-config, linked dynamically (kmipkit) and statically (kmipkit-static), C and C++;
#   2. CMake's find_package(kmipkit), shared and static (KMIPKIT_USE_STATIC_LIBS=ON).
# Each binary is run with a configuration file that does not exist: it must load the library
# and report kmipkit's Config error (exit 1). With KMIPKIT_TEST_CONFIG set (c-header/tests/run.sh
# sets it), create_key also runs against those key servers, and encrypt_file (C and C++)
# encrypts a file there and decrypts it back.
# An example that calls a function the installed kmipkit.h does not declare (yet) is skipped
# with the reason. CMake is installed with apt-get when missing; without apt the CMake part is
# skipped with the reason. Last line: "examples: N passed, N failed, N skipped".
#   c-header/examples/build.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

"$root/c-header/install.sh" "$prefix" > "$work/install.log" 2>&1 || {
  cat "$work/install.log" >&2
  echo "build.sh: c-header/install.sh failed (output above)" >&2
  exit 1
}
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
libdir="$(pkg-config --variable=libdir kmipkit)"
header="$(pkg-config --variable=includedir kmipkit)/kmipkit.h"

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAILED: $1"; }
skip() { skipped=$((skipped + 1)); echo "skipped: $1"; }

# The installed shared library carries its soname, and the symlinks lead to it.
soname="$(readelf -d "$libdir/libkmipkit.so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')"
if [ -n "$soname" ] && [ -e "$libdir/$soname" ] && [ -f "$libdir/libkmipkit.a" ]; then
  pass "installed libkmipkit.so (soname $soname) and libkmipkit.a"
else
  fail "installed library: soname '$soname', files: $(ls "$libdir" | tr '\n' ' ')"
fi

# The examples whose kmipkit functions the installed header declares.
examples=()
for src in "$here"/*.c "$here"/*.cpp; do
  name="$(basename "$src")"
  case "$name" in *.cpp) name="${name%.cpp}_cpp" ;; *) name="${name%.c}" ;; esac
  missing=""
  for fn in $(grep -o 'kmipkit_[a-z0-9_]*(' "$src" | tr -d '(' | sort -u); do
    grep -q "[^a-z0-9_]$fn(" "$header" || missing="$missing $fn"
  done
  if [ -n "$missing" ]; then
    skip "$name: the installed kmipkit.h does not declare$missing"
  else
    examples+=("$name")
  fi
done

source_of() { case "$1" in *_cpp) echo "$here/${1%_cpp}.cpp" ;; *) echo "$here/$1.c" ;; esac; }

# Runs a built example with a missing configuration file: it must start (the library loads)
# and report kmipkit's Config refusal. create_key also runs against the test servers if given.
run_example() { # label binary example
  local out status=0
  case "$3" in
    encrypt_file*) out="$("$2" /nonexistent/kmipkit.toml "$here/encrypt_file.c" "$work/out.bin" 2>&1)" || status=$? ;;
    *) out="$("$2" /nonexistent/kmipkit.toml 2>&1)" || status=$? ;;
  esac
  if [ "$status" = 1 ] && grep -q "Config" <<< "$out" && grep -q "/nonexistent/kmipkit.toml" <<< "$out"; then
    pass "$1 runs and reports the missing configuration"
  else
    fail "$1 with a missing configuration: exit $status, output: $out"
  fi
  if [ -n "${KMIPKIT_TEST_CONFIG:-}" ] && [[ "$3" == encrypt_file* ]]; then
    # A round trip through the key servers: encrypt a file, decrypt it, compare.
    local plain="$work/plain-$1" sealed="$work/sealed-$1" opened="$work/opened-$1"
    head -c 300000 /dev/urandom > "$plain"
    status=0
    out="$("$2" "$KMIPKIT_TEST_CONFIG" "$plain" "$sealed" 2>&1 &&
           "$2" "$KMIPKIT_TEST_CONFIG" "$sealed" "$opened" --decrypt 2>&1)" || status=$?
    if [ "$status" = 0 ] && cmp -s "$plain" "$opened" && ! cmp -s "$plain" "$sealed"; then
      pass "$1 against the test key servers: encrypted and decrypted back"
    else
      fail "$1 against the test key servers: exit $status, output: $out"
    fi
  fi
  if [ -n "${KMIPKIT_TEST_CONFIG:-}" ] && [[ "$3" == create_key* ]]; then
    status=0
    out="$("$2" "$KMIPKIT_TEST_CONFIG" "example-$1" 2>&1)" || status=$?
    if [ "$status" = 0 ] && grep -q "created and activated" <<< "$out"; then
      pass "$1 against the test key servers"
    else
      fail "$1 against the test key servers: exit $status, output: $out"
    fi
  fi
}

# The binary links libkmipkit as asked: dynamic ones record the soname (not the plain
# libkmipkit.so), static ones need no libkmipkit at run time.
check_linkage() { # label binary dynamic|static
  local needed
  needed="$(readelf -d "$2" | sed -n 's/.*(NEEDED).*\[\(libkmipkit[^]]*\)\]/\1/p')"
  if { [ "$3" = dynamic ] && [ "$needed" = "$soname" ]; } || { [ "$3" = static ] && [ -z "$needed" ]; }; then
    pass "$1 links libkmipkit $3"
  else
    fail "$1: libkmipkit is not linked $3 (needs: ${needed:-nothing})"
  fi
}

# 1. pkg-config.
mkdir -p "$work/bin"
for ex in "${examples[@]}"; do
  src="$(source_of "$ex")"
  for link in dynamic static; do
    pc=kmipkit; [ "$link" = static ] && pc=kmipkit-static
    case "$src" in
      *.cpp) compile=(g++ -std=c++17) ;;
      *) compile=(cc -std=c11) ;;
    esac
    bin="$work/bin/$ex-$link"
    # shellcheck disable=SC2046 # pkg-config's output is a list of flags
    if "${compile[@]}" -Wall -Wextra -Werror "$src" -o "$bin" \
        $(pkg-config --cflags --libs "$pc") -Wl,-rpath,"$libdir" 2> "$work/cc.log"; then
      pass "pkg-config $pc: $ex builds"
      check_linkage "$ex-$link" "$bin" "$link"
      run_example "$ex-$link" "$bin" "$ex"
    else
      fail "pkg-config $pc: $ex does not build: $(cat "$work/cc.log")"
    fi
  done
done

# 2. CMake.
if ! command -v cmake > /dev/null && command -v apt-get > /dev/null; then
  echo "build.sh: installing cmake with apt-get"
  # A fresh machine may need the package lists first.
  apt-get install -y cmake > "$work/apt.log" 2>&1 \
    || { apt-get update > "$work/apt.log" 2>&1 && apt-get install -y cmake >> "$work/apt.log" 2>&1; } || true
fi
if ! command -v cmake > /dev/null; then
  if command -v apt-get > /dev/null; then
    skip "CMake: 'apt-get install -y cmake' failed: $(tail -n 3 "$work/apt.log" | tr '\n' ' ')"
  else
    skip "CMake: cmake is not installed and apt-get is not available to install it"
  fi
elif [ ${#examples[@]} -eq 0 ]; then
  skip "CMake: no example can be built"
else
  list="$(IFS=';'; echo "${examples[*]}")"
  for link in shared static; do
    static=OFF; [ "$link" = static ] && static=ON
    build="$work/cmake-$link"
    if cmake -S "$here" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DKMIPKIT_USE_STATIC_LIBS="$static" \
        -DKMIPKIT_EXAMPLES="$list" > "$work/cmake.log" 2>&1 && cmake --build "$build" >> "$work/cmake.log" 2>&1; then
      pass "CMake find_package(kmipkit), $link: ${examples[*]} build"
      for ex in "${examples[@]}"; do
        check_linkage "cmake-$link $ex" "$build/$ex" "$([ "$link" = shared ] && echo dynamic || echo static)"
        run_example "cmake-$link $ex" "$build/$ex" "$ex"
      done
    else
      fail "CMake, $link: $(tail -n 20 "$work/cmake.log")"
    fi
  done
fi

echo "examples: $passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
