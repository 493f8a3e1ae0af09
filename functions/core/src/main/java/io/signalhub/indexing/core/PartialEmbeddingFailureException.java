package io.signalhub.indexing.core;

import java.util.List;

/**
 * Some chunks failed for good. Carries every vector that did succeed (in input order, null where
 * the chunk failed) so no work is lost.
 */
public final class PartialEmbeddingFailureException extends RuntimeException {

  private final transient List<float[]> vectors;
  private final List<String> failures;

  public PartialEmbeddingFailureException(List<float[]> vectors, List<String> failures) {
    super(
        failures.size()
            + " of "
            + vectors.size()
            + " chunks failed; first: "
            + (failures.isEmpty() ? "none" : failures.get(0)));
    this.vectors = vectors;
    this.failures = List.copyOf(failures);
  }

  public List<float[]> vectors() {
    return vectors;
  }

  public List<String> failures() {
    return failures;
  }
}
