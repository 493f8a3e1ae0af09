package io.signalhub.indexing.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import io.signalhub.indexing.aws.dynamodb.DynamoRateBudget;
import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.LocalMiniLmProvider;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.ratelimit.LocalRateBudget;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.localstack.runtime.LocalStack;
import io.signalhub.indexing.simulator.DenseCode;
import io.signalhub.indexing.simulator.ScaledClock;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import io.signalhub.indexing.simulator.SimulatorStats;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code scripts/bench [--quick] [--json]}: every scenario side by side in one run, against one
 * simulated OpenAI-compatible provider, on one corpus. Prints a table (and JSON lines). Absolute
 * times drift on a shared machine; the ratios are measured in the same run and are what to read.
 */
public final class Bench {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int DIMENSIONS = 256;
  static final String MODEL = "text-embedding-3-small";

  /** Latency of the simulated provider: fixed per request plus per 1,000 tokens. */
  static final long FIXED_LATENCY_MS = 50;

  static final long LATENCY_PER_1K_TOKENS_MS = 15;

  private final boolean quick;
  private final boolean json;
  private final List<Result> results = new ArrayList<>();
  private double naiveRate;

  Bench(boolean quick, boolean json) {
    this.quick = quick;
    this.json = json;
  }

  public static void main(String[] args) throws Exception {
    List<String> flags = List.of(args);
    Bench bench = new Bench(flags.contains("--quick"), flags.contains("--json"));
    if (flags.contains("--quota")) {
      bench.quotaSmallerThanABatch(); // that scenario alone
      bench.print();
    } else if (flags.contains("--economy")) {
      bench.economy(Path.of(System.getProperty("signal-hub.root", "."))); // that scenario alone
      bench.print();
    } else {
      bench.run(Path.of(System.getProperty("signal-hub.root", ".")));
    }
    System.exit(0);
  }

  void run(Path repository) throws Exception {
    Corpus corpus = Corpus.build(repository, quick ? 300 : 10_000);
    log(
        "Corpus: %,d chunks, %,d tokens (%,d files; this repository plus generated, seed %d)",
        corpus.chunks.size(), corpus.tokens(), corpus.files.size(), Corpus.SEED);
    throughput(corpus);
    rateLimited(corpus);
    quotaSmallerThanABatch();
    cost(corpus);
    economyRows.add(EconomyBench.run(corpus));
    memory();
    localModel(corpus);
    print();
  }

  /** Rows of scenarios whose fields differ from {@link Result}'s (economy mode's price ratio). */
  private final List<com.fasterxml.jackson.databind.node.ObjectNode> economyRows =
      new java.util.ArrayList<>();

  /** A first full index on demand and in economy mode, alone (scripts/bench --economy). */
  void economy(Path repository) throws Exception {
    economyRows.add(EconomyBench.run(Corpus.build(repository, quick ? 100 : 2_000)));
  }

  // ---- 1. throughput: limits generous, latency realistic -------------------------------------

