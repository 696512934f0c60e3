# Shared by ./fastnetmon and ./fastnetmon_client (sourced, not run): building the jar when it is stale,
# and the class-data archive that spares each JVM start parsing and verifying the classes it loads.
# Expects $home (the repository) to be set.

jar="$home/target/fastnetmon.jar"

# ensure_jar NAME: builds target/fastnetmon.jar when it is missing or older than the sources.
ensure_jar() {
  if [ ! -f "$jar" ] || [ -n "$(find "$home/src/main" "$home/native" "$home/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "$1: building $jar (mvn package)..." >&2
    # Maven's output is kept to show only when the build fails, without its terminal escapes (Maven 3.8
    # writes colour resets even in batch mode)
    local build_log
    build_log=$(mktemp)
    if ! (cd "$home" && mvn -B -q -DskipTests package >"$build_log" 2>&1 </dev/null); then
      sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$build_log" >&2
      rm -f "$build_log"
      echo "$1: build failed" >&2
      exit 1
    fi
    rm -f "$build_log"
  fi
}

# cds_options NAME ARCHIVE TRAIN: sets the array `cds` to the JVM options that map ARCHIVE. The first
# run after a build makes the archive by calling the function TRAIN with the option that writes it
# (TRAIN runs the program once, briefly); when that fails it is not tried again until the next build.
# FASTNETMON_CDS=off runs without. The JVM ignores an archive that does not match the jar or itself.
cds_options() {
  local name=$1 jsa=$2 train=$3
  cds=()
  [ "${FASTNETMON_CDS:-on}" != off ] || return 0
  if { [ ! -f "$jsa" ] || [ "$jar" -nt "$jsa" ]; } && { [ ! -e "$jsa.failed" ] || [ "$jar" -nt "$jsa.failed" ]; }; then
    echo "$name: creating the class-data archive $jsa (once per build)..." >&2
    if "$train" -XX:ArchiveClassesAtExit="$jsa.$$" >/dev/null 2>&1 </dev/null; [ -s "$jsa.$$" ] && mv -f "$jsa.$$" "$jsa" 2>/dev/null; then
      rm -f "$jsa.failed"
    else
      rm -f "$jsa.$$"
      touch "$jsa.failed" 2>/dev/null || true
      echo "$name: no class-data archive (the JVM starts a little slower)" >&2
    fi
  fi
  if [ -f "$jsa" ] && [ ! "$jar" -nt "$jsa" ]; then
    cds=(-XX:SharedArchiveFile="$jsa" -Xlog:cds*=off)
  fi
}
