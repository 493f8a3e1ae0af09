package io.signalhub.indexing.core.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Source code quotes special tokens: they are counted and chunked as the plain text sent. */
class Cl100kTokenCounterTest {

  private final Cl100kTokenCounter counter = Cl100kTokenCounter.instance();

  @ParameterizedTest
  @ValueSource(strings = {"endoftext", "fim_prefix", "fim_middle", "fim_suffix", "endofprompt"})
  void countsASpecialTokenAsTheTextSentForIt(String name) {
    String quoted = "text = prompt + \"<|" + name + "|>\"\n";

    assertThat(counter.count(quoted))
        .isEqualTo(counter.count("text = prompt + \"<" + name + ">\"\n"))
        .isPositive();
    assertThat(Cl100kTokenCounter.withoutSpecialTokens(quoted)).doesNotContain("<|" + name + "|>");
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 64})
  void aFileQuotingSpecialTokensIsChunkedWholeAndUnchanged(int maxTokens) {
    StringBuilder file = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      file.append("EOS_").append(i).append(" = \"<|endoftext|>\"  # separates documents\n");
    }
    var chunker = new CodeChunker(counter, new ChunkingOptions(maxTokens, 100_000, 0));

    var chunked = chunker.chunk("tokenizer.py", file.toString());

    assertThat(chunked.chunks()).isNotEmpty();
    assertThat(chunked.chunks())
        .allSatisfy(c -> assertThat(c.tokens()).isLessThanOrEqualTo(maxTokens));
    assertThat(chunked.chunks().stream().map(Chunk::text).reduce("", String::concat))
        .isEqualTo(file.toString());
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 50, 400})
  void truncatesALineQuotingSpecialTokensToAPrefixOfItsOwnText(int maxTokens) {
    String line = "<|endoftext|> next document ".repeat(200);

    String prefix = counter.truncate(line, maxTokens);

    assertThat(line).startsWith(prefix);
    assertThat(prefix).isNotEmpty();
    assertThat(counter.count(prefix)).isLessThanOrEqualTo(maxTokens);
    assertThat(counter.count(line.substring(0, prefix.length() + 1))).isGreaterThan(maxTokens);
  }
}
