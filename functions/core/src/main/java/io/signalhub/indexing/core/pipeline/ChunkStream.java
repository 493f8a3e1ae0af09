package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.ParallelCalls;
import io.signalhub.indexing.core.cache.CacheKey;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.manifest.ManifestFile;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.secret.SecretFiles;
import io.signalhub.indexing.core.secret.SecretPolicy;
import io.signalhub.indexing.core.source.SkipReason;
import io.signalhub.indexing.core.source.SourceText;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * A manifest's files from a cursor on, read, checked, decoded, chunked, screened for secrets and
 * looked up in the cache <em>ahead</em> of the caller, in parallel, and handed out strictly in
 * manifest order.
 *
 * <p>Files are read in windows: each window's files are read and chunked on the executor, then its
 * chunks are looked up in the cache in one {@link EmbeddingCache#getAll} call (one DynamoDB
 * BatchGetItem per 100 keys) instead of one per file. Memory stays bounded whatever the manifest:
 * at most {@code maxWindows} windows are in flight and no new one starts while the files in flight
 * declare more than {@code maxBytesAhead} bytes.
 */
final class ChunkStream implements Iterator<ChunkStream.ReadFile>, AutoCloseable {

  /** How far a stream may read ahead of its caller. */
  record ReadAhead(int filesPerWindow, int maxWindows, long maxBytesAhead) {

    /** About 100 cache keys per window for small files; at most 16 MB of files in flight. */
    static final ReadAhead DEFAULT = new ReadAhead(64, 8, 16L << 20);

    ReadAhead {
      if (filesPerWindow < 1 || maxWindows < 1 || maxBytesAhead < 1) {
        throw new IllegalArgumentException("read-ahead bounds must be positive");
      }
    }
  }

  /**
   * One chunk of a file: dropped by the secret policy ({@code chunk} null, {@code screened} says
   * why), or kept, with its vector if the cache had it; {@code twinOf} is the earlier batch that
   * embeds the same text ({@link BatchPayload#NOT_A_TWIN} if none).
   */
  record Piece(
      Cursor position, Chunk chunk, SkipReason screened, String key, float[] cached, long twinOf) {

    Piece(Cursor position, Chunk chunk, SkipReason screened, String key, float[] cached) {
      this(position, chunk, screened, key, cached, BatchPayload.NOT_A_TWIN);
    }

    Piece twinOf(long batch) {
      return new Piece(position, chunk, screened, key, cached, batch);
    }
  }

  /**
   * One file of the manifest: skipped ({@code skipped} says why, {@code failure} is the reason a
   * person reads, or null), or its pieces from the cursor's chunk on.
   */
  record ReadFile(
      long index, String path, SkipReason skipped, String failure, List<Piece> pieces) {}

  /** Files whose reading was started together, and their one cache lookup. */
  private record Window(
      List<CompletableFuture<ReadFile>> files,
      long bytes,
      CompletableFuture<Map<String, float[]>> hits) {}

  private final Iterator<ManifestFile> files;
  private final long end;
  private final Reader reader;
  private final EmbeddingCache cache;
  private final ExecutorService executor;
  private final ReadAhead readAhead;
  private final ArrayDeque<Window> windows = new ArrayDeque<>();
  private long nextIndex;
  private final Cursor start;
  private long bytesAhead;
  private Window current;
  private Map<String, float[]> currentHits;
  private int currentFile;

  /**
   * @param files the manifest's files from file {@code first} on
   * @param first the index of the first of {@code files}
   * @param start where to begin: files before it are passed over unread, and chunks of its file
   *     before its chunk are dropped
   * @param end the index after the last file to read
   */
  ChunkStream(
      Iterator<ManifestFile> files,
      long first,
      Cursor start,
      long end,
      Reader reader,
      EmbeddingCache cache,
      ExecutorService executor,
      ReadAhead readAhead) {
    this.files = files;
    this.start = start;
    this.end = end;
    this.reader = reader;
    this.cache = cache;
    this.executor = executor;
    this.readAhead = readAhead;
    this.nextIndex = first;
    while (nextIndex < start.file() && files.hasNext()) {
      files.next();
      nextIndex++;
    }
    fill();
  }

  @Override
  public boolean hasNext() {
    return (current != null && currentFile < current.files().size()) || !windows.isEmpty();
  }

