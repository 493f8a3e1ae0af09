package io.signalhub.indexing.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether a person watches the error stream, where the bar and the messages go. */
final class Terminal {

  private Terminal() {}

  /**
   * True when standard error is a terminal. {@link System#console()} answers for stdin and stdout
   * only ({@code index --json | jq} has no console although the bar's stream is a terminal), so on
   * Linux the descriptor's target decides; elsewhere the console does.
   *
   * @param term the {@code TERM} variable (null if unset): {@code dumb} means no terminal
   */
  static boolean stderrIsTerminal(String term) {
    if ("dumb".equals(term)) {
      return false;
    }
    Path fd = Path.of("/proc/self/fd/2");
    if (Files.isSymbolicLink(fd)) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException e) {
        return System.console() != null;
      }
    }
    return System.console() != null;
  }
}
