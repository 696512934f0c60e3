#!/bin/sh
# Writes the package's /etc/fastnetmon-java/ from the repository's conf/: the same configuration with
# the paths of an installed system (the clone's are relative to conf/). Run by mvn package.
# Usage: etc-conf.sh REPOSITORY OUTPUT_DIR
set -eu
repo=$1
out=$2
mkdir -p "$out"
sed -e 's|^log_file = .*|log_file = /var/log/fastnetmon-java/fastnetmon.log|' \
    -e 's|^pid_path = .*|pid_path = /run/fastnetmon-java/fastnetmon.pid|' \
    -e 's|^networks_list_path = .*|networks_list_path = /etc/fastnetmon-java/networks_list|' \
    -e 's|^white_list_path = .*|white_list_path = /etc/fastnetmon-java/networks_whitelist|' \
    -e 's|^notify_script_path = .*|notify_script_path = /etc/fastnetmon-java/notify_about_attack.sh|' \
    -e 's|^attack_details_folder = .*|attack_details_folder = /var/log/fastnetmon-java/attacks|' \
    -e 's|^ban_state_path = .*|ban_state_path = /var/lib/fastnetmon-java/bans.json|' \
    -e 's|^baseline_state_path = .*|baseline_state_path = /var/lib/fastnetmon-java/baselines|' \
    "$repo/conf/fastnetmon.conf" > "$out/fastnetmon.conf"
# Every path of the clone's configuration must have been replaced
if grep -n '= \.\./' "$out/fastnetmon.conf" >&2; then
  echo "etc-conf.sh: relative paths left in the package's configuration" >&2
  exit 1
fi
cp "$repo/networks_list" "$repo/networks_whitelist" "$out/"
# The example script logs beside itself in a clone; installed, /etc is no place for a log
sed 's|^LOG_FILE=.*|LOG_FILE="/var/log/fastnetmon-java/notify_about_attack.log"   # used when mail is unavailable|' \
    "$repo/notify_about_attack.sh" > "$out/notify_about_attack.sh"
chmod 755 "$out/notify_about_attack.sh"
