package io.signalhub.indexing.core.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class BatcherPropertiesTest {

  record Item(int id, int tokens, String text) {}

  @Provide
  Arbitrary<List<Item>> items() {
    Arbitrary<Item> item =
        Combinators.combine(
                Arbitraries.integers().between(1, 512),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(300))
            .as((tokens, text) -> new Item(0, tokens, text));
    return item.list().ofMaxSize(400).map(BatcherPropertiesTest::numbered);
  }

  private static List<Item> numbered(List<Item> items) {
    List<Item> result = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      result.add(new Item(i, items.get(i).tokens(), items.get(i).text()));
    }
    return result;
  }

  private static List<Batch<Item>> batch(List<Item> items, BatchBounds bounds) {
    Batcher<Item> batcher =
        new Batcher<>(bounds, Item::tokens, item -> Batcher.jsonStringBytes(item.text()));
    List<Batch<Item>> batches = new ArrayList<>();
    batcher.batches(items.iterator()).forEachRemaining(batches::add);
    return batches;
  }

  @Property(tries = 300)
  void noBatchBreaksALimit(
      @ForAll("items") List<Item> items,
      @ForAll @IntRange(min = 1, max = 64) int maxItems,
      @ForAll @IntRange(min = 512, max = 4096) int maxTokens,
      @ForAll @IntRange(min = 1300, max = 20_000) int maxBytes) {
    BatchBounds bounds = new BatchBounds(maxItems, maxTokens, 512, maxBytes);
    for (Batch<Item> batch : batch(items, bounds)) {
      assertThat(batch.items()).isNotEmpty().hasSizeLessThanOrEqualTo(maxItems);
      assertThat(batch.items().stream().mapToLong(Item::tokens).sum())
          .isEqualTo(batch.tokens())
          .isLessThanOrEqualTo(maxTokens);
      assertThat(batch.bytes()).isLessThanOrEqualTo(maxBytes);
    }
  }

  @Property(tries = 300)
  void everyItemAppearsOnceInOrder(
      @ForAll("items") List<Item> items, @ForAll @IntRange(min = 1, max = 100) int maxItems) {
    List<Item> flattened = new ArrayList<>();
    List<Batch<Item>> batches = batch(items, new BatchBounds(maxItems, 2048, 512, 1 << 20));
    batches.forEach(batch -> flattened.addAll(batch.items()));
    assertThat(flattened).containsExactlyElementsOf(items);
    for (int i = 0; i < batches.size(); i++) {
      assertThat(batches.get(i).sequence()).isEqualTo(i);
    }
  }

  @Property(tries = 200)
  void batchesAreFullWhenTheNextItemWouldNotFit(
      @ForAll("items") List<Item> items, @ForAll @IntRange(min = 1, max = 50) int maxItems) {
    BatchBounds bounds = new BatchBounds(maxItems, 4096, 512, Long.MAX_VALUE);
    List<Batch<Item>> batches = batch(items, bounds);
    for (int i = 0; i + 1 < batches.size(); i++) {
      Batch<Item> batch = batches.get(i);
      Item nextItem = batches.get(i + 1).items().get(0);
      boolean full =
          batch.size() == maxItems || batch.tokens() + nextItem.tokens() > bounds.maxTokens();
      assertThat(full).as("batch %d was closed early", i).isTrue();
    }
  }

  @Property(tries = 100)
  void batchSizesFollowContent(@ForAll @IntRange(min = 1, max = 512) int tokensEach) {
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      items.add(new Item(i, tokensEach, "x"));
    }
    List<Batch<Item>> batches = batch(items, new BatchBounds(2048, 8192, 512, Long.MAX_VALUE));
    assertThat(batches.get(0).size()).isEqualTo(Math.min(200, 8192 / tokensEach));
  }

  @Property(tries = 50)
  void jsonBytesMatchWhatJacksonWrites(@ForAll String text) throws Exception {
    String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    assertThat(Batcher.jsonStringBytes(text))
        .isGreaterThanOrEqualTo(json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1);
  }
}
