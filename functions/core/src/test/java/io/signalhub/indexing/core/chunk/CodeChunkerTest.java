package io.signalhub.indexing.core.chunk;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.provider.LocalMiniLmModel;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import io.signalhub.indexing.core.token.TokenCounter;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CodeChunkerTest {

  private final TokenCounter counter = Cl100kTokenCounter.instance();

  private CodeChunker.ChunkedFile chunk(String path, String content, ChunkingOptions options) {
    return new CodeChunker(counter, options).chunk(path, content);
  }

  private static String javaClass(int methods) {
    return "package demo;\n\npublic class Demo {\n"
        + IntStream.range(0, methods)
            .mapToObj(
                i ->
                    "\n  /** Method "
                        + i
                        + ". */\n  public int method"
                        + i
                        + "(int x) {\n"
                        + "    int y = x * "
                        + i
                        + ";\n    return y + "
                        + i
                        + ";\n  }\n")
            .collect(Collectors.joining())
        + "}\n";
  }

  /**
   * A minified bundle just under the default size limit is cut in seconds, with either tokenizer.
   */
  @Test
  @Timeout(120)
  void aLongOneLineFileIsCutInLinearTime() {
    StringBuilder line = new StringBuilder();
    for (int i = 0; line.length() < 900_000; i++) {
      line.append("var a").append(i).append("=function(b){return b.c(").append(i).append(")};");
    }
    for (TokenCounter tokens :
        List.of(Cl100kTokenCounter.instance(), LocalMiniLmModel.profile().tokenCounter())) {
      var chunked =
          new CodeChunker(tokens, new ChunkingOptions(128, 1 << 20, 0))
              .chunk("app.min.js", line + "\n");

      assertThat(chunked.chunks().stream().map(Chunk::text).collect(Collectors.joining()))
          .isEqualTo(line.toString());
      assertThat(chunked.chunks()).allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(128));
    }
  }

  @Test
  void aSmallFileIsOneChunkWithItsMetadata() {
    String source = javaClass(2);
    List<Chunk> chunks =
        chunk("src/Demo.java", source, new ChunkingOptions(512, 100_000, 0)).chunks();
    assertThat(chunks).hasSize(1);
    Chunk chunk = chunks.get(0);
    assertThat(chunk.path()).isEqualTo("src/Demo.java");
    assertThat(chunk.language()).isEqualTo("java");
    assertThat(chunk.startLine()).isEqualTo(1);
    assertThat(chunk.endLine()).isEqualTo(source.split("\n").length);
    assertThat(chunk.text()).isEqualTo(source);
    assertThat(chunk.tokens()).isEqualTo(counter.count(source));
    assertThat(chunk.contentHash()).isEqualTo(Chunk.sha256(source));
  }

  @Test
  void cutsAtBlankLinesSoMethodsStayWhole() {
    String source = javaClass(40);
    List<Chunk> chunks = chunk("Demo.java", source, new ChunkingOptions(120, 100_000, 0)).chunks();
    assertThat(chunks).hasSizeGreaterThan(3);
    for (Chunk chunk : chunks.subList(0, chunks.size() - 1)) {
      assertThat(chunk.tokens()).isLessThanOrEqualTo(120);
      // every cut is right before a blank line's successor: the chunk ends with a closing brace
      assertThat(chunk.text().stripTrailing()).endsWith("}");
    }
  }

  @Test
  void anOverLongLineIsSplitAndReported() {
    String minified = "var a=" + "1+".repeat(3000) + "1;\n";
    var chunked = chunk("app.min.js", minified, new ChunkingOptions(100, 100_000, 0));
    assertThat(chunked.splitLines()).isEqualTo(1);
    assertThat(chunked.chunks()).hasSizeGreaterThan(10);
    assertThat(chunked.chunks()).allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(100));
    assertThat(chunked.chunks().stream().map(Chunk::text).collect(Collectors.joining()))
        .isEqualTo(minified.stripTrailing());
  }

  @Test
  void overlapRepeatsLinesAcrossACut() {
    String source = javaClass(20);
    List<Chunk> chunks = chunk("Demo.java", source, new ChunkingOptions(80, 100_000, 2)).chunks();
    for (int i = 1; i < chunks.size(); i++) {
      assertThat(chunks.get(i).startLine()).isLessThanOrEqualTo(chunks.get(i - 1).endLine());
    }
  }

  @Test
  void blankFilesHaveNoChunks() {
    assertThat(chunk("x.txt", "\n\n  \n", new ChunkingOptions(80, 1000, 0)).chunks()).isEmpty();
  }

  @Property(tries = 150)
  void everyChunkFitsAndEveryNonBlankLineIsCovered(
      @ForAll @StringLength(max = 3000) String content,
      @ForAll @IntRange(min = 8, max = 200) int maxTokens,
      @ForAll @IntRange(min = 0, max = 3) int overlap) {
    var chunked = chunk("f.txt", content, new ChunkingOptions(maxTokens, 100_000, overlap));
    String[] lines = content.split("\n", -1);
    boolean[] covered = new boolean[lines.length + 1];
    for (Chunk chunk : chunked.chunks()) {
      assertThat(chunk.tokens()).isLessThanOrEqualTo(maxTokens);
      assertThat(counter.count(chunk.text())).isEqualTo(chunk.tokens());
      for (int line = chunk.startLine(); line <= chunk.endLine(); line++) {
        covered[line] = true;
      }
    }
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        assertThat(covered[i + 1]).as("line %d is in some chunk", i + 1).isTrue();
      }
    }
  }
}
