package io.signalhub.indexing.bench;

import io.signalhub.indexing.core.BatchEmbeddingProcessor;
import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.cache.InMemoryEmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.job.InMemoryJobStore;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.pipeline.BatchQueue;
import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.pipeline.FanOutService;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.PipelineSettings;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingResponse;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import io.signalhub.indexing.core.token.TokenCounter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs in a child JVM with {@code -Xmx256m}: the fan-out streaming a generated manifest of N files
 * (sources generated on read, writes counted and dropped), or the library embedding N generated
 * chunks. Prints one JSON result with the peak heap used.
 */
public final class MemoryProbe {

  static final String HEAP = "-Xmx256m";

  /** Starts a child JVM on this classpath and reads its result. */
  static Result runChild(String what, int size) throws Exception {
    Bench.log("memory / %s, %,d under %s (child JVM) ...", what, size, HEAP);
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                MemoryProbe.class.getName(),
                what,
                Integer.toString(size))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    int exit = process.waitFor();
    String last = output.lines().reduce((a, b) -> b).orElse("");
    if (exit != 0 || !last.startsWith("{")) {
      return Result.row("memory", what + " under " + HEAP)
          .chunks(size)
          .note("FAILED (exit " + exit + "): " + last)
          .build();
    }
    return Bench.JSON.readValue(last, Result.class);
  }

  public static void main(String[] args) throws Exception {
    int size = Integer.parseInt(args[1]);
    long start = System.nanoTime();
    Result result = args[0].equals("fanout") ? fanOut(size, start) : library(size, start);
    System.out.println(Bench.JSON.writeValueAsString(result));
  }

  private static Result fanOut(int files, long start) {
    AtomicLong batches = new AtomicLong();
    AtomicLong chunks = new AtomicLong();
    BlobStore generated = new GeneratedBlobs(files);
    BatchQueue counting =
        messages ->
            messages.forEach(
                m -> {
                  batches.incrementAndGet();
                  chunks.addAndGet(m.chunks());
                });
    // one invocation streaming the whole manifest: what this row measures is its memory
    FanOutService.Outcome outcome =
        inMemoryFanOut(generated, counting, 0).fanOut(Keys.manifest("million"), Instant.MAX);
    double seconds = (System.nanoTime() - start) / 1e9;
    return Result.row(
            "memory", "fan-out streaming a " + String.format("%,d", files) + "-file manifest")
        .chunks(chunks.get())
        .seconds(seconds)
        .chunksPerSecond(chunks.get() / seconds)
        .requests(batches.get())
        .note(
            String.format(
                "%s; peak heap %.0f MB of 256; %,.0f files/min (validation pass + fan-out pass, in-memory adapters)",
                outcome, peakHeapMb(), files / seconds * 60))
        .build();
  }

  /**
   * A fan-out on in-memory adapters (a fresh job store, a small cache) for the bench's model.
   *
   * @param shardFiles {@code signal-hub.fanout.shard-files} (0: never shard)
   */
  static FanOutService inMemoryFanOut(BlobStore blobs, BatchQueue queue, int shardFiles) {
    ModelProfile model =
        new ModelProfile(
            "openai",
            Bench.MODEL,
            Bench.DIMENSIONS,
            ProviderLimits.OPENAI,
            Cl100kTokenCounter.instance());
    PipelineSettings settings =
        PipelineSettings.from(
            key ->
                key.equals("signal-hub.fanout.shard-files")
                    ? Optional.of(Integer.toString(shardFiles))
                    : Optional.empty());
    return new FanOutService(
        settings,
        new InMemoryJobStore(),
        blobs,
        queue,
        new InMemoryEmbeddingCache(1000),
        model,
        Clock.systemUTC(),
        PipelineMetrics.NONE);
  }

  private static Result library(int count, long start) {
    EmbeddingProvider fast = new InstantProvider();
    Iterable<Chunk> lazy =
        () ->
            new Iterator<>() {
              int next;

              @Override
              public boolean hasNext() {
                return next < count;
              }

              @Override
              public Chunk next() {
                if (next >= count) {
                  throw new NoSuchElementException();
                }
                return Chunk.of(
                    "def handler_"
                        + next
                        + "(event):\n    return process(event, attempt="
                        + (next++ % 7)
                        + ")\n");
              }
            };
    AtomicLong vectors = new AtomicLong();
    BatchEmbeddingProcessor processor =
        BatchEmbeddingProcessor.builder()
            .provider(fast)
            .onResult(r -> vectors.incrementAndGet())
            .build();
    processor.processWithProgress(lazy).collect().last().await().indefinitely();
    double seconds = (System.nanoTime() - start) / 1e9;
    return Result.row(
            "memory",
            "library over "
                + String.format("%,d", count)
                + " chunks (lazy input, vectors to a listener)")
        .chunks(vectors.get())
        .seconds(seconds)
        .chunksPerSecond(vectors.get() / seconds)
        .note(
            String.format(
                "peak heap %.0f MB of 256 (default cache: 10,000 vectors of %d dims)",
                peakHeapMb(), Bench.DIMENSIONS))
        .build();
  }

  private static double peakHeapMb() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak / (1024.0 * 1024.0);
  }

  /** A provider without network: fixed vectors, for measuring the library's own memory. */
  private static final class InstantProvider implements EmbeddingProvider {
    @Override
    public String model() {
      return "instant";
    }

    @Override
    public int dimensions() {
      return Bench.DIMENSIONS;
    }

    @Override
    public ProviderLimits limits() {
      return ProviderLimits.OPENAI;
    }

    @Override
    public TokenCounter tokenCounter() {
      return Cl100kTokenCounter.instance();
    }

    @Override
    public EmbeddingResponse embed(List<String> inputs) {
      return new EmbeddingResponse(
          inputs.stream().map(t -> new float[Bench.DIMENSIONS]).toList(),
          inputs.size() * 20L,
          null);
    }
  }

  /**
   * A manifest of N files and their sources, generated as they are read; writes are dropped but for
   * a sharded job's manifest index, which its shards read back.
   */
  static final class GeneratedBlobs implements BlobStore {
    private static final String HEADER =
        "{\"version\":1,\"repository\":\"million\",\"sources\":{\"prefix\":\"s/\"},\"files\":[";
    private static final String ZERO_SHA = "0".repeat(64);

    private final int files;
    private final Map<String, byte[]> indexes = new ConcurrentHashMap<>();

    GeneratedBlobs(int files) {
      this.files = files;
    }

    private static byte[] source(long index) {
      return ("def handler_"
              + index
              + "(event):\n    return process(event, attempt="
              + (index % 7)
              + ")\n")
          .getBytes(StandardCharsets.UTF_8);
    }

    /** Part -1 is the header, parts 0 to N-1 the files, part N the end; all ASCII. */
    private String part(int part, boolean withSha) {
      if (part == -1) {
        return HEADER;
      }
      if (part == files) {
        return "]}";
      }
      byte[] bytes = source(part);
      return (part == 0 ? "" : ",")
          + "{\"path\":\"src/pkg"
          + (part / 1000)
          + "/handler_"
          + part
          + ".py\",\"sha256\":\""
          + (withSha ? Chunk.sha256Hex(bytes) : ZERO_SHA)
          + "\",\"size\":"
          + bytes.length
          + "}";
    }

    @Override
    public Optional<Long> size(String key) {
      return Optional.of(100L * files);
    }

    @Override
    public InputStream open(String key) {
      return open(key, 0, Long.MAX_VALUE);
    }

    /** The parts from the one holding byte {@code from}, found by length, not generated. */
    @Override
    public InputStream open(String key, long from, long to) {
      int first = -1;
      long offset = 0;
      while (first < files) {
        long length = part(first, false).length();
        if (offset + length > from) {
          break;
        }
        offset += length;
        first++;
      }
      int firstPart = first;
      long skip = from - offset;
      Enumeration<InputStream> parts =
          new Enumeration<>() {
            int part = firstPart;

            @Override
            public boolean hasMoreElements() {
              return part <= files;
            }

            @Override
            public InputStream nextElement() {
              byte[] text = part(part, true).getBytes(StandardCharsets.UTF_8);
              int start = part++ == firstPart ? (int) skip : 0;
              return new ByteArrayInputStream(text, start, text.length - start);
            }
          };
      return new BlobStore.BoundedInputStream(new SequenceInputStream(parts), to - from);
    }

    @Override
    public byte[] read(String key) {
      if (indexes.containsKey(key)) {
        return indexes.get(key);
      }
      String file = key.substring(key.lastIndexOf('_') + 1, key.length() - 3);
      return source(Long.parseLong(file));
    }

    @Override
    public void put(String key, byte[] bytes) {
      // the probe measures the fan-out's memory, not a store's: only the small index is kept
      if (key.endsWith("manifest-index.json")) {
        indexes.put(key, bytes);
      }
    }

    @Override
    public List<String> list(String prefix) {
      return List.of();
    }

    @Override
    public void delete(List<String> keys) {}
  }
}