  private void throughput(Corpus corpus) throws Exception {
    SimulatorSettings settings =
        SimulatorSettings.builder()
            .dimensions(DIMENSIONS)
            .fixedLatencyMillis(FIXED_LATENCY_MS)
            .latencyMillisPerThousandTokens(LATENCY_PER_1K_TOKENS_MS)
            .build();
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
      EmbeddingProvider provider = provider(server);
      List<Chunk> naiveSample =
          corpus.chunks.subList(0, Math.min(corpus.chunks.size(), quick ? 60 : 600));
      measure(
          "throughput",
          "naive: 1 chunk/request, sequential",
          server,
          naiveSample,
          () -> {
            for (Chunk chunk : naiveSample) {
              provider.embed(List.of(chunk.text()));
            }
          },
          null);
      naiveRate = results.get(results.size() - 1).chunksPerSecond();
      measure(
          "throughput",
          "fixed batches of 100, sequential",
          server,
          corpus.chunks,
          () -> {
            for (int i = 0; i < corpus.chunks.size(); i += 100) {
              provider.embed(
                  corpus.chunks.subList(i, Math.min(corpus.chunks.size(), i + 100)).stream()
                      .map(Chunk::text)
                      .toList());
            }
          },
          null);
      List<TextSegment> segments =
          corpus.chunks.stream().map(c -> TextSegment.from(c.text())).toList();
      OpenAiEmbeddingModel peer = peer(server).maxRetries(0).build();
      measure(
          "throughput",
          "peer: LangChain4j OpenAiEmbeddingModel.embedAll, defaults",
          server,
          corpus.chunks,
          () -> peer.embedAll(segments),
          "langchain4j-open-ai 1.19.0");
      OpenAiEmbeddingModel tuned = peer(server).maxSegmentsPerBatch(256).build();
      measure(
          "throughput",
          "peer: LangChain4j embedAll, maxSegmentsPerBatch=256 by hand",
          server,
          corpus.chunks,
          () -> tuned.embedAll(segments),
          "256 x 512 tokens fits 300,000 tokens per request; the peer does not count tokens");
      BatchEmbeddingProcessor library =
          BatchEmbeddingProcessor.builder().provider(provider).build();
      measure(
          "throughput",
          "library: BatchEmbeddingProcessor defaults",
          server,
          corpus.chunks,
          () -> library.processWithProgress(corpus.chunks).collect().last().await().indefinitely(),
          "batchSize 100, 5 batches in flight");
      server.stats().reset();
      results.add(
          pipelineRun(
              "throughput",
              "pipeline: local stack, 4 embedders",
              server,
              corpus.files,
              Map.of("signal-hub.concurrency", "4", "signal-hub.embedding.batch-size", "100")));
    }
  }

  // ---- 2. rate limit binds --------------------------------------------------------------------

  private void rateLimited(Corpus corpus) throws Exception {
    long tpm = quick ? 180_000 : 1_200_000;
    long rpm = 3_000;
    // more tokens than one minute of budget: both sides' buckets start full, so the steady state
    // shows only after the first minute's worth has been spent
    List<Chunk> subset =
        corpus.chunks.subList(0, Math.min(corpus.chunks.size(), quick ? 700 : 8_000));
    SimulatorSettings settings =
        SimulatorSettings.builder()
            .dimensions(DIMENSIONS)
            .fixedLatencyMillis(FIXED_LATENCY_MS)
            .latencyMillisPerThousandTokens(LATENCY_PER_1K_TOKENS_MS)
            .requestsPerMinute(rpm)
            .tokensPerMinute(tpm)
            .build();
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
      BatchEmbeddingProcessor knowing =
          BatchEmbeddingProcessor.builder()
              .provider(provider(server))
              .requestsPerMinute(rpm)
              .tokensPerMinute(tpm)
              .maxRetries(8)
              .build();
      measureLimited(
          "library, limits configured (token buckets)",
          server,
          subset,
          tpm,
          () -> knowing.processWithProgress(subset).collect().last().await().indefinitely());
    }
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
      BatchEmbeddingProcessor blind =
          BatchEmbeddingProcessor.builder().provider(provider(server)).maxRetries(8).build();
      measureLimited(
          "library, limits not configured (learned from headers)",
          server,
          subset,
          tpm,
          () -> blind.processWithProgress(subset).collect().last().await().indefinitely());
    }
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
      Map<String, String> files = new java.util.LinkedHashMap<>();
      for (Chunk chunk : subset) {
        files.merge(chunk.path(), chunk.text(), (a, b) -> a + "\n" + b);
      }
      server.stats().reset();
      Result shared =
          pipelineRun(
              "rate-limit",
              "pipeline, 4 embedders sharing the DynamoDB budget",
              server,
              files,
              Map.of(
                  "signal-hub.concurrency",
                  "4",
                  "signal-hub.rate.tokens-per-minute",
                  Long.toString(tpm),
                  "signal-hub.rate.requests-per-minute",
                  Long.toString(rpm),
                  "signal-hub.retry.max-retries",
                  "8"));
      results.add(withUtilisation(shared, server, tpm));
    }
    sharedBudgetOverhead();
  }

  // ---- 2b. a quota smaller than one batch -----------------------------------------------------

  /**
   * A 40,000 tokens/min quota (a free-tier key, many Azure deployments) against default batches of
   * 100 chunks near 480 tokens (about 48,000 tokens: more than the provider ever accepts in one
   * request), limits not configured. Both sides run on a clock {@value #QUOTA_TIME_SCALE} times
   * faster than real time (simulator timeScale, client ScaledClock), so 24 minutes of quota take
   * about 72 s; seconds and chunks/s are simulated time. Targets: 0 failed, 429s at most 5% of
   * requests, time at most 1.5 × tokens ÷ quota.
   */
  private void quotaSmallerThanABatch() throws Exception {
    long quota = 40_000;
    List<Chunk> chunks =
        DenseCode.texts(quick ? 400 : 2_000, 480, Corpus.SEED).stream().map(Chunk::of).toList();
    for (SimulatorSettings.TooLarge shape : SimulatorSettings.TooLarge.values()) {
      if (quick && shape != SimulatorSettings.TooLarge.OPENAI_429) {
        continue;
      }
      SimulatorSettings settings =
          quotaSettings(quota, shape)
              .azure(shape == SimulatorSettings.TooLarge.AZURE_413)
              .apiKey(shape == SimulatorSettings.TooLarge.AZURE_413 ? "bench" : null)
              .build();
      try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
        boolean azure = shape == SimulatorSettings.TooLarge.AZURE_413;
        ScaledClock clock = new ScaledClock(QUOTA_TIME_SCALE);
        EmbeddingProvider provider =
            azure
                ? io.signalhub.indexing.core.provider.EmbeddingProviders.create(
                    new ProviderSettings(
                        "azure-openai",
                        MODEL,
                        DIMENSIONS,
                        null,
                        "bench",
                        null,
                        new ProviderSettings.Azure(server.azureEndpoint(), MODEL, null, null)))
                : provider(server);
        BatchEmbeddingProcessor processor =
            BatchEmbeddingProcessor.builder()
                .provider(provider)
                // Azure reports no limits, only what remains: its quota is configured
                .tokensPerMinute(azure ? quota : 0)
                .clock(clock)
                .sleeper(clock::sleep)
                .build();
        long started = clock.millis();
        var last = processor.processWithProgress(chunks).collect().last().await().indefinitely();
        double seconds = (clock.millis() - started) / 1000.0;
        results.add(
            quotaRow(
                "library, quota smaller than a batch ("
                    + shape.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + (azure ? ", azure-openai, quota configured" : ", limits learned")
                    + ")",
                chunks.size(),
                seconds,
                last.done(),
                last.failed(),
                server.stats(),
                quota));
      }
    }
    quotaPipeline(chunks, quota, SimulatorSettings.TooLarge.OPENAI_429);
    if (!quick) {
      quotaPipeline(chunks, quota, SimulatorSettings.TooLarge.BARE_413);
    }
  }

  /**
   * The same quota and chunks through the pipeline on the local stack: one file per chunk, 4
   * embedders learning the limits nobody configured and sharing them through DynamoDB, on the same
   * scaled clock. Time runs from the manifest's upload to COMPLETED, fan-out included.
   */
  private void quotaPipeline(List<Chunk> chunks, long quota, SimulatorSettings.TooLarge shape)
      throws Exception {
    SimulatorSettings settings = quotaSettings(quota, shape).build();
    Map<String, String> files = new java.util.LinkedHashMap<>();
    for (int i = 0; i < chunks.size(); i++) {
      files.put(String.format("dense/dense_%05d.py", i), chunks.get(i).text());
    }
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings)) {
      server.stats().reset();
      StackRun run =
          pipelineRun(
              "rate-limit",
              "pipeline, quota smaller than a batch ("
                  + (shape == SimulatorSettings.TooLarge.OPENAI_429 ? "openai 429" : "bare 413")
                  + ", limits learned)",
              server,
              files,
              Map.of("signal-hub.concurrency", "4"),
              new ScaledClock(QUOTA_TIME_SCALE));
      Result r = run.result();
      results.add(
          quotaRow(
              r.scenario(),
              r.chunks(),
              r.seconds(),
              run.job().path("completed").asLong(),
              run.job().path("failed").asLong(),
              server.stats(),
              quota));
    }
  }

  /** The simulator of the quota scenario: that quota, that answer to a too-large request. */
  private static SimulatorSettings.Builder quotaSettings(
      long quota, SimulatorSettings.TooLarge shape) {
    return SimulatorSettings.builder()
        .dimensions(DIMENSIONS)
        .fixedLatencyMillis(FIXED_LATENCY_MS)
        .tokensPerMinute(quota)
        .timeScale(QUOTA_TIME_SCALE)
        .tooLarge(shape);
  }

  /** A row of the quota scenario: failed, 429s as a share of requests, time over tokens ÷ quota. */
  private static Result quotaRow(
      String scenario,
      long chunks,
      double seconds,
      long done,
      long failed,
      SimulatorStats stats,
      long quota) {
    double ideal = stats.tokens() * 60.0 / quota;
    return new Result(
        "rate-limit",
        scenario,
        chunks,
        seconds,
        done / seconds,
        stats.requests(),
        stats.throttled(),
        stats.tokens(),
        null,
        stats.tokens() / (quota * seconds / 60.0),
        String.format(
            "%,d tpm quota, default batches of ~48,000 tokens; failed %d; 429s %.1f%% of"
                + " requests; %d refused as too large; time %.2f x tokens/quota;"
                + " clock x%.0f (simulated seconds)",
            quota,
            failed,
            100.0 * stats.throttled() / Math.max(1, stats.requests()),
            stats.tooLarge(),
            seconds / ideal,
            QUOTA_TIME_SCALE));
  }

  /** Simulated seconds per real second in the quota scenario. */
  private static final double QUOTA_TIME_SCALE = 20;

  /** What one take from the DynamoDB budget costs next to the in-process one. */
  private void sharedBudgetOverhead() throws Exception {
    int takes = quick ? 300 : 2_000;
    try (LocalStack stack =
        LocalStack.start(
            LocalStack.Ports.ANY,
            null,
            new ProviderSettings("openai", MODEL, DIMENSIONS, null, "bench", null),
            key -> Optional.empty())) {
      RateBudget shared =
          new DynamoRateBudget(
              stack.pipeline().dynamo(),
              stack.pipeline().settings().rateTable(),
              "overhead",
              Long.MAX_VALUE / 4,
              Long.MAX_VALUE / 4,
              Clock.systemUTC());
      RateBudget local =
          new LocalRateBudget(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4, Clock.systemUTC());
      double sharedMillis = millisPerTake(shared, takes);
      double localMillis = millisPerTake(local, takes);
      results.add(
          new Result(
              "rate-limit",
              "shared budget: one take from DynamoDB (Local) vs in process",
              takes,
              sharedMillis * takes / 1000,
              1000 / sharedMillis,
              takes,
              0,
              0,
              null,
              null,
              String.format(
                  "%.2f ms per take (one consistent read + one conditional write) vs %.4f ms in"
                      + " process; next to a 50 ms+ provider request",
                  sharedMillis, localMillis)));
    }
  }

  private static double millisPerTake(RateBudget budget, int takes) {
    for (int i = 0; i < 50; i++) {
      budget.tryTake(1); // warm-up
    }
    long start = System.nanoTime();
    for (int i = 0; i < takes; i++) {
      budget.tryTake(100);
    }
    return (System.nanoTime() - start) / 1e6 / takes;
  }

  private void measureLimited(
      String name, SimulatedEmbeddingServer server, List<Chunk> chunks, long tpm, Runnable work) {
    measure("rate-limit", name, server, chunks, work, null);
    results.add(withUtilisation(results.remove(results.size() - 1), server, tpm));
  }

  /**
   * Tokens served after the first minute's budget is spent, over the most the provider's token
   * bucket (full at the first request, refilled at tpm/60 per second) could have served from then
   * to the last response. Timed by the server's own log, so client start-up does not count.
   */
  private Result withUtilisation(Result r, SimulatedEmbeddingServer server, long tpm) {
    SimulatorStats stats = server.stats();
    long first = stats.firstServedNanos();
    long last = stats.lastServedNanos() + 1;
    long steady = firstNanosAfter(stats, first, last, tpm);
    double window = (last - steady) / 1e9;
    Double utilisation = null;
    if (first >= 0 && steady >= 0 && window >= 3) {
      double perSecond = tpm / 60.0;
      double stockAtSteady =
          Math.min(
              tpm,
              tpm + perSecond * (steady - first) / 1e9 - stats.tokensServedBetween(first, steady));
      utilisation = stats.tokensServedBetween(steady, last) / (stockAtSteady + perSecond * window);
    }
    return r.withUtilisation(
        utilisation,
        "provider tpm "
            + tpm
            + (utilisation == null
                ? "; finished inside the first minute's budget"
                : String.format(
                    "; utilisation over the %.0f s after the first minute's budget", window)));
  }

  /** When the tokens served since {@code start} first reach one minute's budget (-1 if never). */
  private static long firstNanosAfter(SimulatorStats stats, long start, long end, long tpm) {
    long step = Duration.ofMillis(100).toNanos();
    for (long t = start; t < end; t += step) {
      if (stats.tokensServedBetween(start, t) >= tpm) {
        return t;
      }
    }
    return -1;
  }

  // ---- 3. cost of a re-index after a 1% change ------------------------------------------------

  private void cost(Corpus corpus) throws Exception {
    SimulatorSettings settings = SimulatorSettings.builder().dimensions(DIMENSIONS).build();
    try (SimulatedEmbeddingServer server = SimulatedEmbeddingServer.start(settings);
        LocalStack stack =
            LocalStack.start(
                LocalStack.Ports.ANY,
                null,
                new ProviderSettings("openai", MODEL, DIMENSIONS, server.baseUrl(), "bench", null),
                key -> Optional.empty())) {
      Result full = indexOnStack(stack, server, "cost", "full index", corpus.files, "cost-full");
      Map<String, String> changed = new java.util.LinkedHashMap<>(corpus.files);
      int toChange = Math.max(1, corpus.files.size() / 100);
      int i = 0;
      for (String path : new ArrayList<>(changed.keySet())) {
        if (path.startsWith("generated/") && i++ < toChange) {
          changed.put(path, changed.get(path).replaceFirst("return ", "return 1 + "));
        }
      }
      Result reindex =
          indexOnStack(
              stack,
              server,
              "cost",
              "re-index after changing 1% of files (" + toChange + ")",
              changed,
              "cost-reindex");
      double share = full.tokens() == 0 ? 0 : 100.0 * reindex.tokens() / full.tokens();
      results.add(
          new Result(
              "cost",
              "re-index vs full: tokens billed",
              reindex.chunks(),
              reindex.seconds(),
              reindex.chunksPerSecond(),
              reindex.requests(),
              reindex.status429(),
              reindex.tokens(),
              null,
              null,
              String.format(
                  "%.2f%% of the full index's tokens, %.2f%% of its requests; $%.6f vs $%.6f at $0.02/1M tokens (text-embedding-3-small, openai.com/api/pricing)",
                  share,
                  full.requests() == 0 ? 0 : 100.0 * reindex.requests() / full.requests(),
                  reindex.tokens() * 0.02 / 1e6,
                  full.tokens() * 0.02 / 1e6)));
    }
  }

  // ---- 4. memory -------------------------------------------------------------------------------

  private void memory() throws Exception {
    int files = quick ? 100_000 : 1_000_000;
    results.add(MemoryProbe.runChild("fanout", files));
    results.add(MemoryProbe.runChild("library", quick ? 30_000 : 100_000));
  }

  // ---- 5. the embedded model ------------------------------------------------------------------

  private void localModel(Corpus corpus) throws Exception {
    List<Chunk> sample = new ArrayList<>();
    try (LocalMiniLmProvider local = new LocalMiniLmProvider()) {
      // rechunk for the model's 128-wordpiece limit: the library truncates longer chunks by policy
      for (Chunk chunk :
          corpus.chunks.subList(0, Math.min(corpus.chunks.size(), quick ? 200 : 1000))) {
        sample.add(Chunk.of(local.tokenCounter().truncate(chunk.text(), 128)));
      }
      long start = System.nanoTime();
      for (Chunk chunk : sample) {
        local.embed(List.of(chunk.text()));
      }
      double oneByOne = sample.size() / ((System.nanoTime() - start) / 1e9);
      results.add(
          new Result(
              "local-model",
              "one chunk at a time",
              sample.size(),
              sample.size() / oneByOne,
              oneByOne,
              sample.size(),
              0,
              0,
              1.0,
              null,
              "all-MiniLM-L6-v2 (quantized), in process"));
      var stock =
          new dev.langchain4j.model.embedding.onnx.allminilml6v2q
              .AllMiniLmL6V2QuantizedEmbeddingModel();
      start = System.nanoTime();
      stock.embedAll(sample.stream().map(c -> TextSegment.from(c.text())).toList());
      double defaultRate = sample.size() / ((System.nanoTime() - start) / 1e9);
      results.add(
          new Result(
              "local-model",
              "the model's default embedAll",
              sample.size(),
              sample.size() / defaultRate,
              defaultRate,
              1,
              0,
              0,
              defaultRate / oneByOne,
              null,
              "langchain4j's default ONNX session and executor"));
      BatchEmbeddingProcessor library = BatchEmbeddingProcessor.builder().provider(local).build();
      start = System.nanoTime();
      library.processWithProgress(sample).collect().last().await().indefinitely();
      double libraryRate = sample.size() / ((System.nanoTime() - start) / 1e9);
      results.add(
          new Result(
              "local-model",
              "library batching (1 intra-op thread per call, calls in parallel)",
              sample.size(),
              sample.size() / libraryRate,
              libraryRate,
              (sample.size() + 63) / 64,
              0,
              0,
              libraryRate / oneByOne,
              null,
              "batches of 64, " + Runtime.getRuntime().availableProcessors() + " parallel calls"));
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static EmbeddingProvider provider(SimulatedEmbeddingServer server) {
    return OpenAiCompatibleProvider.builder()
        .baseUrl(server.baseUrl())
        .apiKey("bench")
        .model(MODEL)
        .dimensions(DIMENSIONS)
        .timeout(Duration.ofMinutes(2))
        .build();
  }

  /** LangChain4j's OpenAI client pointed at the simulator, otherwise with its defaults. */
  private static OpenAiEmbeddingModel.OpenAiEmbeddingModelBuilder peer(
      SimulatedEmbeddingServer server) {
    return OpenAiEmbeddingModel.builder()
        .baseUrl(server.baseUrl().toString())
        .apiKey("bench")
        .modelName(MODEL)
        .dimensions(DIMENSIONS)
        .timeout(Duration.ofMinutes(5));
  }

  private void measure(
      String part,
      String name,
      SimulatedEmbeddingServer server,
      List<Chunk> chunks,
      Runnable work,
      String note) {
    server.stats().reset();
    log("%s / %s: %,d chunks ...", part, name, chunks.size());
    long start = System.nanoTime();
    boolean failed = false;
    try {
      work.run();
    } catch (RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      note = "FAILED: " + (message.length() > 160 ? message.substring(0, 160) + "..." : message);
      failed = true;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // a run that failed embedded nothing it can be credited for
    double rate = failed ? 0 : chunks.size() / seconds;
    results.add(
        new Result(
            part,
            name,
            chunks.size(),
            seconds,
            rate,
            server.stats().requests(),
            server.stats().throttled(),
            server.stats().tokens(),
            failed
                ? null
                : naiveRate > 0 ? rate / naiveRate : (name.startsWith("naive") ? 1.0 : null),
            null,
            note));
  }

  private Result pipelineRun(
      String part,
      String name,
      SimulatedEmbeddingServer server,
      Map<String, String> files,
      Map<String, String> config)
      throws Exception {
    return pipelineRun(part, name, server, files, config, null).result();
  }

  /** A job's row and the status API's last view of the job. */
  private record StackRun(Result result, com.fasterxml.jackson.databind.JsonNode job) {}

  /**
   * A fresh local stack indexing {@code files}; with a {@code clock}, the pipeline and its
   * embedders' waits run on it and seconds are its (simulated) seconds.
   */
  private StackRun pipelineRun(
      String part,
      String name,
      SimulatedEmbeddingServer server,
      Map<String, String> files,
      Map<String, String> config,
      ScaledClock clock)
      throws Exception {
    log("%s / %s ...", part, name);
    try (LocalStack stack =
        LocalStack.start(
            LocalStack.Ports.ANY,
            null,
            new ProviderSettings("openai", MODEL, DIMENSIONS, server.baseUrl(), "bench", null),
            key -> Optional.ofNullable(config.get(key)),
            clock == null ? Clock.systemUTC() : clock,
            clock == null ? io.signalhub.indexing.core.retry.Sleeper.system() : clock::sleep)) {
      return runOnStack(
          stack,
          server,
          part,
          name,
          files,
          part + "-" + System.nanoTime(),
          clock == null ? 1 : clock.scale());
    }
  }

  private Result indexOnStack(
      LocalStack stack,
      SimulatedEmbeddingServer server,
      String part,
      String name,
      Map<String, String> files,
      String jobId)
      throws Exception {
    return runOnStack(stack, server, part, name, files, jobId, 1).result();
  }

  /**
   * Uploads files and a manifest with the S3 SDK and times the job to COMPLETED through the status
   * API; seconds are real ones times {@code timeScale}.
   */
  private StackRun runOnStack(
      LocalStack stack,
      SimulatedEmbeddingServer server,
      String part,
      String name,
      Map<String, String> files,
      String jobId,
      double timeScale)
      throws Exception {
    var s3 = stack.pipeline().s3();
    StringBuilder list = new StringBuilder();
    files.forEach(
        (path, text) -> {
          byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
          s3.putObject(
              r -> r.bucket(stack.bucket()).key("sources/bench/" + path),
              RequestBody.fromBytes(bytes));
          list.append(list.length() == 0 ? "" : ",")
              .append("{\"path\":\"")
              .append(path)
              .append("\",\"sha256\":\"")
              .append(Chunk.sha256Hex(bytes))
              .append("\",\"size\":")
              .append(bytes.length)
              .append('}');
        });
    long requestsBefore = server.stats().requests();
    long throttledBefore = server.stats().throttled();
    long tokensBefore = server.stats().tokens();
    long start = System.nanoTime();
    s3.putObject(
        r -> r.bucket(stack.bucket()).key("manifests/" + jobId + ".json"),
        RequestBody.fromString(
            "{\"version\":1,\"repository\":\"bench\",\"sources\":{\"prefix\":\"sources/bench/\"},\"files\":["
                + list
                + "]}"));
    HttpClient http = HttpClient.newHttpClient();
    com.fasterxml.jackson.databind.JsonNode job;
    double fanOutSeconds = -1;
    while (true) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(stack.statusUrl() + "/jobs/" + jobId)).build(),
              HttpResponse.BodyHandlers.ofString());
      job = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
      if (job != null && fanOutSeconds < 0 && job.path("totalFinal").asBoolean()) {
        fanOutSeconds = (System.nanoTime() - start) / 1e9 * timeScale;
      }
      if (job != null
          && io.signalhub.indexing.core.job.JobStatus.valueOf(job.path("status").asText())
              .terminal()) {
        break;
      }
      Thread.sleep(100);
    }
    double seconds = (System.nanoTime() - start) / 1e9 * timeScale;
    long chunks = job.path("total").asLong();
    double rate = chunks / seconds;
    Result result =
        new Result(
            part,
            name,
            chunks,
            seconds,
            rate,
            server.stats().requests() - requestsBefore,
            server.stats().throttled() - throttledBefore,
            server.stats().tokens() - tokensBefore,
            naiveRate > 0 ? rate / naiveRate : null,
            null,
            String.format(
                "%s, %d cached; time from manifest upload to COMPLETED; fan-out of %,d files took"
                    + " %.1f s (%,.0f files/min)",
                job.path("status").asText(),
                job.path("cached").asLong(),
                files.size(),
                fanOutSeconds,
                files.size() / fanOutSeconds * 60));
    return new StackRun(result, job);
  }

  private void print() throws Exception {
    if (json) {
      for (Result r : results) {
        System.out.println(JSON.writeValueAsString(r));
      }
      for (var row : economyRows) {
        System.out.println(JSON.writeValueAsString(row));
      }
      return;
    }
    for (var row : economyRows) {
      System.out.printf(
          "%n%-12s %s%n%-12s   %,d chunks; same chunks %s, same vectors %s; on demand $%.6f in"
              + " %.1f s, economy $%.6f in %.1f s (%d provider batches): price %.2fx%n",
          row.path("part").asText(),
          row.path("scenario").asText(),
          "",
          row.path("chunks").asLong(),
          row.path("sameChunks").asBoolean(),
          row.path("sameVectors").asBoolean(),
          row.path("onDemandUsd").asDouble(),
          row.path("onDemandSeconds").asDouble(),
          row.path("economyUsd").asDouble(),
          row.path("seconds").asDouble(),
          row.path("providerBatches").asLong(),
          row.path("priceRatioVsOnDemand").asDouble());
    }
    System.out.printf(
        "%n%-12s %-62s %9s %9s %10s %8s %6s %11s %8s %7s%n",
        "part",
        "scenario",
        "chunks",
        "seconds",
        "chunks/s",
        "requests",
        "429s",
        "tokens",
        "vs naive",
        "util.");
    for (Result r : results) {
      System.out.printf(
          "%-12s %-62s %,9d %9.1f %,10.1f %,8d %,6d %,11d %8s %7s%n",
          r.part(),
          r.scenario(),
          r.chunks(),
          r.seconds(),
          r.chunksPerSecond(),
          r.requests(),
          r.status429(),
          r.tokens(),
          r.ratioVsNaive() == null ? "" : String.format("%.1fx", r.ratioVsNaive()),
          r.rateLimitUtilisation() == null
              ? ""
              : String.format("%.1f%%", 100 * r.rateLimitUtilisation()));
      if (r.note() != null) {
        System.out.printf("%-12s   %s%n", "", r.note());
      }
    }
  }

  static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
