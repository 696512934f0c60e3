#!/usr/bin/env bash
#
# Example notify script, called the way FastNetMon 1.2.4 calls notify_script_path:
#
#   $1  IP address: the attacked host (incoming) or the attacking host of ours (outgoing)
#   $2  direction: incoming or outgoing
#   $3  attack power in packets per second (initial)
#   $4  action: ban | attack_details | unban
#
# stdin: ban            -> attack description (traffic counters)
#        attack_details -> description, then one line per captured sample packet
#        unban          -> nothing
#
# Always read stdin completely (the detector writes it before waiting for us).
# The script never fails the caller: whatever happens, it exits 0.

EMAIL="root@localhost"                 # where notifications go; change this
LOG_FILE="$(dirname "$0")/notify_about_attack.log"   # used when mail is unavailable

IP="${1:-}"
DIRECTION="${2:-}"
PPS="${3:-}"
ACTION="${4:-}"

DETAILS="$(cat)"

# Records a message: by mail when possible, else to LOG_FILE, else to syslog, else stderr.
notify() {
    local subject="$1"
    if command -v mail >/dev/null 2>&1 &&
        printf '%s\n' "$DETAILS" | mail -s "$subject" "$EMAIL" >/dev/null 2>&1; then
        return 0
    fi
    if { printf '%s %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$subject"
         [ -n "$DETAILS" ] && printf '%s\n' "$DETAILS"
         printf '\n'; } 2>/dev/null >>"$LOG_FILE"; then
        return 0
    fi
    if command -v logger >/dev/null 2>&1 && logger -t fastnetmon -- "$subject" 2>/dev/null; then
        return 0
    fi
    printf '%s\n' "$subject" >&2
}

if [ -z "$IP" ] || [ -z "$ACTION" ]; then
    echo "usage: $0 IP DIRECTION PPS ban|attack_details|unban (details on stdin)" >&2
    exit 0
fi

# /32 for IPv4, /128 for IPv6 ("ip -6" for the latter)
case "$IP" in
    *:*) IP_CMD="ip -6"; PREFIX="$IP/128" ;;
    *)   IP_CMD="ip";    PREFIX="$IP/32" ;;
esac
: "$IP_CMD" "$PREFIX"   # only used by the commented-out examples below

case "$ACTION" in
    ban)
        notify "FastNetMon Guard: IP $IP blocked because $DIRECTION attack with power $PPS pps"

        # Blackhole the host on this router (uncomment to enable):
        # $IP_CMD route add blackhole "$PREFIX"
        #   IPv4: ip route add blackhole 10.10.0.5/32
        #   IPv6: ip -6 route add blackhole 2001:db8::5/128

        # Or drop it with ipset + iptables (create the set and rule once, beforehand):
        #   ipset create fastnetmon_blocked hash:ip timeout 0
        #   iptables -I FORWARD -m set --match-set fastnetmon_blocked dst -j DROP
        # ipset -exist add fastnetmon_blocked "$IP"
        #   (for IPv6 use a "family inet6" set and ip6tables)
        ;;
    attack_details)
        notify "FastNetMon Guard: IP $IP blocked because $DIRECTION attack with power $PPS pps"
        ;;
    unban)
        notify "FastNetMon Guard: IP $IP unblocked after $DIRECTION attack with power $PPS pps"

        # Undo the ban (uncomment the one you enabled above):
        # $IP_CMD route del blackhole "$PREFIX"
        # ipset -exist del fastnetmon_blocked "$IP"
        ;;
    *)
        notify "FastNetMon Guard: unknown action '$ACTION' for IP $IP"
        ;;
esac

exit 0
