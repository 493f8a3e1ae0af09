package io.signalhub.indexing.core;

import io.signalhub.indexing.core.cache.CacheKey;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Turns the input chunks of one run into the items to batch, lazily: counts tokens where unknown,
 * applies the oversize policy, settles empty chunks, and holds back a chunk whose identical twin is
 * already in flight ({@link InFlightIndex}). Chunks it settles itself go to {@code report}.
 */
final class ChunkPlanner {

  private final EmbeddingProvider provider;
  private final int maxTokensPerItem;
  private final OversizePolicy oversizePolicy;
  private final InFlightIndex inFlight;
  private final ProgressTracker tracker;
  private final Consumer<ChunkResult> report;

  ChunkPlanner(
      EmbeddingProvider provider,
      int maxTokensPerItem,
      OversizePolicy oversizePolicy,
      InFlightIndex inFlight,
      ProgressTracker tracker,
      Consumer<ChunkResult> report) {
    this.provider = provider;
    this.maxTokensPerItem = maxTokensPerItem;
    this.oversizePolicy = oversizePolicy;
    this.inFlight = inFlight;
    this.tracker = tracker;
    this.report = report;
  }

  /**
   * The items to embed, pulled from {@code chunks} as they are asked for.
   *
   * @param countTotal whether each chunk adds to the tracker's total (the input's size is unknown),
   *     which becomes final when the input ends
   */
  Iterator<WorkItem> items(Iterator<Chunk> chunks, boolean countTotal) {
    return new LookaheadIterator<>() {
      private long ordinal;

      @Override
      protected WorkItem computeNext() {
        while (chunks.hasNext()) {
          if (countTotal) {
            tracker.addTotal(1);
          }
          WorkItem item = plan(chunks.next(), ordinal++);
          if (item != null) {
            return item;
          }
        }
        if (countTotal) {
          tracker.markTotalFinal();
        }
        return null;
      }
    };
  }

  /** The item to batch, or null when the chunk is settled or waits for its twin. */
  WorkItem plan(Chunk chunk, long position) {
    Chunk sized =
        chunk.tokens() >= 0 ? chunk : chunk.withTokens(provider.tokenCounter().count(chunk.text()));
    if (sized.tokens() > maxTokensPerItem
        || sized.text().length() > provider.limits().maxCharsPerInput()) {
      if (oversizePolicy == OversizePolicy.FAIL) {
        report.accept(
            new ChunkResult(
                position,
                sized,
                null,
                "chunk has %d tokens, over the model's limit of %d"
                    .formatted(sized.tokens(), maxTokensPerItem),
                false));
        return null;
      }
      sized = truncate(sized);
      tracker.truncated();
    }
    if (sized.text().isEmpty()) {
      report.accept(new ChunkResult(position, sized, null, "chunk is empty", false));
      return null;
    }
    WorkItem item =
        new WorkItem(
            position, sized, CacheKey.of(provider.model(), provider.dimensions(), sized.text()));
    InFlightIndex.Claim claim = inFlight.claim(item);
    return switch (claim.standing()) {
      case LEADS -> item;
      case WAITS -> null;
      case TWIN_SETTLED -> {
        ChunkResult twin = claim.twin();
        report.accept(
            new ChunkResult(position, sized, twin.vector(), twin.failure(), twin.succeeded()));
        yield null;
      }
    };
  }

  private Chunk truncate(Chunk chunk) {
    String text = provider.tokenCounter().truncate(chunk.text(), maxTokensPerItem);
    int maxChars = provider.limits().maxCharsPerInput();
    if (text.length() > maxChars) {
      text = text.substring(0, maxChars);
    }
    return chunk.withText(text, provider.tokenCounter().count(text));
  }
}
