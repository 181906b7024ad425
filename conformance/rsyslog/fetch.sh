#!/bin/sh
# Fetches Debian's rsyslog, and the libraries a minimal Debian lacks for it, into DEST
# (default: target/rsyslog) without installing anything: `apt-get download` + `dpkg -x`.
# The observe_rsyslog test runs it on first use; run it by hand to see what goes wrong.
# Falls back to an installed /usr/sbin/rsyslogd. Exits non-zero when neither works.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:-$here/../../target/rsyslog}
bin=$dest/usr/sbin/rsyslogd
lib=$dest/usr/lib/x86_64-linux-gnu

works() {
  LD_LIBRARY_PATH=$lib "$bin" -v >/dev/null 2>&1 \
    && ! LD_LIBRARY_PATH=$lib ldd "$bin" "$lib"/rsyslog/imudp.so "$lib"/rsyslog/imtcp.so \
         "$lib"/rsyslog/imuxsock.so "$lib"/rsyslog/lmnsd_ptcp.so 2>&1 | grep -q 'not found'
}

[ -x "$bin" ] && works && exit 0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if (cd "$tmp" && apt-get download rsyslog libestr0 libfastjson4 >/dev/null 2>&1); then
  mkdir -p "$dest"
  for deb in "$tmp"/*.deb; do dpkg -x "$deb" "$dest"; done
  works && { echo "rsyslog unpacked into $dest"; exit 0; }
  echo "rsyslog unpacked into $dest but it does not run:" >&2
  LD_LIBRARY_PATH=$lib ldd "$bin" | grep 'not found' >&2 || true
fi

if [ -x /usr/sbin/rsyslogd ]; then
  # The system's own: link it and its modules into place.
  mkdir -p "$dest/usr/sbin" "$lib"
  ln -sf /usr/sbin/rsyslogd "$bin"
  ln -sfn /usr/lib/x86_64-linux-gnu/rsyslog "$lib/rsyslog"
  works && { echo "using the installed rsyslogd"; exit 0; }
fi
echo "cannot obtain rsyslog: apt-get download failed (run apt-get update?) and none is installed" >&2
exit 1
