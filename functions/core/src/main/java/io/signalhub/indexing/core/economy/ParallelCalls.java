package io.signalhub.indexing.core.economy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A gather's per-batch store and bucket calls, run at once. One provider file holds up to 50,000
 * requests: for Bedrock's one-chunk batches that is about 300,000 calls (state, chunk count,
 * payload, cache, claim), which one after another would outlast the embedder's timeout; they are
 * independent of each other and wait on the network, not the CPU.
 */
final class ParallelCalls {

  private ParallelCalls() {}

  /**
   * {@code call} applied to every item on up to {@code threads} threads, the results in the items'
   * order. The first call to throw decides what this throws, once all have ended.
   */
  static <T, R> List<R> map(int threads, List<T> items, Function<T, R> call) {
    if (threads <= 1 || items.size() <= 1) {
      return items.stream().map(call).toList();
    }
    AtomicInteger count = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            Math.min(threads, items.size()),
            task -> {
              Thread thread = new Thread(task, "gather-" + count.incrementAndGet());
              thread.setDaemon(true); // an abandoned gather never keeps a JVM alive
              return thread;
            });
    try {
      List<CompletableFuture<R>> results =
          items.stream()
              .map(item -> CompletableFuture.supplyAsync(() -> call.apply(item), executor))
              .toList();
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
          .exceptionally(failed -> null)
          .join();
      return results.stream().map(ParallelCalls::result).toList();
    } finally {
      executor.shutdownNow();
    }
  }

  private static <R> R result(CompletableFuture<R> future) {
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
