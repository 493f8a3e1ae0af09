package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderCheck;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.source.DirectoryChunks;
import io.signalhub.indexing.core.source.SourceWalker;
import io.smallrye.mutiny.subscription.Cancellable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code signal-hub index <dir>}: chunk and embed a directory, with a live progress bar. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description = {
      "Index a directory: upload its sources and a manifest, let the pipeline chunk and embed them,",
      "follow the job with a live progress bar. Uses the stack named by SIGNAL_HUB_STATUS_URL, or the",
      "one 'scripts/local-stack up' runs, or starts a local one for this run."
    })
public final class IndexCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory to index.")
  Path directory;

  @Option(
      names = "--provider",
      description =
          "local, openai or bedrock (default: ${DEFAULT-VALUE}, or SIGNAL_HUB_EMBEDDING_PROVIDER).")
  String provider;

  @Option(
      names = "--model",
      description = "Model id (default: the provider's default, or SIGNAL_HUB_EMBEDDING_MODEL).")
  String model;

  @Option(
      names = "--base-url",
      description = "OpenAI-compatible base URL (default: OPENAI_BASE_URL, else api.openai.com).")
  java.net.URI baseUrl;

  @Option(
      names = "--batch-size",
      description = "Most chunks per request (default: 100, or SIGNAL_HUB_EMBEDDING_BATCH_SIZE).")
  Integer batchSize;

  @Option(
      names = "--concurrency",
      defaultValue = "4",
      description = "Batches in flight (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--chunk-tokens",
      defaultValue = "0",
      description =
          "Most tokens per chunk (default: 512, capped by the model's limit; 128 for the local model).")
  int chunkTokens;

  @Option(
      names = "--max-file-bytes",
      defaultValue = "1048576",
      description = "Skip larger files (default: ${DEFAULT-VALUE}).")
  long maxFileBytes;

  @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
  boolean json;

  @Option(
      names = "--in-process",
      description =
          "Run the library in this process instead of the pipeline (no stack, no cache across runs).")
  boolean inProcess;

  @Option(
      names = "--repository",
      description =
          "Name of the repository in the bucket and the job id (default: the directory's name).")
  String repository;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(directory)) {
      System.err.println("error: " + directory + " is not a directory");
      return 2;
    }
    Map<String, String> env = System.getenv();
    ProviderSettings settings = ProviderSettings.fromEnvironment(env);
    if (provider != null) {
      settings = settings.withProvider(provider);
    }
    if (model != null) {
      settings = settings.withModel(model);
    }
    if (baseUrl != null) {
      settings = settings.withBaseUrl(baseUrl);
    }
    if (!inProcess) {
      if (!ProviderSettings.DEFAULT_PROVIDER.equals(settings.provider())) {
        try (EmbeddingProvider embeddings = EmbeddingProviders.create(settings)) {
          Optional<String> problem = ProviderCheck.problem(embeddings, describe(settings));
          if (problem.isPresent()) {
            System.err.println("error: " + problem.get());
            return 2;
          }
        }
      }
      return new PipelineRun(directory, settings, repository, maxFileBytes, json).call();
    }
    Instant started = Instant.now();
    try (EmbeddingProvider embeddings = EmbeddingProviders.create(settings);
        CancelOnInterrupt interrupt = new CancelOnInterrupt()) {
      Optional<String> problem = ProviderCheck.problem(embeddings, describe(settings));
      if (problem.isPresent()) {
        System.err.println("error: " + problem.get());
        return 2;
      }
      CodeChunker chunker =
          new CodeChunker(
              embeddings.tokenCounter(),
              ChunkingOptions.forProvider(embeddings.limits(), chunkTokens, 0));
      System.err.printf("Scanning %s ...%n", directory.toAbsolutePath().normalize());
      DirectoryChunks chunks =
          DirectoryChunks.scan(
              directory,
              new SourceWalker(maxFileBytes),
              chunker,
              PipelineSettings.from(PipelineSettings.systemLookup()).secrets());
      System.err.printf(
          "%,d chunks in %,d files; embedding with %s (%s)%n",
          chunks.size(), chunks.files().size(), settings.provider(), embeddings.model());

      BatchEmbeddingProcessor.Builder builder =
          BatchEmbeddingProcessor.builder().provider(embeddings).maxConcurrentBatches(concurrency);
      if (batchSize != null) {
        builder.batchSize(batchSize);
      }
      ProgressBar bar = ProgressBar.onStderr();
      AtomicReference<Progress> last = new AtomicReference<>();
      AtomicReference<Throwable> error = new AtomicReference<>();
      CountDownLatch done = new CountDownLatch(1);
      Cancellable subscription =
          builder
              .build()
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
              settings,
              embeddings,
              chunks,
              last.get(),
              interrupt.interrupted() ? "CANCELLED" : failure != null ? "FAILED" : null,
              failure,
              started);
      System.out.print(json ? summary.toJson() + "\n" : summary.toText());
      if (interrupt.interrupted()) {
        return CancelOnInterrupt.EXIT_CODE;
      }
      return "COMPLETED".equals(summary.status()) ? 0 : 1;
    }
  }

  /** "openai at http://..." or just the provider's name. */
  private static String describe(ProviderSettings settings) {
    return settings.provider() + (settings.baseUrl() == null ? "" : " at " + settings.baseUrl());
  }

  private String nothingToIndex(DirectoryChunks chunks) {
    return "nothing to index: no chunk in "
        + directory
        + " ("
        + chunks.files().size()
        + " files to read"
        + (chunks.skipped().isEmpty() ? "" : ", " + chunks.skipped().size() + " skipped")
        + ")";
  }

  private static IndexSummary summarize(
      ProviderSettings settings,
      EmbeddingProvider embeddings,
      DirectoryChunks chunks,
      Progress progress,
      String endedAs,
      String failure,
      Instant started) {
    double elapsed = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
    Progress p = progress != null ? progress : null;
    Map<String, Long> skipped = new TreeMap<>();
    chunks.skipCounts().forEach((reason, count) -> skipped.put(reason.name(), count));
    String status =
        endedAs != null
            ? endedAs
            : p != null && p.failed() > 0 ? "COMPLETED_WITH_FAILURES" : "COMPLETED";
    long done = p == null ? 0 : p.done();
    return new IndexSummary(
        "local-" + started.toEpochMilli(),
        status,
        failure,
        settings.provider(),
        embeddings.model(),
        chunks.files().size(),
        null,
        chunks.size(),
        p == null ? 0 : p.completed(),
        p == null ? 0 : p.failed(),
        p == null ? 0 : p.cached(),
        p == null ? 0 : p.batchesProcessed(),
        p == null ? 0 : p.apiCalls(),
        p == null ? 0 : p.apiCallsSaved(),
        p == null ? 0 : p.tokens(),
        p == null ? 0 : p.truncated(),
        io.signalhub.indexing.core.pricing.ModelPrices.estimateUsd(
                embeddings.model(), p == null ? 0 : p.tokens())
            .orElse(null),
        elapsed,
        elapsed > 0 ? done / elapsed : 0,
        skipped,
        p == null ? List.of() : p.failureSamples());
  }
}
