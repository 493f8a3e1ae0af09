package io.signalhub.indexing.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) during a run cancels the job instead of killing the process: the first one runs
 * the cancel action and lets the command print what was done and exit 130 (128 + SIGINT, the
 * shell's convention); a second one exits at once. Without an action yet (before the job exists),
 * the first Ctrl-C exits 130 as usual.
 *
 * <p>{@code sun.misc.Signal} is the JDK's supported way to handle a signal in-process (module
 * jdk.unsupported, kept by JEP 260 for exactly this).
 */
final class CancelOnInterrupt implements AutoCloseable {

  /** The exit code of a run ended by Ctrl-C. */
  static final int EXIT_CODE = 130;

  private final AtomicBoolean interrupted = new AtomicBoolean();
  private final AtomicReference<Runnable> action = new AtomicReference<>();
  private final SignalHandler previous;

  CancelOnInterrupt() {
    SignalHandler installed;
    try {
      installed = Signal.handle(new Signal("INT"), signal -> interrupt());
    } catch (IllegalArgumentException unsupported) {
      installed = null; // no SIGINT on this platform, or the JVM runs with -Xrs
    }
    previous = installed;
  }

  /** What the first Ctrl-C does from now on (cancel the job, stop the subscription). */
  void onInterrupt(Runnable cancel) {
    action.set(cancel);
  }

  boolean interrupted() {
    return interrupted.get();
  }

  private void interrupt() {
    Runnable cancel = action.get();
    if (!interrupted.compareAndSet(false, true)) {
      System.err.println();
      Runtime.getRuntime().halt(EXIT_CODE); // the second Ctrl-C: the user wants out now
    }
    if (cancel == null) {
      System.err.printf("%nCtrl-C: stopped before the job started; nothing was indexed.%n");
      System.exit(EXIT_CODE); // as the default handler does: shutdown hooks run
    }
    System.err.printf("%nCtrl-C: cancelling the job (press Ctrl-C again to quit at once) ...%n");
    try {
      cancel.run();
    } catch (RuntimeException e) {
      System.err.println("Could not cancel: " + e.getMessage());
      Runtime.getRuntime().halt(EXIT_CODE);
    }
  }

  @Override
  public void close() {
    if (previous != null) {
      Signal.handle(new Signal("INT"), previous);
    }
  }
}
