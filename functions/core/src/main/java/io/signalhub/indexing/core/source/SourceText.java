package io.signalhub.indexing.core.source;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Decodes a file's bytes as source text, or says why it is not source text. */
public final class SourceText {

  /** The text, or the reason there is none. */
  public record Decoded(String text, SkipReason skipped) {}

  private static final int BINARY_SNIFF_BYTES = 8000;

  private SourceText() {}

  /** Binary if a NUL byte appears in the first 8,000 bytes (git's own heuristic); else UTF-8. */
  public static Decoded decode(byte[] bytes) {
    for (int i = 0; i < Math.min(bytes.length, BINARY_SNIFF_BYTES); i++) {
      if (bytes[i] == 0) {
        return new Decoded(null, SkipReason.BINARY);
      }
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return new Decoded(text.startsWith("\uFEFF") ? text.substring(1) : text, null);
    } catch (CharacterCodingException e) {
      return new Decoded(null, SkipReason.NOT_UTF8);
    }
  }
}
