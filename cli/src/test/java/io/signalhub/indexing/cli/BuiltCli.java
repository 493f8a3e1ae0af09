package io.signalhub.indexing.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged CLI ({@code target/signal-hub-cli.jar}, what scripts/ run) as a separate process
 * with its own {@code SIGNAL_HUB_HOME}, for tests of what only processes show: locks, signals,
 * persistence across restarts.
 */
final class BuiltCli {

  private final Path home;
  private final Map<String, String> env;

  BuiltCli(Path home, Map<String, String> env) {
    this.home = home;
    this.env = env;
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  static String jar() {
    return System.getProperty(
        "signal-hub.cli.jar", Path.of("target/signal-hub-cli.jar").toAbsolutePath().toString());
  }

  /** A running command; its stdout and stderr go to files beside the home. */
  record Running(Process process, Path stdout, Path stderr) {
    String out() throws IOException {
      return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
      return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Waits for the exit; the command's output is in the failure message if it hangs. */
    Result await() throws Exception {
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("still running after 5 minutes; stderr:\n" + err());
      }
      return new Result(process.exitValue(), out(), err());
    }
  }

  record Result(int exit, String stdout, String stderr) {}

  private int started;

  synchronized Running start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", jar()));
    command.addAll(List.of(args));
    Path out = home.resolveSibling(home.getFileName() + "-" + started + ".out");
    Path err = home.resolveSibling(home.getFileName() + "-" + started + ".err");
    started++;
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("SIGNAL_HUB_STATUS_URL");
    builder.environment().put("SIGNAL_HUB_HOME", home.toString());
    builder.environment().putAll(env);
    return new Running(builder.start(), out, err);
  }

  Result run(String... args) throws Exception {
    return start(args).await();
  }

  /** The shell line tmux runs for this CLI. */
  String shellCommand() {
    return "env -u SIGNAL_HUB_STATUS_URL SIGNAL_HUB_HOME=" + home + " " + java() + " -jar " + jar();
  }
}
