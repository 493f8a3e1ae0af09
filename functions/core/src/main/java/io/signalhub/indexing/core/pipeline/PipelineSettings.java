package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.manifest.ManifestLimits;
import io.signalhub.indexing.core.secret.SecretPolicy;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The pipeline's settings. {@code fanoutThreads} read, chunk and look up files ahead of the
 * fan-out's cursor and write a group's payloads in parallel. {@code fanOutFailureQueue} receives
 * fan-outs that failed {@code fanOutAttempts} times (Lambda's on-failure destination, the
 * continuation queue's DLQ). A manifest of more than {@code shardFiles} files is fanned out in
 * shards of at most that many files, in parallel ({@link ShardedFanOut}; 0: never).
 *
 * <p>The pipeline's settings, read from Quarkus-style keys ({@code signal-hub.*}) with the same
 * environment-variable mapping Quarkus uses ({@code SIGNAL_HUB_BATCH_SIZE} for {@code
 * signal-hub.batch-size}), so the Lambdas and the local runtime read one configuration. Defaults
 * are in {@link #from}; the README lists them.
 */
public record PipelineSettings(
    String bucket,
    String jobsTable,
    String cacheTable,
    String rateTable,
    String batchQueue,
    String deadLetterQueue,
    String continuationQueue,
    String fanOutFailureQueue,
    int fanOutAttempts,
    int chunkTokens,
    int overlapLines,
    int batchSize,
    int groupBatches,
    Duration fanoutLease,
    Duration fanoutSafetyMargin,
    int fanoutThreads,
    VectorRecord.Encoding vectorEncoding,
    int maxReceiveCount,
    int maxRetries,
    Duration retryDelay,
    Duration maxRetryDelay,
    int concurrency,
    long requestsPerMinute,
    long tokensPerMinute,
    ManifestLimits manifestLimits,
    SecretPolicy secrets,
    Duration twinWait,
    long shardFiles) {

  /** Reads every setting through {@code lookup} (a key to an optional value). */
  public static PipelineSettings from(Function<String, Optional<String>> lookup) {
    Reader r = new Reader(lookup);
    return new PipelineSettings(
        r.text("signal-hub.bucket", "signal-hub-local"),
        r.text("signal-hub.jobs-table", "signal-hub-jobs"),
        r.text("signal-hub.cache-table", "signal-hub-cache"),
        r.text("signal-hub.rate-table", "signal-hub-rate"),
        r.text("signal-hub.batch-queue", "signal-hub-batches"),
        r.text("signal-hub.dead-letter-queue", "signal-hub-batches-dlq"),
        r.text("signal-hub.continuation-queue", "signal-hub-fanout-continuations"),
        r.text("signal-hub.fanout-failure-queue", "signal-hub-fanout-failures"),
        r.integer("signal-hub.fanout-attempts", 3),
        r.integer("signal-hub.chunk-tokens", 0),
        r.integer("signal-hub.overlap-lines", 0),
        r.integer("signal-hub.embedding.batch-size", 100),
        r.integer("signal-hub.group-batches", 10),
        Duration.ofSeconds(r.integer("signal-hub.fanout-lease-seconds", 960)),
        Duration.ofSeconds(r.integer("signal-hub.fanout-safety-margin-seconds", 60)),
        r.integer("signal-hub.fanout-threads", 8),
        VectorRecord.Encoding.parse(r.text("signal-hub.vector-encoding", "json")),
        r.integer("signal-hub.max-receive-count", 5),
        r.integer("signal-hub.retry.max-retries", 3),
        Duration.ofMillis(r.integer("signal-hub.retry.initial-delay-ms", 1000)),
        Duration.ofMillis(r.integer("signal-hub.retry.max-delay-ms", 20_000)),
        r.integer("signal-hub.concurrency", 4),
        r.number("signal-hub.rate.requests-per-minute", 0),
        r.number("signal-hub.rate.tokens-per-minute", 0),
        new ManifestLimits(
            r.number("signal-hub.manifest.max-bytes", 1L << 30),
            r.integer("signal-hub.manifest.max-files", 5_000_000),
            r.number("signal-hub.manifest.max-file-bytes", 10L << 20),
            1024),
        SecretPolicy.parse(r.text("signal-hub.secrets", "skip")),
        Duration.ofMillis(r.integer("signal-hub.twin-wait-ms", 30_000)),
        r.number("signal-hub.fanout.shard-files", 50_000));
  }

  /** Quarkus' rule: upper case, every character that is not a letter or digit becomes '_'. */
  public static String environmentName(String key) {
    return key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** A lookup over system properties, then environment variables, as Quarkus does. */
  public static Function<String, Optional<String>> systemLookup() {
    return key ->
        Optional.ofNullable(System.getProperty(key))
            .or(() -> Optional.ofNullable(System.getenv(environmentName(key))))
            .filter(value -> !value.isBlank());
  }

  private record Reader(Function<String, Optional<String>> lookup) {
    String text(String key, String fallback) {
      return lookup.apply(key).orElse(fallback);
    }

    int integer(String key, long fallback) {
      return Math.toIntExact(number(key, fallback));
    }

    long number(String key, long fallback) {
      return lookup.apply(key).map(v -> Long.parseLong(v.trim())).orElse(fallback);
    }
  }
}
