package io.signalhub.indexing.core;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Independent calls that wait on the network, not the CPU, run at once on daemon threads (an
 * abandoned one never keeps a JVM alive): the fan-out's read-ahead, and an economy gather's
 * per-batch store and bucket calls (a 50,000-record Bedrock file is about 300,000 of them, which
 * one after another would outlast the embedder's timeout).
 */
public final class ParallelCalls {

  private ParallelCalls() {}

  /**
   * {@code call} applied to every item on up to {@code threads} threads, the results in the items'
   * order. The first call to throw decides what this throws, once all have ended.
   */
  public static <T, R> List<R> map(int threads, List<T> items, Function<T, R> call) {
    if (threads <= 1 || items.size() <= 1) {
      return items.stream().map(call).toList();
    }
    ExecutorService executor = daemonThreads(Math.min(threads, items.size()), "parallel-");
    try {
      List<CompletableFuture<R>> results =
          items.stream()
              .map(item -> CompletableFuture.supplyAsync(() -> call.apply(item), executor))
              .toList();
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
          .exceptionally(failed -> null)
          .join();
      return results.stream().map(ParallelCalls::join).toList();
    } finally {
      executor.shutdownNow();
    }
  }

  /** A pool of {@code threads} daemon threads named {@code prefix<n>}. */
  public static ExecutorService daemonThreads(int threads, String prefix) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        task -> {
          Thread thread = new Thread(task, prefix + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Waits for a future; its failure is rethrown as it was thrown. */
  public static <R> R join(CompletableFuture<R> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
