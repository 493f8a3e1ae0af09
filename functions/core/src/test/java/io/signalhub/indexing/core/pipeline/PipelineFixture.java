package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.FakeEmbeddingProvider;
import io.signalhub.indexing.core.MutableClock;
import io.signalhub.indexing.core.ProviderCaller;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.cache.InMemoryEmbeddingCache;
import io.signalhub.indexing.core.job.InMemoryJobStore;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.manifest.ManifestWriter;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.ratelimit.AdaptiveRateLimiter;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.retry.BackoffPolicy;
import io.signalhub.indexing.core.retry.RetryingCaller;
import io.signalhub.indexing.core.retry.Sleeper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/** The pipeline's services wired to in-memory adapters and a fake provider. */
public class PipelineFixture {

  final MutableClock clock = new MutableClock();
  final PipelineSettings settings;
  JobStore jobs = new InMemoryJobStore();
  final InMemoryBlobStore blobs = new InMemoryBlobStore();
  final InMemoryBatchQueue queue = new InMemoryBatchQueue();
  final EmbeddingCache cache = new InMemoryEmbeddingCache(100_000);
  final FakeEmbeddingProvider provider = new FakeEmbeddingProvider();
  PipelineMetrics metrics = PipelineMetrics.NONE;
  Sleeper sleeper = clock.sleeper();

  PipelineFixture() {
    this(Map.of());
  }

  PipelineFixture(Map<String, String> overrides) {
    Map<String, String> values =
        new LinkedHashMap<>(
            Map.of("signal-hub.group-batches", "3", "signal-hub.max-receive-count", "3"));
    values.putAll(overrides);
    settings = PipelineSettings.from(key -> Optional.ofNullable(values.get(key)));
  }

  FanOutService fanOut() {
    return fanOut(queue);
  }

  /** The fan-out for the fake provider's model, sending its batches to {@code into}. */
  FanOutService fanOut(BatchQueue into) {
    return fanOut(into, ModelProfile.of("fake", provider));
  }

  /** A fan-out for {@code model} that sends its batches to {@code into}. */
  FanOutService fanOut(BatchQueue into, ModelProfile model) {
    return new FanOutService(settings, jobs, blobs, into, cache, model, clock, metrics);
  }

  EmbedderService embedder() {
    return embedder(provider);
  }

  /** An embedder calling {@code model}: one retry without pause, no rate limit, this clock. */
  EmbedderService embedder(EmbeddingProvider model) {
    ProviderCaller embedder =
        new ProviderCaller(
            model,
            new RetryingCaller(
                1, new BackoffPolicy(Duration.ZERO, Duration.ZERO, () -> 0), clock.sleeper()),
            new AdaptiveRateLimiter(RateBudget.unlimited(), 4, clock, clock.sleeper()));
    return new EmbedderService(settings, jobs, blobs, cache, embedder, clock, sleeper, metrics);
  }

  /** Every line of the job's vectors files: one per chunk with a vector. */
  List<String> vectorLines(String jobId) {
    return blobs.list(Keys.vectorsPrefix(jobId)).stream()
        .flatMap(key -> new String(blobs.read(key), StandardCharsets.UTF_8).lines())
        .toList();
  }

  /** Uploads the sources and a manifest listing them; returns the manifest key. */
  String upload(String jobId, Map<String, String> files) {
    return upload(blobs::put, jobId, files);
  }

  /** Uploads {@code files} as job {@code jobId} and fans it out in one invocation (no deadline). */
  FanOutService.Outcome fanOut(String jobId, Map<String, String> files) {
    return fanOut().fanOut(upload(jobId, files), Instant.MAX);
  }

  /** Fans job {@code jobId} out over {@code files}, then embeds every batch it queued. */
  void index(String jobId, Map<String, String> files) {
    fanOut(jobId, files);
    drainQueue();
  }

  /**
   * Writes the sources and a manifest listing them through {@code put} (any store: in memory, S3);
   * returns the manifest key.
   */
  public static String upload(
      BiConsumer<String, byte[]> put, String jobId, Map<String, String> files) {
    ManifestWriter manifest = new ManifestWriter("acme/shop", "sources/acme/").revision("abc123");
    files.forEach(
        (path, content) -> {
          byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
          put.accept("sources/acme/" + path, bytes);
          manifest.file(path, bytes);
        });
    String key = Keys.manifest(jobId);
    put.accept(key, manifest.toBytes());
    return key;
  }

  /** Files of many small functions, so each yields several chunks. */
  public static Map<String, String> sources(int files, int functionsPerFile) {
    Map<String, String> sources = new LinkedHashMap<>();
    for (int f = 0; f < files; f++) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < functionsPerFile; i++) {
        text.append("def f")
            .append(f)
            .append('_')
            .append(i)
            .append("(x):\n    return x * ")
            .append(i)
            .append(" + ")
            .append(f)
            .append("\n\n");
      }
      sources.put("pkg/module" + f + ".py", text.toString());
    }
    return sources;
  }

  /** Delivers every queued message to the embedder until the queue is empty. */
  void drainQueue() {
    EmbedderService embedder = embedder();
    for (var messages = queue.drain(); !messages.isEmpty(); messages = queue.drain()) {
      for (BatchMessage message : messages) {
        embedder.process(message, 1);
      }
    }
  }
}
