#!/bin/sh
# Regenerates src/test/resources/fastnetmon-1.2.4/prometheus-metrics.txt from FastNetMon itself: runs
# /usr/sbin/fastnetmon (Debian package fastnetmon) with a configuration of its own in a throw-away network
# namespace (mirror_afpacket on a veth pair, netflow and sflow on, prometheus on), scrapes /metrics and
# writes one line per family: name, type, label names. Needs root. Never reads /etc/fastnetmon.conf.
set -eu
out=${1:-$(dirname "$0")/../src/test/resources/fastnetmon-1.2.4/prometheus-metrics.txt}
ns=fnm-ref-$$
dir=$(mktemp -d)
trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$dir"' EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add ref0 type veth peer name ref1
ip -n "$ns" link set ref0 up
ip -n "$ns" link set ref1 up
echo 10.0.0.0/24 > "$dir/networks"
: > "$dir/whitelist"
printf '#!/bin/sh\ncat >/dev/null\n' > "$dir/notify.sh"
chmod +x "$dir/notify.sh"
cat > "$dir/fastnetmon.conf" <<CONF
logging_level = info
disable_usage_report = on
enable_ban = on
networks_list_path = $dir/networks
white_list_path = $dir/whitelist
notify_script_path = $dir/notify.sh
mirror_afpacket = on
interfaces = ref0
netflow = on
netflow_host = 127.0.0.1
sflow = on
sflow_host = 127.0.0.1
pid_path = $dir/fastnetmon.pid
cli_stats_file_path = $dir/fastnetmon.dat
cli_stats_ipv6_file_path = $dir/fastnetmon_ipv6.dat
enable_api = off
prometheus = on
prometheus_host = 127.0.0.1
prometheus_port = 9209
CONF
ip netns exec "$ns" timeout 20 /usr/sbin/fastnetmon --configuration_file "$dir/fastnetmon.conf" \
    --log_file "$dir/fastnetmon.log" --disable_pid_logic >/dev/null 2>&1 &
i=0
until ip netns exec "$ns" curl -sf http://127.0.0.1:9209/metrics > "$dir/metrics"; do
    i=$((i + 1)); [ $i -lt 30 ] || { echo "FastNetMon did not serve /metrics" >&2; exit 1; }; sleep 0.5
done
kill %1 2>/dev/null || true
{
    echo "# Metric names and types served by FastNetMon $(dpkg-query -W -f='${Version}' fastnetmon 2>/dev/null || echo '?') on /metrics,"
    echo "# taken by scripts/fastnetmon-metrics-reference.sh (FastNetMon in a network namespace with mirror_afpacket,"
    echo "# netflow and sflow on). One line per family: name, type, label names. Read by FastNetMonMetricNamesTest."
    awk '/^# TYPE/ { t[$3] = $4; if (!($3 in seen)) { seen[$3] = 1; order[n++] = $3 } }
         !/^#/ { name = $0; sub(/[{ ].*/, "", name); labels = ""
                 if (match($0, /\{[^}]*\}/)) { s = substr($0, RSTART + 1, RLENGTH - 2); k = split(s, parts, ",")
                     for (i = 1; i <= k; i++) { split(parts[i], kv, "="); labels = labels (i > 1 ? "," : "") kv[1] } }
                 lab[name] = labels }
         END { for (i = 0; i < n; i++) { l = order[i] " " t[order[i]]; if (lab[order[i]] != "") l = l " " lab[order[i]]; print l } }' "$dir/metrics"
} > "$out"
echo "wrote $(grep -vc '^#' "$out") families to $out"
