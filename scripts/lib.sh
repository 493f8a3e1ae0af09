# Shared by the scripts: find the project, build the CLI when its sources changed, run it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI_JAR="$ROOT/cli/target/signal-hub-cli.jar"

# Builds (quietly, without tests) when the jar is missing or any source is newer than it.
ensure_built() {
  if [ ! -f "$CLI_JAR" ] || [ -n "$(find "$ROOT" -path '*/target' -prune -o \( -name '*.java' -o -name 'pom.xml' -o -name '*.properties' \) -newer "$CLI_JAR" -print -quit)" ]; then
    echo "Building signal-hub (first run, or sources changed) ..." >&2
    (cd "$ROOT" && mvn -B -q -DskipTests -Dspotless.check.skip=true install) >&2 || {
      echo "error: build failed; run 'mvn -DskipTests install' in $ROOT to see why" >&2
      exit 1
    }
  fi
}

run_cli() {
  ensure_built
  exec java ${SIGNAL_HUB_JAVA_OPTS:-} -jar "$CLI_JAR" "$@"
}
