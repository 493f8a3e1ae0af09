package io.signalhub.indexing.core.batch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Packs a stream of items into batches that never break their {@link BatchBounds}, greedily and in
 * order, pulling items only as batches are asked for: memory holds one batch, whatever the length
 * of the stream. Batch sizes follow content: many small items or few large ones. The bounds may
 * change between batches ({@link RequestSizer}); each batch keeps those it opened with.
 */
public final class Batcher<T> {

  private final Supplier<BatchBounds> bounds;
  private final ToLongFunction<T> tokens;
  private final ToLongFunction<T> bytes;

  public Batcher(BatchBounds bounds, ToLongFunction<T> tokens, ToLongFunction<T> bytes) {
    this(() -> bounds, tokens, bytes);
  }

  /** Bounds asked for as each batch opens; their per-item limit must not change. */
  public Batcher(Supplier<BatchBounds> bounds, ToLongFunction<T> tokens, ToLongFunction<T> bytes) {
    this.bounds = bounds;
    this.tokens = tokens;
    this.bytes = bytes;
  }

  /** The bounds the next batch opens with. */
  public BatchBounds bounds() {
    return bounds.get();
  }

  /**
   * Batches of the given items, lazily.
   *
   * @throws IllegalArgumentException (from the iterator) for an item that alone breaks a bound;
   *     callers apply their oversize policy before batching
   */
  public Iterator<Batch<T>> batches(Iterator<T> items) {
    Packer packer = packer(0);
    return new Iterator<>() {
      private T carried;

      @Override
      public boolean hasNext() {
        return carried != null || items.hasNext();
      }

      @Override
      public Batch<T> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        while (carried != null || items.hasNext()) {
          T item = carried != null ? carried : items.next();
          carried = null;
          if (!packer.fits(item)) {
            carried = item;
            break;
          }
          packer.add(item);
        }
        return packer.drain();
      }
    };
  }

  /** Packs items one at a time, for callers that must know where each batch ends. */
  public Packer packer(long firstSequence) {
    return new Packer(firstSequence);
  }

  /** The open batch: whether an item still fits, add it, take the batch. */
  public final class Packer {
    private final List<T> items = new ArrayList<>();
    private BatchBounds open;
    private long tokenSum;
    private long byteSum;
    private long sequence;

    private Packer(long firstSequence) {
      this.sequence = firstSequence;
    }

    /** Whether the item fits the open batch (always, if it is empty). */
    public boolean fits(T item) {
      long itemTokens = tokens.applyAsLong(item);
      long itemBytes = bytes.applyAsLong(item);
      checkFitsAlone(opened(), itemTokens, itemBytes);
      return items.isEmpty()
          || (items.size() + 1 <= open.maxItems()
              && tokenSum + itemTokens <= open.maxTokens()
              && byteSum + itemBytes <= open.maxBytes());
    }

    public void add(T item) {
      opened();
      items.add(item);
      tokenSum += tokens.applyAsLong(item);
      byteSum += bytes.applyAsLong(item);
    }

    /** The open batch's bounds, asked for when it opens. */
    private BatchBounds opened() {
      if (open == null) {
        open = bounds.get();
      }
      return open;
    }

    public boolean isEmpty() {
      return items.isEmpty();
    }

    /** The number the next batch will get. */
    public long nextSequence() {
      return sequence;
    }

    /** The open batch, numbered, and a new empty one. */
    public Batch<T> drain() {
      Batch<T> batch = new Batch<>(sequence++, List.copyOf(items), tokenSum, byteSum);
      items.clear();
      open = null;
      tokenSum = 0;
      byteSum = 0;
      return batch;
    }
  }

  private static void checkFitsAlone(BatchBounds bounds, long itemTokens, long itemBytes) {
    if (itemTokens > bounds.maxTokensPerItem() || itemBytes > bounds.maxBytes()) {
      throw new IllegalArgumentException(
          "An item of %d tokens and %d bytes exceeds the per-item limits (%d tokens, %d bytes)"
              .formatted(itemTokens, itemBytes, bounds.maxTokensPerItem(), bounds.maxBytes()));
    }
  }

  /** Bytes a string takes as a JSON string literal in UTF-8, quotes and a separator included. */
  public static long jsonStringBytes(String text) {
    long size = 3;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
        size += 2;
      } else if (c < 0x20) {
        size += 6;
      } else if (c < 0x80) {
        size += 1;
      } else if (c < 0x800) {
        size += 2;
      } else if (Character.isHighSurrogate(c)) {
        size += 4;
        i++;
      } else {
        size += 3;
      }
    }
    return size;
  }
}
