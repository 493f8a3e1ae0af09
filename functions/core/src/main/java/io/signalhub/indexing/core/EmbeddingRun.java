package io.signalhub.indexing.core;

import io.signalhub.indexing.core.batch.Batch;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * One call of {@link BatchEmbeddingProcessor#processWithProgress}: its own counters, threads and
 * in-flight index. Plans the chunks ({@link ChunkPlanner}), packs them into batches, and embeds at
 * most {@code maxConcurrentBatches} batches at once: cache hits first, the misses through the
 * {@link ProviderCaller}; every result goes to the listener, and to the twins that waited for it.
 */
final class EmbeddingRun {

  /** What every run of one processor shares. */
  record Engine(
      EmbeddingProvider provider,
      Batcher<WorkItem> batcher,
      ProviderCaller embedder,
      EmbeddingCache cache,
      OversizePolicy oversizePolicy,
      int maxConcurrentBatches) {}

  private final Iterable<Chunk> source;
  private final Consumer<ChunkResult> listener;
  private final ProgressTracker tracker;
  private final Engine engine;
  private final InFlightIndex inFlight = new InFlightIndex();
  private final ExecutorService pool;
  private Progress lastEmitted;

  EmbeddingRun(
      Iterable<Chunk> source,
      Consumer<ChunkResult> listener,
      ProgressTracker tracker,
      Engine engine) {
    this.source = source;
    this.listener = listener;
    this.tracker = tracker;
    this.engine = engine;
    this.pool =
        Executors.newFixedThreadPool(
            engine.maxConcurrentBatches(),
            task -> {
              Thread thread = new Thread(task, "embed-batch");
              thread.setDaemon(true);
              return thread;
            });
    if (source instanceof Collection<?> known) {
      tracker.addTotal(known.size());
      tracker.markTotalFinal();
    }
  }

  Multi<Progress> progress() {
    ChunkPlanner planner =
        new ChunkPlanner(
            engine.provider(),
            engine.batcher().bounds().maxTokensPerItem(),
            engine.oversizePolicy(),
            inFlight,
            tracker,
            this::report);
    Iterator<Batch<WorkItem>> batches =
        engine
            .batcher()
            .batches(planner.items(source.iterator(), !(source instanceof Collection<?>)));
    return Multi.createFrom()
        .iterable(() -> batches)
        .onItem()
        .transformToUni(
            batch -> Uni.createFrom().item(() -> embedBatch(batch)).runSubscriptionOn(pool))
        .merge(engine.maxConcurrentBatches())
        // snapshots are taken where merge has serialized the batches, so counts never go back
        .onItem()
        .transform(batch -> emitted(tracker.snapshot()))
        .onCompletion()
        .switchTo(this::finalProgress)
        .onTermination()
        .invoke(pool::shutdownNow);
  }

  private Multi<Progress> finalProgress() {
    Progress last = tracker.snapshot();
    boolean changed =
        lastEmitted == null
            || last.done() != lastEmitted.done()
            || last.total() != lastEmitted.total()
            || last.totalFinal() != lastEmitted.totalFinal();
    return changed ? Multi.createFrom().item(last) : Multi.createFrom().empty();
  }

  private Progress emitted(Progress progress) {
    lastEmitted = progress;
    return progress;
  }

  private Batch<WorkItem> embedBatch(Batch<WorkItem> batch) {
    Map<String, float[]> hits =
        engine.cache().getAll(batch.items().stream().map(WorkItem::key).distinct().toList());
    List<WorkItem> misses = new ArrayList<>();
    for (WorkItem item : batch.items()) {
      float[] hit = hits.get(item.key());
      if (hit != null) {
        resolve(item, new ChunkResult(item.ordinal(), item.chunk(), hit, null, true));
      } else {
        misses.add(item);
      }
    }
    if (!misses.isEmpty()) {
      embedMisses(misses);
    }
    tracker.batchProcessed();
    return batch;
  }

  private void embedMisses(List<WorkItem> misses) {
    List<ProviderCaller.Input> inputs =
        misses.stream()
            .map(item -> new ProviderCaller.Input(item.chunk().text(), item.chunk().tokens()))
            .toList();
    List<ProviderCaller.Outcome> outcomes;
    try {
      outcomes = engine.embedder().embed(inputs, tracker);
    } catch (EmbeddingException e) {
      if (e.kind() == EmbeddingException.Kind.FATAL) {
        throw e;
      }
      String reason = "gave up after retries: " + e.getMessage();
      misses.forEach(
          item ->
              resolve(item, new ChunkResult(item.ordinal(), item.chunk(), null, reason, false)));
      return;
    }
    Map<String, float[]> fresh = new HashMap<>();
    for (int i = 0; i < misses.size(); i++) {
      WorkItem item = misses.get(i);
      ProviderCaller.Outcome outcome = outcomes.get(i);
      if (outcome.succeeded()) {
        fresh.put(item.key(), outcome.vector());
      }
    }
    engine.cache().putAll(fresh);
    for (int i = 0; i < misses.size(); i++) {
      WorkItem item = misses.get(i);
      ProviderCaller.Outcome outcome = outcomes.get(i);
      resolve(
          item,
          new ChunkResult(
              item.ordinal(), item.chunk(), outcome.vector(), outcome.failure(), false));
    }
  }

  /** Reports a result, then the same result to every identical chunk that waited for it. */
  private void resolve(WorkItem item, ChunkResult result) {
    report(result);
    for (WorkItem follower : inFlight.settle(item.key(), result)) {
      report(
          new ChunkResult(
              follower.ordinal(),
              follower.chunk(),
              result.vector(),
              result.failure(),
              result.succeeded()));
    }
  }

  private void report(ChunkResult result) {
    if (result.succeeded()) {
      if (result.cached()) {
        tracker.cached(1);
      } else {
        tracker.completed(1);
      }
    } else {
      tracker.failed(result.chunk().location(), result.failure());
    }
    listener.accept(result);
  }
}
