package io.signalhub.indexing.core.source;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.chunk.CodeChunker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collections;
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
  private final Map<String, SkipReason> skipped = new ConcurrentHashMap<>();
  private final int size;
  private int splitLines;

  private DirectoryChunks(
      List<SourceFile> files, CodeChunker chunker, Map<String, SkipReason> walkSkips) {
    this.files = files;
    this.chunker = chunker;
    this.skipped.putAll(walkSkips);
    int count = 0;
    for (Iterator<Chunk> it = iterator(); it.hasNext(); it.next()) {
      count++;
    }
    this.size = count;
  }

  /** Walks {@code root} and counts its chunks. */
  public static DirectoryChunks scan(Path root, SourceWalker walker, CodeChunker chunker)
      throws IOException {
    List<SourceFile> files = new ArrayList<>();
    Map<String, SkipReason> skips = new TreeMap<>();
    walker.walk(root, files::add, skips::put);
    return new DirectoryChunks(files, chunker, skips);
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

  /** Lines longer than a chunk, split into pieces (counted in the first pass). */
  public int splitLines() {
    return splitLines;
  }

  @Override
  public Iterator<Chunk> iterator() {
    boolean counting = size == 0 && splitLines == 0;
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
    return chunked.chunks();
  }
}
