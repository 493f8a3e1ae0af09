package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.source.DirectoryChunks;
import io.signalhub.indexing.core.source.SkipReason;
import io.signalhub.indexing.core.source.SourceWalker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
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
          "local, openai, azure-openai or bedrock (default: local, or"
              + " SIGNAL_HUB_EMBEDDING_PROVIDER). azure-openai reads AZURE_OPENAI_ENDPOINT,"
              + " AZURE_OPENAI_DEPLOYMENT, AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN).")
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

  @Option(
      names = "--requests-per-minute",
      description =
          "The provider's requests/min quota, for --in-process (default:"
              + " signal-hub.rate.requests-per-minute, else learned from its headers).")
  Long requestsPerMinute;

  @Option(
      names = "--tokens-per-minute",
      description =
          "The provider's tokens/min quota, for --in-process: no request carries more (default:"
              + " signal-hub.rate.tokens-per-minute, else learned from its headers).")
  Long tokensPerMinute;

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
      return new PipelineRun(directory, settings, repository, maxFileBytes, json).call();
    }
    Instant started = Instant.now();
    try (EmbeddingProvider embeddings = EmbeddingProviders.create(settings)) {
      CodeChunker chunker =
          new CodeChunker(
              embeddings.tokenCounter(),
              ChunkingOptions.forProvider(embeddings.limits(), chunkTokens, 0));
      System.err.printf("Scanning %s ...%n", directory.toAbsolutePath().normalize());
      DirectoryChunks chunks =
          DirectoryChunks.scan(directory, new SourceWalker(maxFileBytes), chunker);
      System.err.printf(
          "%,d chunks in %,d files; embedding with %s (%s)%n",
          chunks.size(), chunks.files().size(), settings.provider(), embeddings.model());

      PipelineSettings configured = PipelineSettings.from(PipelineSettings.systemLookup());
      BatchEmbeddingProcessor.Builder builder =
          BatchEmbeddingProcessor.builder()
              .provider(embeddings)
              .maxConcurrentBatches(concurrency)
              .requestsPerMinute(
                  requestsPerMinute != null ? requestsPerMinute : configured.requestsPerMinute())
              .tokensPerMinute(
                  tokensPerMinute != null ? tokensPerMinute : configured.tokensPerMinute());
      if (batchSize != null) {
        builder.batchSize(batchSize);
      }
      ProgressBar bar = ProgressBar.onStderr();
      AtomicReference<Progress> last = new AtomicReference<>();
      String failure = null;
      try {
        builder
            .build()
            .processWithProgress(chunks)
            .subscribe()
            .asStream()
            .forEach(
                progress -> {
                  last.set(progress);
                  bar.update(progress);
                });
      } catch (RuntimeException e) {
        failure = e.getMessage();
      }
      bar.finish();
      IndexSummary summary = summarize(settings, embeddings, chunks, last.get(), failure, started);
      System.out.print(json ? summary.toJson() + "\n" : summary.toText());
      return "COMPLETED".equals(summary.status()) ? 0 : 1;
    }
  }

  private static IndexSummary summarize(
      ProviderSettings settings,
      EmbeddingProvider embeddings,
      DirectoryChunks chunks,
      Progress progress,
      String failure,
      Instant started) {
    double elapsed = (Instant.now().toEpochMilli() - started.toEpochMilli()) / 1000.0;
    Progress p = progress != null ? progress : null;
    Map<String, Long> skipped =
        chunks.skipped().values().stream()
            .collect(Collectors.groupingBy(SkipReason::name, TreeMap::new, Collectors.counting()));
    String status =
        failure != null
            ? "FAILED"
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
