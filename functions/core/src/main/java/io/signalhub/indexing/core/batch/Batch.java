package io.signalhub.indexing.core.batch;

import java.util.List;

/**
 * Items packed for one request, with their summed tokens and estimated request bytes.
 *
 * @param sequence 0-based position of the batch in its stream
 */
public record Batch<T>(long sequence, List<T> items, long tokens, long bytes) {

  public int size() {
    return items.size();
  }
}
