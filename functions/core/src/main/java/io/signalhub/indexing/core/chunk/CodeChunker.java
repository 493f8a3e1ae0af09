package io.signalhub.indexing.core.chunk;

import io.signalhub.indexing.core.token.TokenCounter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Cuts source files into chunks bounded by the model's token limit, preferring to cut before a
 * blank line or a top-level declaration so that a chunk holds whole functions where it can.
 *
 * <p>A single line longer than the limit (minified code, data) is split into pieces, each counted
 * in {@link ChunkedFile#splitLines()}: never silently dropped or truncated.
 */
public final class CodeChunker {

  /** A line at column 0 that starts something: a declaration, an annotation, a directive. */
  private static final Pattern TOP_LEVEL_START = Pattern.compile("^[^\\s})\\]].*");

  private final TokenCounter counter;
  private final ChunkingOptions options;

  /** The tokenizer chunks are measured with. */
  public TokenCounter tokenCounter() {
    return counter;
  }

  public CodeChunker(TokenCounter counter, ChunkingOptions options) {
    this.counter = counter;
    this.options = options;
  }

  /** The chunks of one file, plus how many over-long lines had to be split. */
  public record ChunkedFile(List<Chunk> chunks, int splitLines) {}

  public ChunkedFile chunk(String path, String content) {
    String language = Languages.of(path);
    String[] lines = content.split("\n", -1);
    int lineCount = content.endsWith("\n") ? lines.length - 1 : lines.length;
    int[] lineTokens = new int[lineCount];
    for (int i = 0; i < lineCount; i++) {
      lineTokens[i] = counter.countPiece(lines[i] + "\n");
    }
    int budget = options.maxTokens() - counter.specialTokensPerInput();
    List<Chunk> chunks = new ArrayList<>();
    int splitLines = 0;
    int start = 0;
    while (start < lineCount) {
      int end = start;
      int tokens = 0;
      int chars = 0;
      int lastBoundary = -1;
      while (end < lineCount
          && tokens + lineTokens[end] <= budget
          && chars + lines[end].length() + 1 <= options.maxChars()) {
        tokens += lineTokens[end];
        chars += lines[end].length() + 1;
        end++;
        if (end < lineCount && isBoundary(lines, end)) {
          lastBoundary = end;
        }
      }
      if (end == start) {
        splitLines++;
        splitLongLine(path, language, lines[start], start + 1, chunks);
        start++;
        continue;
      }
      if (end < lineCount && lastBoundary > start + (end - start) / 2) {
        end = lastBoundary;
      }
      end = addChunk(path, language, lines, start, end, chunks);
      if (end >= lineCount) {
        break;
      }
      start = Math.max(end - options.overlapLines(), start + 1);
    }
    return new ChunkedFile(chunks, splitLines);
  }

  private static boolean isBoundary(String[] lines, int index) {
    return lines[index - 1].isBlank() || TOP_LEVEL_START.matcher(lines[index]).matches();
  }

  /**
   * Adds lines [start, end) as a chunk, dropping trailing lines if the exact count of the joined
   * text exceeds the budget (per-line counts are additive only approximately for BPE). Returns the
   * end actually used.
   */
  private int addChunk(
      String path, String language, String[] lines, int start, int end, List<Chunk> chunks) {
    while (true) {
      String text = String.join("\n", java.util.Arrays.asList(lines).subList(start, end)) + "\n";
      int tokens = counter.count(text);
      if (tokens <= options.maxTokens() || end - start == 1) {
        if (!text.isBlank()) {
          chunks.add(new Chunk(path, start + 1, end, language, text, tokens, Chunk.sha256(text)));
        }
        return end;
      }
      end--;
    }
  }

  private void splitLongLine(
      String path, String language, String line, int lineNumber, List<Chunk> chunks) {
    int at = 0;
    while (at < line.length()) {
      // a piece never spans more than this window, and tokenizing only it keeps a line of any
      // length linear (tokenizing the whole rest for every piece took minutes on a 900 KB line)
      int window =
          (int)
              Math.min(line.length() - at, Math.min(options.maxChars(), options.maxTokens() * 16L));
      if (window < line.length() - at && Character.isHighSurrogate(line.charAt(at + window - 1))) {
        window--;
      }
      String piece = counter.truncate(line.substring(at, at + window), options.maxTokens());
      if (piece.isEmpty()) { // a single token longer than the budget: take characters instead
        piece = line.substring(at, at + window);
      }
      if (!piece.isBlank()) {
        chunks.add(
            new Chunk(
                path,
                lineNumber,
                lineNumber,
                language,
                piece,
                counter.count(piece),
                Chunk.sha256(piece)));
      }
      at += piece.length();
    }
  }
}
