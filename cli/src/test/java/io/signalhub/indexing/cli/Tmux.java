package io.signalhub.indexing.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real pseudo-terminal: commands run in detached tmux sessions on a private server, and {@link
 * #screen} is what a person would see (carriage-return redraws included). Tests that need it skip
 * with a reason when tmux is not installed ({@code scripts/test} installs it where it can).
 */
final class Tmux implements AutoCloseable {

  private final String socket = "signal-hub-it-" + ProcessHandle.current().pid();
  private final List<String> sessions = new ArrayList<>();

  static boolean installed() {
    try {
      return new ProcessBuilder("tmux", "-V").start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Starts {@code command} (a shell line) in a new 200x50 session; it stays open after exit. */
  void start(String session, Path workDir, String command) throws Exception {
    run(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        "200",
        "-y",
        "50",
        "-c",
        workDir.toString(),
        command + "; echo \"EXIT $?\"; sleep 600");
    sessions.add(session);
  }

  /** The visible screen of a session. */
  String screen(String session) throws Exception {
    return run("capture-pane", "-p", "-t", session);
  }

  /** Polls a session's screen until {@code done} holds, handing every screen to {@code seen}. */
  String watch(
      String session,
      Duration timeout,
      Predicate<String> done,
      java.util.function.Consumer<String> seen)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String screen = screen(session);
      seen.accept(screen);
      if (done.test(screen)) {
        return screen;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + "; the screen:\n" + screen);
      }
      Thread.sleep(100);
    }
  }

  private String run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    try {
      run("kill-server");
    } catch (IOException alreadyGone) {
      // no session left
    }
  }
}
