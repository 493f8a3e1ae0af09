package io.signalhub.indexing.core.job;

/**
 * A position in a job's chunk stream: the next chunk not yet registered is chunk {@code chunk} of
 * manifest file {@code file}. Chunking is deterministic, so a resumed fan-out restarts exactly
 * here.
 */
public record Cursor(long file, int chunk) implements Comparable<Cursor> {

  public static final Cursor START = new Cursor(0, 0);

  @Override
  public int compareTo(Cursor other) {
    int byFile = Long.compare(file, other.file);
    return byFile != 0 ? byFile : Integer.compare(chunk, other.chunk);
  }

  @Override
  public String toString() {
    return file + ":" + chunk;
  }

  public static Cursor parse(String text) {
    int colon = text.indexOf(':');
    return new Cursor(
        Long.parseLong(text.substring(0, colon)), Integer.parseInt(text.substring(colon + 1)));
  }
}
