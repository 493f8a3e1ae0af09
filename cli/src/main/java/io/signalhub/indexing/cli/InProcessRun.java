package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.pricing.ModelPrices;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.source.DirectoryChunks;
import io.signalhub.indexing.core.source.SourceWalker;
import io.smallrye.mutiny.subscription.Cancellable;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code index --in-process}: the library in this process, no stack: scan and chunk the directory,
 * embed with a live progress bar, Ctrl-C cancels, summarise.
 *
 * @param flags the command line, already validated
 * @param settings the provider, with the flags applied
 */
record InProcessRun(IndexCommand flags, ProviderSettings settings, Map<String, String> env)
    implements Callable<Integer> {

  @Override
  public Integer call() throws Exception {
    Instant started = Instant.now();
    try (EmbeddingProvider embeddings = EmbeddingProviders.create(settings);
        CancelOnInterrupt interrupt = new CancelOnInterrupt()) {
      if (IndexCommand.unusable(embeddings, settings)) {
        return 2;
      }
      PipelineSettings configured = PipelineSettings.from(PipelineSettings.systemLookup());
      CodeChunker chunker =
          new CodeChunker(
              embeddings.tokenCounter(),
              ChunkingOptions.forProvider(
                  embeddings.limits(), flags.chunkTokens == null ? 0 : flags.chunkTokens, 0));
      System.err.printf("Scanning %s ...%n", flags.directory.toAbsolutePath().normalize());
      DirectoryChunks chunks =
          DirectoryChunks.scan(
              flags.directory, new SourceWalker(flags.maxFileBytes), chunker, configured.secrets());
      System.err.printf(
          "%s in %s; embedding with %s (%s)%n",
          IndexSummary.count(chunks.size(), "chunk", "chunks"),
          IndexSummary.count(chunks.files().size(), "file", "files"),
          settings.provider(),
          embeddings.model());
      ProgressBar bar = ProgressBar.onStderr(env);
      AtomicReference<Progress> last = new AtomicReference<>();
      AtomicReference<Throwable> error = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      Cancellable subscription =
          processor(embeddings, configured)
              .processWithProgress(chunks)
              .subscribe()
              .with(
                  progress -> {
                    last.set(progress);
                    bar.update(progress);
                  },
                  failed -> {
                    error.set(failed);
                    done.countDown();
                  },
                  done::countDown);
      interrupt.onInterrupt(
          () -> {
            subscription.cancel(); // no further batch starts; in-flight calls are abandoned
            done.countDown();
          });
      done.await();
      bar.finish();
      String failure =
          interrupt.interrupted()
              ? "cancelled by the user (Ctrl-C)"
              : chunks.isEmpty()
                  ? nothingToIndex(chunks)
                  : error.get() == null ? null : error.get().getMessage();
      IndexSummary summary =
          summarize(
              embeddings,
              chunks,
              last.get(),
              interrupt.interrupted() ? "CANCELLED" : failure != null ? "FAILED" : null,
              failure,
              started);
      System.out.print(flags.json ? summary.toJson() + "\n" : summary.toText());
      if (interrupt.interrupted()) {
        return CancelOnInterrupt.EXIT_CODE;
      }
      return "COMPLETED".equals(summary.status()) ? 0 : 1;
    }
  }

  /** The library with the flags' batch size, concurrency and quota, else the configured ones. */
  private BatchEmbeddingProcessor processor(
      EmbeddingProvider embeddings, PipelineSettings configured) {
    BatchEmbeddingProcessor.Builder builder =
        BatchEmbeddingProcessor.builder()
            .provider(embeddings)
            .maxConcurrentBatches(flags.concurrency == null ? 4 : flags.concurrency)
            .requestsPerMinute(
                flags.requestsPerMinute != null
                    ? flags.requestsPerMinute
                    : configured.requestsPerMinute())
            .tokensPerMinute(
                flags.tokensPerMinute != null
                    ? flags.tokensPerMinute
                    : configured.tokensPerMinute());
    if (flags.batchSize != null) {
      builder.batchSize(flags.batchSize);
    }
    return builder.build();
  }

  private String nothingToIndex(DirectoryChunks chunks) {
    return "nothing to index: no chunk in "
        + flags.directory
        + " ("
        + chunks.files().size()
        + " files to read"
        + (chunks.skipped().isEmpty() ? "" : ", " + chunks.skipped().size() + " skipped")
        + ")";
  }

  private IndexSummary summarize(
      EmbeddingProvider embeddings,
      DirectoryChunks chunks,
      Progress last,
      String endedAs,
      String failure,
      Instant started) {
    double elapsed = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
    Map<String, Long> skipped = new TreeMap<>();
    chunks.skipCounts().forEach((reason, count) -> skipped.put(reason.name(), count));
    String status =
        endedAs != null
            ? endedAs
            : last != null && last.failed() > 0 ? "COMPLETED_WITH_FAILURES" : "COMPLETED";
    return IndexSummary.of(
        new IndexSummary.Header(
            "local-" + started.toEpochMilli(),
            status,
            failure,
            settings.provider(),
            embeddings.model()),
        chunks.files().size(),
        null,
        chunks.size(),
        last,
        ModelPrices.estimateUsd(embeddings.model(), last == null ? 0 : last.tokens()).orElse(null),
        elapsed,
        skipped,
        IndexSummary.skippedFiles(chunks.skipped()),
        last == null ? java.util.List.of() : last.failureSamples());
  }
}
