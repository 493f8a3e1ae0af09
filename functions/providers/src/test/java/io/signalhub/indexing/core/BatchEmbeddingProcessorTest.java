package io.signalhub.indexing.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.cache.InMemoryEmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchEmbeddingProcessorTest {

  private static final int DIMENSIONS = 32;
  private final MutableClock clock = new MutableClock();
  private SimulatedEmbeddingServer server;

  private BatchEmbeddingProcessor.Builder processorFor(SimulatorSettings.Builder settings)
      throws Exception {
    server = SimulatedEmbeddingServer.start(settings.shuffleResponseOrder(true).build());
    var provider =
        OpenAiCompatibleProvider.builder()
            .baseUrl(server.baseUrl())
            .dimensions(DIMENSIONS)
            .timeout(Duration.ofSeconds(10))
            .build();
    return BatchEmbeddingProcessor.builder()
        .provider(provider)
        .clock(clock)
        .sleeper(clock.sleeper())
        .random(() -> 1.0);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static List<Chunk> chunks(int count) {
    return IntStream.range(0, count).mapToObj(i -> Chunk.of("chunk number " + i)).toList();
  }

  private static float[] expected(Chunk chunk) {
    return SimulatedEmbeddingServer.vectorFor(chunk.text(), DIMENSIONS);
  }

  /** Every progress value of a run, the final one last. */
  private static List<Progress> progressOf(
      BatchEmbeddingProcessor processor, Iterable<Chunk> chunks) {
    return processor.processWithProgress(chunks).collect().asList().await().indefinitely();
  }

  private static Progress last(List<Progress> progress) {
    return progress.get(progress.size() - 1);
  }

  @Test
  void returnsEveryVectorInInputOrderUsingFewRequests() throws Exception {
    List<Chunk> input = chunks(250);
    var processor = processorFor(SimulatorSettings.builder()).batchSize(100).build();

    List<float[]> vectors = processor.processChunks(input, progress -> {});

    assertThat(vectors).hasSize(250);
    for (int i = 0; i < input.size(); i++) {
      assertThat(vectors.get(i)).containsExactly(expected(input.get(i)));
    }
    assertThat(server.stats().served()).isEqualTo(3);
  }

  @Test
  void emitsOneProgressPerBatchEndingComplete() throws Exception {
    var processor = processorFor(SimulatorSettings.builder()).batchSize(10).build();

    List<Progress> progress = progressOf(processor, chunks(95));

    assertThat(progress).hasSize(10);
    Progress last = last(progress);
    assertThat(last.finished()).isTrue();
    assertThat(last.total()).isEqualTo(95);
    assertThat(last.completed()).isEqualTo(95);
    assertThat(last.failed()).isZero();
    assertThat(last.batchesProcessed()).isEqualTo(10);
    assertThat(last.apiCalls()).isEqualTo(10);
    assertThat(last.apiCallsSaved()).isEqualTo(85);
    assertThat(last.tokens()).isEqualTo(server.stats().tokens());
    assertThat(last.percent()).isEqualTo(100.0);
    assertThat(progress).extracting(Progress::done).isSorted();
  }

  @Test
  void splitsABatchToIsolateTheOneRejectedInput() throws Exception {
    List<Chunk> input = new ArrayList<>(chunks(40));
    input.set(17, Chunk.of("POISON input the provider refuses"));
    var processor =
        processorFor(SimulatorSettings.builder().rejectInput(text -> text.startsWith("POISON")))
            .batchSize(40)
            .build();

    assertThatThrownBy(() -> processor.processChunks(input, p -> {}))
        .isInstanceOfSatisfying(
            PartialEmbeddingFailureException.class,
            e -> {
              assertThat(e.failures()).hasSize(1);
              assertThat(e.failures().get(0)).contains("Invalid input");
              assertThat(e.vectors().get(17)).isNull();
              for (int i = 0; i < input.size(); i++) {
                if (i != 17) {
                  assertThat(e.vectors().get(i)).containsExactly(expected(input.get(i)));
                }
              }
            });
    // 1 rejected + log2(40) splits, far fewer than 40 single calls
    assertThat(server.stats().requests()).isLessThanOrEqualTo(1 + 2 * 6);
  }

  @Test
  void retriesThrottlesHonouringRetryAfterWithoutLosingChunks() throws Exception {
    var processor =
        processorFor(SimulatorSettings.builder()).batchSize(10).maxConcurrentBatches(1).build();
    server.failNext(429, "Rate limit reached", Map.of("Retry-After", "3"));
    server.failNext(500, "boom", Map.of());

    List<Progress> progress = progressOf(processor, chunks(30));

    Progress last = last(progress);
    assertThat(last.completed()).isEqualTo(30);
    assertThat(last.retries()).isEqualTo(2);
    assertThat(last.throttled()).isEqualTo(1);
    assertThat(clock.sleeps()).contains(Duration.ofSeconds(3));
  }

  @Test
  void givesUpOnABatchAfterMaxRetriesAndCountsItsChunksFailed() throws Exception {
    var processor =
        processorFor(SimulatorSettings.builder())
            .batchSize(5)
            .maxConcurrentBatches(1)
            .maxRetries(1)
            .build();
    server.failNext(503, "down", Map.of());
    server.failNext(503, "down", Map.of());

    List<Progress> progress = progressOf(processor, chunks(10));

    Progress last = last(progress);
    assertThat(last.failed()).isEqualTo(5);
    assertThat(last.completed()).isEqualTo(5);
    assertThat(last.finished()).isTrue();
    assertThat(last.failureSamples().get(0)).contains("gave up after retries").contains("503");
  }

  @Test
  void aFatalErrorStopsTheRunWithItsMessage() throws Exception {
    var processor = processorFor(SimulatorSettings.builder()).build();
    server.failNext(401, "Incorrect API key provided", Map.of());

    assertThatThrownBy(() -> processor.processChunks(chunks(3), p -> {}))
        .isInstanceOf(EmbeddingException.class)
        .hasMessageContaining("OPENAI_API_KEY");
  }

  @Test
  void identicalTextsInARunAreEmbeddedOnce() throws Exception {
    List<Chunk> input = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      input.add(Chunk.of("same text " + (i % 6)));
    }
    var processor = processorFor(SimulatorSettings.builder()).batchSize(4).build();

    List<float[]> vectors = processor.processChunks(input, p -> {});

    assertThat(server.stats().inputs()).isEqualTo(6);
    for (int i = 0; i < input.size(); i++) {
      assertThat(vectors.get(i)).containsExactly(expected(input.get(i)));
    }
  }

  @Test
  void aSecondRunOverTheSameChunksCostsNoApiCall() throws Exception {
    var cache = new InMemoryEmbeddingCache(10_000);
    var processor = processorFor(SimulatorSettings.builder()).cache(cache).batchSize(50).build();
    processor.processChunks(chunks(120), p -> {});
    long callsAfterFirstRun = server.stats().requests();

    List<Progress> second = progressOf(processor, chunks(120));

    assertThat(server.stats().requests()).isEqualTo(callsAfterFirstRun);
    Progress last = last(second);
    assertThat(last.cached()).isEqualTo(120);
    assertThat(last.completed()).isEqualTo(120);
    assertThat(last.apiCalls()).isZero();
  }

  @Test
  void anOversizedChunkIsTruncatedOrFailedByPolicyAndReported() throws Exception {
    String huge = "word ".repeat(20_000);
    var truncating = processorFor(SimulatorSettings.builder()).build();
    List<Progress> progress = progressOf(truncating, List.of(Chunk.of(huge)));
    assertThat(last(progress).truncated()).isEqualTo(1);
    assertThat(last(progress).completed()).isEqualTo(1);
    stop();

    var failing =
        processorFor(SimulatorSettings.builder()).oversizePolicy(OversizePolicy.FAIL).build();
    assertThatThrownBy(() -> failing.processChunks(List.of(Chunk.of(huge)), p -> {}))
        .isInstanceOf(PartialEmbeddingFailureException.class)
        .hasMessageContaining("over the model's limit of 8192");
  }

  @Test
  void pullsChunksLazilyWithBoundedWorkInFlight() throws Exception {
    AtomicInteger pulled = new AtomicInteger();
    AtomicInteger maxAhead = new AtomicInteger();
    List<Long> resultsSeen = new CopyOnWriteArrayList<>();
    Iterable<Chunk> endless =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return pulled.get() < 5000;
              }

              @Override
              public Chunk next() {
                int n = pulled.incrementAndGet();
                maxAhead.accumulateAndGet(n - resultsSeen.size(), Math::max);
                return Chunk.of("lazy " + n);
              }
            };
    var processor =
        processorFor(SimulatorSettings.builder())
            .batchSize(10)
            .maxConcurrentBatches(2)
            .onResult(result -> resultsSeen.add(result.ordinal()))
            .build();

    List<Progress> progress = progressOf(processor, endless);

    assertThat(resultsSeen).hasSize(5000);
    // never more than a few batches' worth pulled ahead of finished results
    assertThat(maxAhead.get()).isLessThanOrEqualTo(10 * 2 * 3);
    Progress last = last(progress);
    assertThat(last.totalFinal()).isTrue();
    assertThat(last.total()).isEqualTo(5000);
    assertThat(progress.get(0).etaProvisional()).isTrue();
  }

  @Test
  void theOriginalConstructorShapeStillWorks() throws Exception {
    server = SimulatedEmbeddingServer.start(SimulatorSettings.builder().build());
    var provider =
        OpenAiCompatibleProvider.builder().baseUrl(server.baseUrl()).dimensions(DIMENSIONS).build();
    var processor = new BatchEmbeddingProcessor(100, 3, Duration.ofSeconds(1), 5, provider);
    assertThat(processor.processChunks(chunks(3), p -> {})).hasSize(3).doesNotContainNull();
    assertThat(processor.batchBounds().maxItems()).isEqualTo(100);
  }

  @Test
  void theBatchSizeVariableFixesTheBatchSizeAndAnExplicitOneWins() throws Exception {
    var environment = java.util.Map.of("SIGNAL_HUB_EMBEDDING_BATCH_SIZE", " 7 ");
    var fromEnvironment = processorFor(SimulatorSettings.builder()).build(environment);
    assertThat(fromEnvironment.batchBounds().maxItems()).isEqualTo(7);
    assertThat(fromEnvironment.processChunks(chunks(15), p -> {})).hasSize(15);
    assertThat(server.stats().requests()).isEqualTo(3); // 7 + 7 + 1
    var explicit = BatchEmbeddingProcessor.builder().provider(fromEnvironment.provider());
    assertThat(explicit.batchSize(3).build(environment).batchBounds().maxItems()).isEqualTo(3);
  }

  @Test
  void withNoBatchSizeRequestsFillUpToTheProvidersLimits() throws Exception {
    // the simulator refuses more than 2,048 inputs in one request, as OpenAI does
    var processor = processorFor(SimulatorSettings.builder()).build();
    List<Chunk> input = chunks(5_000);

    List<float[]> vectors = processor.processChunks(input, progress -> {});

    for (int i = 0; i < input.size(); i++) {
      assertThat(vectors.get(i)).containsExactly(expected(input.get(i)));
    }
    assertThat(server.stats().requests()).isEqualTo(3); // 2,048 + 2,048 + 904
    assertThat(processor.batchBounds().maxItems()).isEqualTo(2048);
  }

  @Test
  void withNoBatchSizeNoRequestCarriesMoreThanTheQuotaAllows() throws Exception {
    // 300 chunks near 500 tokens (150,000 tokens) under a 600,000 tokens/min quota: no request
    // carries more than a tenth of what the budget spends of it (98%)
    List<Chunk> input =
        IntStream.range(0, 40).mapToObj(i -> Chunk.of(("word" + i + " ").repeat(250))).toList();
    var processor =
        processorFor(SimulatorSettings.builder().tokensPerMinute(600_000).timeScale(1_000))
            .tokensPerMinute(600_000)
            .maxRetries(8)
            .build();

    List<float[]> vectors = processor.processChunks(input, progress -> {});

    assertThat(vectors).doesNotContainNull();
    assertThat(processor.batchBounds().maxTokens()).isLessThanOrEqualTo(58_800);
    assertThat(server.stats().requests()).isGreaterThanOrEqualTo(150_000 / 58_800);
  }
}
