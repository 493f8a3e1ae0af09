package io.signalhub.indexing.core.chunk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A piece of a source file to embed: where it came from (path, 1-based inclusive lines), its
 * language, its text, its token count under the target model's tokenizer (-1 when not yet counted)
 * and the SHA-256 of its text.
 *
 * @param path file path relative to the repository root ("" for free text)
 * @param startLine first line, 1-based (0 for free text)
 * @param endLine last line, inclusive
 * @param language language guessed from the file name
 * @param text the text sent to the model
 * @param tokens tokens under the target model's tokenizer, or -1 if unknown
 * @param contentHash hex SHA-256 of {@code text}
 */
public record Chunk(
    String path,
    int startLine,
    int endLine,
    String language,
    String text,
    int tokens,
    String contentHash) {

  public Chunk {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(contentHash, "contentHash");
  }

  /** A chunk of free text, for callers of the library that chunk for themselves. */
  public static Chunk of(String text) {
    return new Chunk("", 0, 0, "text", text, -1, sha256(text));
  }

  /** The same chunk with its token count known. */
  public Chunk withTokens(int count) {
    return new Chunk(path, startLine, endLine, language, text, count, contentHash);
  }

  /** The same place with shorter text (truncation by policy). */
  public Chunk withText(String newText, int count) {
    return new Chunk(path, startLine, endLine, language, newText, count, sha256(newText));
  }

  /** "path:start-end", how people and reports name a chunk. */
  public String location() {
    return path + ":" + startLine + "-" + endLine;
  }

  public static String sha256(String text) {
    return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }
}
