package io.signalhub.indexing.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * How 'local-stack up' is asked to stop: SIGTERM ('scripts/local-stack down', kill) or SIGINT
 * (Ctrl-C), handled in-process so the command stops its stack itself and says so, instead of the
 * JVM's default (a shutdown hook, no word, exit 143 or 130). A second signal ends the process at
 * once, as the default does.
 */
final class StopSignals {

  /** Why the command stops, and the exit code that says so. */
  record Stop(String reason, int exitCode) {}

  private StopSignals() {}

  /**
   * Waits for the first stop signal. Where signals cannot be handled (-Xrs), waits for ever: the
   * JVM's own shutdown then ends the command.
   */
  static Stop await() throws InterruptedException {
    CompletableFuture<Stop> stop = new CompletableFuture<>();
    handle("TERM", stop, new Stop("'scripts/local-stack down' or SIGTERM", 0));
    handle("INT", stop, new Stop("Ctrl-C", CancelOnInterrupt.EXIT_CODE));
    try {
      return stop.get();
    } catch (ExecutionException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  private static void handle(String signal, CompletableFuture<Stop> stop, Stop reason) {
    try {
      Signal.handle(
          new Signal(signal),
          received -> {
            Signal.handle(new Signal("TERM"), SignalHandler.SIG_DFL);
            Signal.handle(new Signal("INT"), SignalHandler.SIG_DFL);
            stop.complete(reason);
          });
    } catch (IllegalArgumentException unsupported) {
      // not on this platform, or the JVM runs with -Xrs: the default stays
    }
  }
}