  /** The next file in manifest order, waiting for it if it is not read yet. */
  @Override
  public ReadFile next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    if (current == null || currentFile >= current.files().size()) {
      if (current != null) {
        bytesAhead -= current.bytes();
      }
      current = windows.poll();
      currentHits = ParallelCalls.join(current.hits());
      currentFile = 0;
      fill();
    }
    ReadFile file = ParallelCalls.join(current.files().get(currentFile++));
    if (file.pieces().isEmpty()) {
      return file;
    }
    List<Piece> resolved = new ArrayList<>(file.pieces().size());
    for (Piece piece : file.pieces()) {
      float[] hit = piece.key() == null ? null : currentHits.get(piece.key());
      resolved.add(
          hit == null
              ? piece
              : new Piece(piece.position(), piece.chunk(), piece.screened(), piece.key(), hit));
    }
    return new ReadFile(file.index(), file.path(), file.skipped(), file.failure(), resolved);
  }

  /** Starts windows until the read-ahead bounds are reached or the range is exhausted. */
  private void fill() {
    while (windows.size() < readAhead.maxWindows()
        && (windows.isEmpty() || bytesAhead < readAhead.maxBytesAhead())
        && nextIndex < end
        && files.hasNext()) {
      List<CompletableFuture<ReadFile>> reads = new ArrayList<>();
      long bytes = 0;
      while (reads.size() < readAhead.filesPerWindow()
          && bytes < readAhead.maxBytesAhead() / readAhead.maxWindows()
          && nextIndex < end
          && files.hasNext()) {
        ManifestFile file = files.next();
        long index = nextIndex++;
        int firstChunk = index == start.file() ? start.chunk() : 0;
        bytes += Math.max(0, file.size());
        reads.add(
            CompletableFuture.supplyAsync(() -> reader.read(index, file, firstChunk), executor));
      }
      // the lookup runs on the thread that finishes the window's last read: submitted to the
      // executor, it would queue behind every later window's reads, and the first group (and the
      // embedders) would wait for the whole read-ahead instead of one window
      CompletableFuture<Map<String, float[]>> hits =
          CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
              .thenApply(ignored -> lookUp(reads));
      bytesAhead += bytes;
      windows.add(new Window(reads, bytes, hits));
    }
  }

  private Map<String, float[]> lookUp(List<CompletableFuture<ReadFile>> reads) {
    Set<String> keys = new LinkedHashSet<>();
    for (CompletableFuture<ReadFile> read : reads) {
      for (Piece piece : read.join().pieces()) {
        if (piece.key() != null) {
          keys.add(piece.key());
        }
      }
    }
    return keys.isEmpty() ? Map.of() : cache.getAll(keys);
  }

  /** Abandons what was read ahead (a fan-out out of time stops at the caller's position). */
  @Override
  public void close() {
    windows.forEach(window -> window.hits().cancel(false));
    windows.clear();
  }

  /** Reads one file into its pieces: the part of the stream that runs on the executor. */
  static final class Reader {
    private final BlobStore blobs;
    private final String sourcesPrefix;
    private final CodeChunker chunker;
    private final SecretPolicy secrets;
    private final ModelProfile model;

    Reader(
        BlobStore blobs,
        String sourcesPrefix,
        CodeChunker chunker,
        SecretPolicy secrets,
        ModelProfile model) {
      this.blobs = blobs;
      this.sourcesPrefix = sourcesPrefix;
      this.chunker = chunker;
      this.secrets = secrets;
      this.model = model;
    }

    ReadFile read(long index, ManifestFile file, int firstChunk) {
      if (SecretFiles.matches(file.path())) {
        // never read: its content must not reach a chunk, a batch payload or a provider
        return skipped(index, file, SkipReason.SECRET_FILE, null);
      }
      String key = sourcesPrefix + file.path();
      byte[] bytes;
      try {
        bytes = blobs.read(key);
      } catch (BlobStore.BlobNotFoundException e) {
        return skipped(index, file, SkipReason.UNREADABLE, "not in the bucket at " + key);
      }
      if (!Chunk.sha256Hex(bytes).equals(file.sha256())) {
        return skipped(
            index,
            file,
            SkipReason.UNREADABLE,
            "content does not match the manifest's sha256 (changed after the manifest was written?)");
      }
      SourceText.Decoded decoded = SourceText.decode(bytes);
      if (decoded.text() == null) {
        return skipped(
            index,
            file,
            decoded.skipped(),
            decoded.skipped() == SkipReason.NOT_UTF8 ? "not valid UTF-8" : null);
      }
      List<Chunk> chunks = chunker.chunk(file.path(), decoded.text()).chunks();
      List<Piece> pieces = new ArrayList<>(Math.max(0, chunks.size() - firstChunk));
      for (int c = firstChunk; c < chunks.size(); c++) {
        SecretPolicy.Screened screened = secrets.screen(chunks.get(c), model.tokenCounter());
        Chunk chunk = screened.chunk();
        pieces.add(
            new Piece(
                new Cursor(index, c),
                chunk,
                screened.reason(),
                chunk == null ? null : CacheKey.of(model.model(), model.dimensions(), chunk.text()),
                null));
      }
      return new ReadFile(index, file.path(), null, null, pieces);
    }

    private static ReadFile skipped(
        long index, ManifestFile file, SkipReason reason, String failure) {
      return new ReadFile(index, file.path(), reason, failure, List.of());
    }
  }
}
