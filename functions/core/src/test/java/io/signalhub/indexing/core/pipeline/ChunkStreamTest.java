package io.signalhub.indexing.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.core.FakeEmbeddingProvider;
import io.signalhub.indexing.core.cache.CacheKey;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.cache.InMemoryEmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.manifest.ManifestFile;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.secret.SecretPolicy;
import io.signalhub.indexing.core.source.SkipReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ChunkStreamTest {

  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final ModelProfile model = ModelProfile.of("fake", new FakeEmbeddingProvider());
  private final InMemoryBlobStore blobs = new InMemoryBlobStore();
  private final AtomicInteger lookups = new AtomicInteger();
  private final InMemoryEmbeddingCache stored = new InMemoryEmbeddingCache(10_000);
  private final EmbeddingCache cache =
      new EmbeddingCache() {
        @Override
        public Map<String, float[]> getAll(Collection<String> keys) {
          lookups.incrementAndGet();
          return stored.getAll(keys);
        }

        @Override
        public void putAll(Map<String, float[]> vectors) {
          stored.putAll(vectors);
        }
      };

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  private List<ManifestFile> files(int count) {
    List<ManifestFile> files = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] bytes = ("def f" + i + "():\n    return " + i + "\n").getBytes(StandardCharsets.UTF_8);
      blobs.put("src/f" + i + ".py", bytes);
      files.add(new ManifestFile("f" + i + ".py", Chunk.sha256Hex(bytes), bytes.length));
    }
    return files;
  }

  /** The test's bucket, read through {@code read}. */
  private BlobStore reading(java.util.function.Function<String, byte[]> read) {
    return new ForwardingBlobStore(blobs) {
      @Override
      public byte[] read(String key) {
        return read.apply(key);
      }
    };
  }

  private ChunkStream.Reader reader(BlobStore store) {
    return new ChunkStream.Reader(
        store,
        "src/",
        new CodeChunker(model.tokenCounter(), ChunkingOptions.forProvider(model.limits(), 0, 0)),
        SecretPolicy.SKIP,
        model);
  }

  private ChunkStream stream(
      List<ManifestFile> files, Cursor start, BlobStore store, ChunkStream.ReadAhead readAhead) {
    return new ChunkStream(
        files.iterator(), 0, start, files.size(), reader(store), cache, executor, readAhead);
  }

  @Test
  void handsOutEveryFileInManifestOrderWithOneCacheLookupPerWindow() {
    List<ManifestFile> files = files(300);

    List<Long> order = new ArrayList<>();
    try (ChunkStream stream =
        stream(files, new Cursor(0, 0), blobs, new ChunkStream.ReadAhead(100, 4, 1L << 20))) {
      stream.forEachRemaining(file -> order.add(file.index()));
    }

    assertThat(order)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 300).boxed().toList());
    // one lookup per 100 files, not one per file
    assertThat(lookups).hasValue(3);
  }

  @Test
  void startsAtTheCursorAndResolvesCachedChunks() {
    List<ManifestFile> files = files(10);
    String text = "def f7():\n    return 7\n";
    float[] vector = {1f, 2f};
    stored.putAll(Map.of(CacheKey.of(model.model(), model.dimensions(), text), vector));

    List<ChunkStream.ReadFile> read = new ArrayList<>();
    try (ChunkStream stream =
        stream(files, new Cursor(5, 0), blobs, ChunkStream.ReadAhead.DEFAULT)) {
      stream.forEachRemaining(read::add);
    }

    assertThat(read).extracting(ChunkStream.ReadFile::index).containsExactly(5L, 6L, 7L, 8L, 9L);
    assertThat(read.get(2).pieces())
        .singleElement()
        .satisfies(p -> assertThat(p.cached()).containsExactly(vector));
    assertThat(read.get(1).pieces())
        .singleElement()
        .satisfies(p -> assertThat(p.cached()).isNull());
  }

  @Test
  void readsNoFurtherAheadThanItsBounds() {
    List<ManifestFile> files = files(1_000);
    AtomicLong reads = new AtomicLong();
    BlobStore counting =
        reading(
            key -> {
              reads.incrementAndGet();
              return blobs.read(key);
            });

    try (ChunkStream stream =
        stream(files, new Cursor(0, 0), counting, new ChunkStream.ReadAhead(10, 3, 1L << 20))) {
      for (int i = 0; i < 25; i++) {
        stream.next();
      }
      // the window being handed out (files 20 to 29) plus at most three more of ten files each
      assertThat(reads.get()).isLessThanOrEqualTo(30 + 3 * 10);
    }
  }

  @Test
  // in its own thread, so a first window waiting for later windows' reads fails the test instead
  // of hanging it (CompletableFuture.join cannot be interrupted)
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void handsOutTheFirstWindowWhileLaterWindowsAreStillBeingRead() throws Exception {
    List<ManifestFile> files = files(50);
    CountDownLatch firstHandedOut = new CountDownLatch(1);
    // reads past the first window block until the stream has handed out its first file
    BlobStore held =
        reading(
            key -> {
              if (Integer.parseInt(key.replaceAll("\\D", "")) >= 10) {
                try {
                  firstHandedOut.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return blobs.read(key);
            });

    try (ChunkStream stream =
        stream(files, new Cursor(0, 0), held, new ChunkStream.ReadAhead(10, 5, 1L << 20))) {
      assertThat(stream.next().index()).isZero();
      firstHandedOut.countDown();
      long handedOut = 1;
      while (stream.hasNext()) {
        stream.next();
        handedOut++;
      }
      assertThat(handedOut).isEqualTo(50);
    }
  }

  @Test
  void aFileMissingFromTheBucketIsSkippedAndAFailingStoreStopsTheStream() {
    List<ManifestFile> files = new ArrayList<>(files(3));
    files.add(1, new ManifestFile("gone.py", "0".repeat(64), 10));

    List<ChunkStream.ReadFile> read = new ArrayList<>();
    try (ChunkStream stream =
        stream(files, new Cursor(0, 0), blobs, ChunkStream.ReadAhead.DEFAULT)) {
      stream.forEachRemaining(read::add);
    }
    assertThat(read.get(1).skipped()).isEqualTo(SkipReason.UNREADABLE);
    assertThat(read.get(1).failure()).contains("not in the bucket at src/gone.py");

    BlobStore broken =
        reading(
            key -> {
              throw new IllegalStateException("S3 is down");
            });
    try (ChunkStream stream =
        stream(files, new Cursor(0, 0), broken, ChunkStream.ReadAhead.DEFAULT)) {
      assertThatThrownBy(stream::next)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("S3 is down");
    }
  }
}
