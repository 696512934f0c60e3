#!/usr/bin/env bash
# CI: installs the .deb that mvn package built (dpkg -i), checks the installed unit with systemd-analyze
# verify, and runs the installed program for a replay of a generated capture. Root.
# Usage: packaging/smoke-deb.sh [DEB]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ] && ! ls target/fastnetmon-java_*_all.deb >/dev/null 2>&1; then
  mvn -B -ntp -q -DskipTests package
fi
deb=${1:-$(ls target/fastnetmon-java_*_all.deb | head -n 1)}
dpkg -i "$deb"
test -x /usr/sbin/fastnetmon-java
test -f /etc/fastnetmon-java/fastnetmon.conf
man_check=--man=no
if command -v man >/dev/null; then man_check=--man=yes; fi
# Verify also reads the units ours is ordered with; what it says of another package's unit (graphite-carbon's
# obsolete settings, say) is not ours to fix, so only the lines about ours, or about no unit, count.
out=$(systemd-analyze verify "$man_check" /lib/systemd/system/fastnetmon-java.service 2>&1 \
  | grep -Ev '^/(usr/)?lib/systemd/system/[^:]+:' | grep -v '^/etc/systemd/' || true)
out_ours=$(systemd-analyze verify "$man_check" /lib/systemd/system/fastnetmon-java.service 2>&1 \
  | grep -E '^/(usr/)?lib/systemd/system/fastnetmon-java\.service:' || true)
out="$out$out_ours"
if [ -n "$out" ]; then
  echo "systemd-analyze verify: $out" >&2
  exit 1
fi
echo "installed unit verifies"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The installed configuration, with no listening port and no script call (CI may share the machine)
sed -e 's/^prometheus = .*/prometheus = off/' -e 's/^notify_script_enabled = .*/notify_script_enabled = off/' \
  /etc/fastnetmon-java/fastnetmon.conf > "$tmp/installed.conf"
grep -q '^notify_script_enabled = off' "$tmp/installed.conf" || echo 'notify_script_enabled = off' >> "$tmp/installed.conf"
java -cp /usr/share/fastnetmon-java/fastnetmon.jar fastnetmon.tools.PcapGenerator "$tmp/smoke.pcap" 100000
summary=$(/usr/sbin/fastnetmon-java --configuration_file "$tmp/installed.conf" --log_file "$tmp/fastnetmon.log" \
  --pcap_file "$tmp/smoke.pcap" | tail -n 1)
echo "$summary"
case "$summary" in
  '{"packets":100000,'*) echo "installed package replay OK" ;;
  *) echo "installed package replay failed: unexpected summary" >&2; exit 1 ;;
esac
