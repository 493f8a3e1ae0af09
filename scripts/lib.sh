# Shared by the scripts: find the project, build the CLI when its sources changed, run it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI_JAR="$ROOT/cli/target/signal-hub-cli.jar"

# Whether the jar is missing or any source is newer than it.
build_needed() {
  [ ! -f "$CLI_JAR" ] || [ -n "$(find "$ROOT" -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' \) -newer "$CLI_JAR" -print -quit)" ]
}

# Builds (quietly, without tests) when build_needed. One build at a time per tree: two scripts
# started together would otherwise run two Maven builds in the same target/ dirs and break each
# other; the second waits for the first, then rechecks (the first usually built what it needed).
ensure_built() {
  build_needed || return 0
  # the lock is on the tree's directory itself: a lock file in a target/ would go with 'clean'
  exec 9<"$ROOT"
  if ! flock -n 9; then
    echo "Waiting for another build of signal-hub in $ROOT to finish ..." >&2
    flock 9
  fi
  if build_needed; then
    build
  fi
  exec 9>&-
}

build() {
  echo "Building signal-hub (first run, or sources changed) ..." >&2
  local log
  log="$(mktemp "${TMPDIR:-/tmp}/signal-hub-build.XXXXXX")"
  # clean: a resource moved to another module must not linger in an old target/; and it unlinks
  # the jars, so a running stack keeps the files it has open (install alone rewrites them in place)
  if ! (cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true clean install) >"$log" 2>&1; then
    echo "error: the build failed. Maven says:" >&2
    grep -E '^\[ERROR\] ' "$log" | grep -v -E 'Help 1|-> \[Help|Re-run Maven|full stack trace|more information about|^\[ERROR\] *$' | head -20 >&2
    echo "(whole log: $log)" >&2
    exit 1
  fi
  rm -f "$log"
}

# --help (or -h, -V) never builds: it answers from the jar there is, or from the calling script's
# header comment when nothing is built yet.
answer_help_without_building() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      -h|--help|-V|--version)
        if [ -f "$CLI_JAR" ]; then
          # C1 only: a help answer is all start-up, and C2 compiler threads slow it on a busy machine
          exec java -XX:TieredStopAtLevel=1 ${SIGNAL_HUB_JAVA_OPTS:-} -jar "$CLI_JAR" "$@"
        fi
        sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'
        echo "(the full option list appears once the project is built: run any command without --help)"
        exit 0 ;;
    esac
  done
}

run_cli() {
  answer_help_without_building "$@"
  ensure_built
  exec java ${SIGNAL_HUB_JAVA_OPTS:-} -jar "$CLI_JAR" "$@"
}
