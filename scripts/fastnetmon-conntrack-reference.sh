#!/bin/sh
# Regenerates src/test/resources/fastnetmon-1.2.4/conntrack-ban-stdin.txt from FastNetMon itself: runs
# /usr/sbin/fastnetmon (Debian package fastnetmon) with enable_connection_tracking = on and a configuration
# of its own, capturing (mirror_afpacket) on a veth in a throw-away network namespace, while hping3 in a
# second namespace sends a bounded SYN flood and a bounded UDP flood from one spoofed source to 10.0.0.5
# (hping3 moves the source port on every packet, so there are many flows) and, slower, TCP from 10.0.0.5's
# port 80 to one outside address (to moving ports): the host's outgoing flows. Keeps the notify script's
# stdin of the ban: the description and the flow list. Needs root. Never reads /etc/fastnetmon.conf.
set -eu
out=${1:-$(dirname "$0")/../src/test/resources/fastnetmon-1.2.4/conntrack-ban-stdin.txt}
mon=fnm-ctref-mon-$$
peer=fnm-ctref-peer-$$
dir=$(mktemp -d)
trap 'kill $fnm 2>/dev/null || true; ip netns del "$mon" 2>/dev/null || true; ip netns del "$peer" 2>/dev/null || true; rm -rf "$dir"' EXIT
fnm=
ip netns add "$mon"
ip netns add "$peer"
ip -n "$mon" link set lo up
ip -n "$mon" link add mon0 type veth peer name peer0 netns "$peer"
ip -n "$mon" link set mon0 up
ip -n "$peer" link set peer0 up
ip -n "$peer" addr add 198.51.100.2/24 dev peer0
mac=$(ip netns exec "$mon" cat /sys/class/net/mon0/address)
ip -n "$peer" neigh replace 198.51.100.1 lladdr "$mac" dev peer0 nud permanent
ip -n "$peer" route add default via 198.51.100.1 dev peer0 onlink
echo 10.0.0.0/24 > "$dir/networks"
: > "$dir/whitelist"
mkdir "$dir/details"
printf '#!/bin/sh\ncat > "%s/stdin-$4-$1"\n' "$dir" > "$dir/notify.sh"
chmod +x "$dir/notify.sh"
cat > "$dir/fastnetmon.conf" <<CONF
logging_level = info
disable_usage_report = on
enable_ban = on
enable_connection_tracking = on
ban_details_records_count = 5
threshold_pps = 500
ban_for_pps = on
ban_for_bandwidth = off
ban_for_flows = off
networks_list_path = $dir/networks
white_list_path = $dir/whitelist
notify_script_path = $dir/notify.sh
attack_details_folder = $dir/details
mirror_afpacket = on
interfaces = mon0
pid_path = $dir/fastnetmon.pid
cli_stats_file_path = $dir/fastnetmon.dat
cli_stats_ipv6_file_path = $dir/fastnetmon_ipv6.dat
enable_api = off
CONF
ip netns exec "$mon" timeout 40 /usr/sbin/fastnetmon --configuration_file "$dir/fastnetmon.conf" \
    --log_file "$dir/fastnetmon.log" --disable_pid_logic >/dev/null 2>&1 &
fnm=$!
sleep 5
# Bounded in count and time: 2 x 20000 + 1000 packets at most, 10 s at most.
ip netns exec "$peer" timeout 10 hping3 -q -S -p 80 -a 192.0.2.7 -s 10000 -i u200 -c 20000 10.0.0.5 >/dev/null 2>&1 &
ip netns exec "$peer" timeout 10 hping3 -q --udp -p 53 -a 192.0.2.8 -s 20000 -i u400 -c 20000 10.0.0.5 >/dev/null 2>&1 &
ip netns exec "$peer" timeout 10 hping3 -q -S -A -a 10.0.0.5 -s 80 -k -p ++30000 -i u10000 -c 1000 192.0.2.9 >/dev/null 2>&1 &
i=0
until [ -s "$dir/stdin-ban-10.0.0.5" ]; do
    i=$((i + 1)); [ $i -lt 60 ] || { echo "FastNetMon did not ban 10.0.0.5" >&2; cat "$dir/fastnetmon.log" >&2; exit 1; }; sleep 0.5
done
sleep 1
wait %2 %3 %4 2>/dev/null || true
cp "$dir/stdin-ban-10.0.0.5" "$out"
ls "$dir/details" >&2
echo "wrote $(wc -l < "$out") lines to $out"
