package io.signalhub.indexing.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real embedded model, no mocks. */
class LocalMiniLmProviderTest {

  private static LocalMiniLmProvider provider;
  private static LocalMiniLmProvider alone;

  @BeforeAll
  static void load() {
    provider = new LocalMiniLmProvider(3);
    alone = new LocalMiniLmProvider(1);
  }

  @AfterAll
  static void close() {
    provider.close();
    alone.close();
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
  void closingDuringARequestEndsItWithAnErrorAndNeverFreesTheSessionUnderARun() throws Exception {
    // Ctrl-C closes the provider while batches run: freeing the native session under a running
    // call crashed the JVM (SIGSEGV in OrtSession.run); now the request ends with an error
    List<String> texts = new ArrayList<>();
    // 2,000 texts at the 128-wordpiece limit: seconds of work on any machine, so every close
    // below lands mid-request (400 short texts once finished before the last one on a quiet one)
    for (int i = 0; i < 2_000; i++) {
      texts.add(("void method" + i + "() { return compute(" + i + ", other); }\n").repeat(12));
    }
    for (long delayMillis : new long[] {0, 20, 60, 150, 400}) {
      LocalMiniLmProvider closing = new LocalMiniLmProvider(2);
      CompletableFuture<EmbeddingResponse> request =
          CompletableFuture.supplyAsync(
              () -> closing.embed(texts), runnable -> new Thread(runnable).start());
      Thread.sleep(delayMillis);
      closing.close();

      assertThat(request)
          .failsWithin(Duration.ofSeconds(30))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(EmbeddingException.class)
          .withMessageContaining("closed");
      assertThatThrownBy(() -> closing.embed(List.of("after close")))
          .isInstanceOf(EmbeddingException.class)
          .hasMessageContaining("closed");
    }
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
  }

  @Test
  void aRequestRunInParallelGivesEachTextTheVectorItGetsAloneBitForBitInInputOrder() {
    // lengths from 3 to 128 wordpieces, shuffled, so parallel calls finish out of input order
    List<String> inputs = new ArrayList<>();
    for (int words : new int[] {40, 1, 90, 7, 120, 3, 60, 15, 100, 30, 2, 75}) {
      inputs.add("word%d ".formatted(words).repeat(words) + "in text " + inputs.size());
    }
    List<float[]> together = provider.embed(inputs).vectors();

    assertThat(together).hasSize(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      assertThat(together.get(i))
          .as("input %d", i)
          .isEqualTo(alone.embed(List.of(inputs.get(i))).vectors().get(0));
    }
  }

  @Test
  void vectorsAreLangchain4jsOwnBitForBitWhateverTheText() {
    // langchain4j's model with its own session and executor: what the cache held before
    var reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
    List<String> inputs =
        List.of(
            "public int add(int a, int b) { return a + b; }",
            "naïve café – emoji 🚀 and 中文 text ﬁ ligature",
            // 600 wordpieces: both cut it at the tokenizer's 128
            "partition ".repeat(600));
    List<float[]> vectors = provider.embed(inputs).vectors();
    for (int i = 0; i < inputs.size(); i++) {
      assertThat(vectors.get(i))
          .as("input %d", i)
          .isEqualTo(reference.embed(inputs.get(i)).content().vector());
    }
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
