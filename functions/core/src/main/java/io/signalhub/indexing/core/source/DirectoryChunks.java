package io.signalhub.indexing.core.source;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.secret.SecretPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chunks of a directory's sources as a collection whose size is known up front (so progress has
 * a final total and an ETA from the first batch) and whose iterator reads and chunks files lazily,
 * holding one file at a time.
 *
 * <p>The size comes from a counting pass that chunks every file once; chunking costs a small
 * fraction of embedding, and an exact total is worth it.
 */
public final class DirectoryChunks extends AbstractCollection<Chunk> {

  private final List<SourceFile> files;
  private final CodeChunker chunker;
  private final SecretPolicy secrets;
  private final Map<String, SkipReason> skipped = new ConcurrentHashMap<>();
  private final Map<SkipReason, Long> screenedChunks = new EnumMap<>(SkipReason.class);
  private final int size;
  private int splitLines;
  private boolean counted;

  private DirectoryChunks(
      List<SourceFile> files,
      CodeChunker chunker,
      SecretPolicy secrets,
      Map<String, SkipReason> walkSkips) {
    this.files = files;
    this.chunker = chunker;
    this.secrets = secrets;
    this.skipped.putAll(walkSkips);
    int count = 0;
    for (Iterator<Chunk> it = iterator(); it.hasNext(); it.next()) {
      count++;
    }
    this.size = count;
    this.counted = true;
  }

  /** Walks {@code root} and counts its chunks; chunks holding secrets are skipped. */
  public static DirectoryChunks scan(Path root, SourceWalker walker, CodeChunker chunker)
      throws IOException {
    return scan(root, walker, chunker, SecretPolicy.SKIP);
  }

  /**
   * Walks {@code root} and counts its chunks; a chunk holding a secret is skipped or redacted as
   * {@code secrets} says.
   */
  public static DirectoryChunks scan(
      Path root, SourceWalker walker, CodeChunker chunker, SecretPolicy secrets)
      throws IOException {
    List<SourceFile> files = new ArrayList<>();
    Map<String, SkipReason> skips = new TreeMap<>();
    walker.walk(root, files::add, skips::put);
    return new DirectoryChunks(files, chunker, secrets, skips);
  }

  @Override
  public int size() {
    return size;
  }

  public List<SourceFile> files() {
    return Collections.unmodifiableList(files);
  }

  /** Paths skipped, with why; includes files found unreadable, binary or not UTF-8. */
  public Map<String, SkipReason> skipped() {
    return new TreeMap<>(skipped);
  }

  /**
   * Skips counted by reason: files (from {@link #skipped()}) and chunks whose text held a secret
   * ({@link SkipReason#SECRET_TEXT}, {@link SkipReason#SECRET_REDACTED}).
   */
  public Map<SkipReason, Long> skipCounts() {
    Map<SkipReason, Long> counts = new EnumMap<>(SkipReason.class);
    skipped.values().forEach(reason -> counts.merge(reason, 1L, Long::sum));
    synchronized (screenedChunks) {
      counts.putAll(screenedChunks);
    }
    return counts;
  }

  /** Lines longer than a chunk, split into pieces (counted in the first pass). */
  public int splitLines() {
    return splitLines;
  }

  @Override
  public Iterator<Chunk> iterator() {
    boolean counting = !counted;
    return new Iterator<>() {
      private int fileIndex;
      private Iterator<Chunk> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && fileIndex < files.size()) {
          current = chunksOf(files.get(fileIndex++), counting).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Chunk next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  private List<Chunk> chunksOf(SourceFile file, boolean counting) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file.absolute());
    } catch (IOException e) {
      skipped.put(file.path(), SkipReason.UNREADABLE);
      return List.of();
    }
    SourceText.Decoded decoded = SourceText.decode(bytes);
    if (decoded.text() == null) {
      skipped.put(file.path(), decoded.skipped());
      return List.of();
    }
    CodeChunker.ChunkedFile chunked = chunker.chunk(file.path(), decoded.text());
    if (counting) {
      splitLines += chunked.splitLines();
    }
    List<Chunk> kept = new ArrayList<>(chunked.chunks().size());
    for (Chunk chunk : chunked.chunks()) {
      SecretPolicy.Screened screened = secrets.screen(chunk, chunker.tokenCounter());
      if (screened.reason() != null && counting) {
        synchronized (screenedChunks) {
          screenedChunks.merge(screened.reason(), 1L, Long::sum);
        }
      }
      if (screened.chunk() != null) {
        kept.add(screened.chunk());
      }
    }
    return kept;
  }
}
