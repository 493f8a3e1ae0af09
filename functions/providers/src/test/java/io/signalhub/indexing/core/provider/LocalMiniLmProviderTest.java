package io.signalhub.indexing.core.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real embedded model, no mocks. */
class LocalMiniLmProviderTest {

  private static LocalMiniLmProvider provider;

  @BeforeAll
  static void load() {
    provider = new LocalMiniLmProvider(2);
  }

  @AfterAll
  static void close() {
    provider.close();
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0, na = 0, nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void embedsInInputOrderWithMeaningfulSimilarity() {
    List<String> inputs =
        List.of(
            "public int add(int a, int b) { return a + b; }",
            "The weather in Paris is sunny today.",
            "int sum(int x, int y) { return x + y; }");
    EmbeddingResponse response = provider.embed(inputs);

    assertThat(response.vectors()).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(384));
    double codeToCode = cosine(response.vectors().get(0), response.vectors().get(2));
    double codeToWeather = cosine(response.vectors().get(0), response.vectors().get(1));
    assertThat(codeToCode).isGreaterThan(codeToWeather + 0.2);
    assertThat(response.tokens()).isPositive();
    // batching must not change a vector: same text alone gives the same embedding
    assertThat(provider.embed(List.of(inputs.get(1))).vectors().get(0))
        .usingComparatorWithPrecision(1e-5f)
        .containsExactly(response.vectors().get(1));
  }

  @Test
  void countsWordpiecesWithTheSpecialTokensAndTruncatesToTheLimit() {
    var counter = provider.tokenCounter();
    assertThat(counter.count("hello world")).isEqualTo(4);
    String longText = "tokenization ".repeat(200);
    String cut = counter.truncate(longText, 128);
    assertThat(counter.count(cut)).isLessThanOrEqualTo(128).isGreaterThan(120);
    assertThat(longText).startsWith(cut);
  }

  @Test
  void chunksForTheLocalModelNeverPassItsSilentTruncationLimit() {
    String source =
        "class A {\n" + "  void method() { call(argument, another, third); }\n".repeat(300) + "}\n";
    var chunks =
        new CodeChunker(provider.tokenCounter(), new ChunkingOptions(128, 100_000, 1))
            .chunk("A.java", source)
            .chunks();
    assertThat(chunks).hasSizeGreaterThan(5);
    assertThat(chunks)
        .allSatisfy(
            c -> assertThat(provider.tokenCounter().count(c.text())).isLessThanOrEqualTo(128));
  }
}
