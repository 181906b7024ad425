#!/usr/bin/env bash
# Builds libkmipkit in release mode and installs it for C and C++ programs:
#   c-header/install.sh PREFIX
# puts under PREFIX
#   lib/libkmipkit.so.X.Y.Z (soname libkmipkit.so.X.Y before 1.0, libkmipkit.so.X after),
#   lib/libkmipkit.so.X.Y and lib/libkmipkit.so (symlinks), lib/libkmipkit.a,
#   include/kmipkit.h, include/kmipkit.hpp, include/kmipkit/*.hpp (the C++ wrapper by area),
#   lib/pkgconfig/kmipkit.pc (dynamic) and kmipkit-static.pc (static),
#   lib/cmake/kmipkit/kmipkitConfig.cmake and kmipkitConfigVersion.cmake,
# so that `cc app.c $(pkg-config --cflags --libs kmipkit)` (with PKG_CONFIG_PATH=PREFIX/lib/pkgconfig
# unless PREFIX is a system prefix) and CMake's `find_package(kmipkit)` (with
# CMAKE_PREFIX_PATH=PREFIX) both work. Needs cargo; not cmake or pkg-config.
set -euo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: c-header/install.sh PREFIX   (for example /usr/local, or \$HOME/.local)" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
mkdir -p "$1"
prefix="$(cd "$1" && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"

version="$(cargo pkgid -p kmipkit-ffi)"
version="${version##*[@#]}"
IFS=. read -r major minor patch <<< "$version"
# Before 1.0 a minor release may break the C API, so the soname carries major.minor (as cargo-c
# does); from 1.0 on, the major version alone.
if [ "$major" = 0 ]; then soname="libkmipkit.so.$major.$minor"; else soname="libkmipkit.so.$major"; fi

# `cargo rustc` is `cargo build` of the one crate plus a flag for its final compile: rustc
# prints the system libraries the static library needs (--print native-static-libs), which
# static linkers must add. KMIPKIT_SONAME makes build.rs give the shared library its soname.
echo "install.sh: building libkmipkit $version (release)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! KMIPKIT_SONAME="$soname" cargo rustc --locked --release -p kmipkit-ffi --lib \
    -- --print native-static-libs > "$log" 2>&1; then
  cat "$log" >&2
  echo "install.sh: the release build failed (output above)" >&2
  exit 1
fi
native="$(sed -n 's/^.*native-static-libs: //p' "$log" | tail -n 1)"
if [ -z "$native" ]; then
  cat "$log" >&2
  echo "install.sh: rustc did not print the native static libraries (output above)" >&2
  exit 1
fi
release="$target/release"

install -d "$prefix/lib/pkgconfig" "$prefix/lib/cmake/kmipkit" "$prefix/include"
install -m 644 "$release/libkmipkit.a" "$prefix/lib/libkmipkit.a"
shared_file=""
if [ -f "$release/libkmipkit.so" ]; then
  shared_file="libkmipkit.so.$version"
  install -m 755 "$release/libkmipkit.so" "$prefix/lib/$shared_file"
  ln -sfn "$shared_file" "$prefix/lib/$soname"
  ln -sfn "$soname" "$prefix/lib/libkmipkit.so"
elif [ -f "$release/libkmipkit.dylib" ]; then
  # macOS: no ELF soname; the install name is left as cargo made it.
  shared_file="libkmipkit.dylib"
  soname=""
  install -m 755 "$release/libkmipkit.dylib" "$prefix/lib/$shared_file"
fi
install -m 644 "$here/kmipkit.h" "$here/kmipkit.hpp" "$prefix/include/"
install -d "$prefix/include/kmipkit"
install -m 644 "$here"/kmipkit/*.hpp "$prefix/include/kmipkit/"

# @NAME@ -> value in the templates; `|` cannot occur in the values (paths with `|` are refused).
case "$prefix" in *'|'*) echo "install.sh: PREFIX may not contain '|': $prefix" >&2; exit 2 ;; esac
cmake_libs="$(printf '%s\n' $native | sed -n 's/^-l//p' | paste -sd ';' -)"
sizeof_void_p="$(getconf LONG_BIT 2>/dev/null || echo 64)"
sizeof_void_p=$((sizeof_void_p / 8))
fill() { # template output
  sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" \
    -e "s|@VERSION_MAJOR@|$major|g" -e "s|@VERSION_MINOR@|$minor|g" \
    -e "s|@NATIVE_STATIC_LIBS@|$native|g" -e "s|@NATIVE_STATIC_LIBS_CMAKE@|\"$cmake_libs\"|g" \
    -e "s|@SHARED_FILE@|$shared_file|g" -e "s|@SONAME@|$soname|g" \
    -e "s|@SIZEOF_VOID_P@|$sizeof_void_p|g" "$1" > "$2"
  chmod 644 "$2"
}
fill "$here/kmipkit.pc.in" "$prefix/lib/pkgconfig/kmipkit.pc"
fill "$here/kmipkit-static.pc.in" "$prefix/lib/pkgconfig/kmipkit-static.pc"
fill "$here/cmake/kmipkitConfig.cmake.in" "$prefix/lib/cmake/kmipkit/kmipkitConfig.cmake"
fill "$here/cmake/kmipkitConfigVersion.cmake.in" "$prefix/lib/cmake/kmipkit/kmipkitConfigVersion.cmake"

# Leave target/release as a plain `cargo build --release` makes it: a library there with the
# soname would be recorded by that name, which target/release does not have, by programs (the
# benchmarks, say) linked against it. Only the binding crate is recompiled (seconds).
if ! cargo build --locked --release -q -p kmipkit-ffi > "$log" 2>&1; then
  cat "$log" >&2
  echo "install.sh: installed, but rebuilding target/release without the soname failed (above)" >&2
  exit 1
fi

echo "install.sh: installed libkmipkit $version under $prefix"
echo "  pkg-config: PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs kmipkit"
echo "  CMake:      cmake -DCMAKE_PREFIX_PATH=$prefix ...   then find_package(kmipkit)"
