package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderCheck;
import io.signalhub.indexing.core.provider.ProviderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code signal-hub index <dir>}: chunk and embed a directory, with a live progress bar. */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    description =
        "Index a directory: upload its sources and a manifest, let the pipeline chunk and"
            + " embed them, follow the job with a live progress bar. Uses the stack named by"
            + " SIGNAL_HUB_STATUS_URL, or the one 'scripts/local-stack up' runs, or starts a local"
            + " one for this run.")
public final class IndexCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory to index.")
  Path directory;

  @Option(
      names = "--provider",
      description =
          "local, openai, azure-openai or bedrock (default: local, or"
              + " SIGNAL_HUB_EMBEDDING_PROVIDER). azure-openai reads AZURE_OPENAI_ENDPOINT,"
              + " AZURE_OPENAI_DEPLOYMENT, AZURE_OPENAI_API_KEY (or AZURE_OPENAI_AD_TOKEN). With a"
              + " running local stack it must match what the stack embeds with.")
  String provider;

  @Option(
      names = "--model",
      description = "Model id (default: the provider's default, or SIGNAL_HUB_EMBEDDING_MODEL).")
  String model;

  @Option(
      names = "--base-url",
      description =
          "The provider's endpoint: openai's OpenAI-compatible base URL (default: OPENAI_BASE_URL,"
              + " else api.openai.com), or bedrock's endpoint override; refused for the others.")
  java.net.URI baseUrl;

  @Option(
      names = "--batch-size",
      description =
          "Most chunks per request, 1-2048 (default: 100, or SIGNAL_HUB_EMBEDDING_BATCH_SIZE;"
              + " the provider's limit may lower it).")
  Integer batchSize;

  @Option(
      names = "--concurrency",
      description =
          "Batches of this job embedded at once, 1-64 (default: 4, or SIGNAL_HUB_CONCURRENCY; on a"
              + " running local stack at most its own).")
  Integer concurrency;

  @Option(
      names = "--chunk-tokens",
      description =
          "Most tokens per chunk, 16-8192 (default: 512, capped by the model: 128 for the local"
              + " model).")
  Integer chunkTokens;

  @Option(
      names = "--max-file-bytes",
      defaultValue = "1048576",
      description = "Skip larger files (default: ${DEFAULT-VALUE}).")
  long maxFileBytes;

  @Option(
      names = "--requests-per-minute",
      description =
          "The provider's requests/min quota, for --in-process (default:"
              + " SIGNAL_HUB_RATE_REQUESTS_PER_MINUTE, else learned from its headers).")
  Long requestsPerMinute;

  @Option(
      names = "--tokens-per-minute",
      description =
          "The provider's tokens/min quota, for --in-process: no request carries more (default:"
              + " SIGNAL_HUB_RATE_TOKENS_PER_MINUTE, else learned from its headers).")
  Long tokensPerMinute;

  @Option(
      names = "--economy",
      description =
          "Embed through the provider's batch API at half the price (openai; results within 24 h,"
              + " often minutes): prints the job id and how to follow it. Needs a stack, not"
              + " --in-process.")
  boolean economy;

  @Option(
      names = "--detach",
      description = "Start the job, print its id and return without following it.")
  boolean detach;

  @Option(names = "--json", description = "Print the summary as one JSON object on stdout.")
  boolean json;

  @Option(
      names = "--in-process",
      description =
          "Run the library in this process instead of the pipeline (no stack, no cache"
              + " across runs).")
  boolean inProcess;

  @Option(
      names = "--repository",
      description =
          "Name of the repository in the bucket and the job id (default: the directory's name).")
  String repository;

  /**
   * Checks every option before any work starts.
   *
   * @return the names of the job the stack path starts; null with --in-process
   */
  private JobName validate() {
    if (!Files.exists(directory)) {
      throw new UsageException(directory + " does not exist");
    }
    if (!Files.isDirectory(directory)) {
      throw new UsageException(directory + " is a file, not a directory; pass the directory");
    }
    Options.range("--batch-size", batchSize, 1, 2048);
    Options.range("--concurrency", concurrency, 1, 64);
    Options.range("--chunk-tokens", chunkTokens, 16, 8192);
    if (inProcess && (economy || detach)) {
      throw new UsageException(
          "--economy and --detach need a stack (scripts/local-stack up, or a deployed one): the"
              + " provider's batches are followed by the stack's poller, not by this process");
    }
    if (inProcess && repository != null) {
      throw new UsageException(
          "--repository names the job and its sources on a stack; --in-process stores neither:"
              + " drop one of them");
    }
    Options.atLeast("--max-file-bytes", maxFileBytes, 1);
    if (!inProcess && (requestsPerMinute != null || tokensPerMinute != null)) {
      throw new UsageException(
          "--requests-per-minute and --tokens-per-minute act with --in-process; a stack's embedders"
              + " share the quota it was started with (SIGNAL_HUB_RATE_REQUESTS_PER_MINUTE,"
              + " SIGNAL_HUB_RATE_TOKENS_PER_MINUTE, or -c requestsPerMinute=/tokensPerMinute= when"
              + " deployed)");
    }
    return inProcess ? null : JobName.of(repository, directory);
  }

  /** The provider flags given on the command line, which must act or be refused. */
  private List<String> providerFlags() {
    List<String> flags = new java.util.ArrayList<>();
    if (provider != null) {
      flags.add("--provider");
    }
    if (model != null) {
      flags.add("--model");
    }
    if (baseUrl != null) {
      flags.add("--base-url");
    }
    return flags;
  }

  @Override
  public Integer call() throws Exception {
    JobName name = validate();
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
    if (baseUrl != null) {
      Options.baseUrlActsOn(settings.provider());
    }
    Options.validateProvider(settings);
    if (!inProcess) {
      if (!ProviderSettings.DEFAULT_PROVIDER.equals(settings.provider())) {
        try (EmbeddingProvider embeddings = EmbeddingProviders.create(settings)) {
          if (unusable(embeddings, settings)) {
            return 2;
          }
        }
      }
      return new PipelineRun(
              directory,
              new StackConnection.Request(
                  settings,
                  detach ? StackConnection.Use.DETACHED_JOB : StackConnection.Use.JOB,
                  providerFlags(),
                  concurrency,
                  economy,
                  env),
              new PipelineRun.JobOptions(chunkTokens, batchSize, concurrency, economy, detach),
              name,
              maxFileBytes,
              json)
          .call();
    }
    return new InProcessRun(this, settings, env).call();
  }

  /**
   * Whether the provider cannot embed (no key, unreachable, unknown model): says why on stderr, so
   * no file is uploaded or read for nothing.
   */
  static boolean unusable(EmbeddingProvider embeddings, ProviderSettings settings) {
    Optional<String> problem = ProviderCheck.problem(embeddings, ProviderCheck.where(settings));
    problem.ifPresent(why -> System.err.println("error: " + why));
    return problem.isPresent();
  }
}
