#!/bin/sh
# Builds libfastnetmon_pfring.so, the JNI side of PF_RING capture (Maven runs this in the compile phase).
#
#   native/build.sh OUTPUT_DIR [JAVA_HOME]
#
# writes OUTPUT_DIR/native/linux-<arch>/libfastnetmon_pfring.so, where the Java side looks for it on
# the class path (Maven passes target/classes, so it ends up in the jar). PF_RING itself is not needed:
# libpfring is loaded at run time. Without a C compiler, JNI headers or Linux this prints why and
# exits 0, so the build goes on without PF_RING support; a compiler that fails is an error.
# CC picks the compiler (default: gcc, then cc).
set -eu

out=${1:?usage: build.sh OUTPUT_DIR [JAVA_HOME]}
java_home=${2:-${JAVA_HOME:-}}
here=$(cd "$(dirname "$0")" && pwd)
src="$here/fastnetmon_pfring.c"

skip() {
  echo "[native] PF_RING support not built: $1 (fastnetmon runs; pfring = on will report it)" >&2
  exit 0
}

[ "$(uname -s)" = Linux ] || skip "PF_RING is Linux only"

cc=${CC:-}
if [ -z "$cc" ]; then
  for c in gcc cc; do
    if command -v "$c" >/dev/null 2>&1; then cc=$c; break; fi
  done
fi
[ -n "$cc" ] || skip "no C compiler found (install gcc, e.g. apt-get install build-essential)"
command -v "$cc" >/dev/null 2>&1 || skip "C compiler '$cc' not found"

inc=
for d in "$java_home/include" "$java_home/../include"; do
  if [ -n "$java_home" ] && [ -f "$d/jni.h" ]; then inc=$d; break; fi
done
[ -n "$inc" ] || skip "no JNI headers (jni.h) under JAVA_HOME='$java_home' (install a JDK, not a JRE)"

case "$(uname -m)" in
  x86_64 | amd64) arch=x86_64 ;;
  aarch64 | arm64) arch=aarch64 ;;
  *) arch=$(uname -m) ;;
esac
dest_dir="$out/native/linux-$arch"
dest="$dest_dir/libfastnetmon_pfring.so"

if [ -f "$dest" ] && [ "$dest" -nt "$src" ] && [ "$dest" -nt "$0" ]; then
  exit 0 # up to date
fi

mkdir -p "$dest_dir"
tmp="$dest.tmp.$$"
trap 'rm -f "$tmp"' EXIT
"$cc" -O2 -g -fPIC -shared -std=gnu11 -Wall -Wextra -fvisibility=hidden \
  -I"$inc" -I"$inc/linux" -o "$tmp" "$src" -ldl
mv -f "$tmp" "$dest"
echo "[native] built $dest"
