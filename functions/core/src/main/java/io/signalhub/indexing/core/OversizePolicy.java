package io.signalhub.indexing.core;

/**
 * What happens to a chunk longer than the model accepts. Either way it is counted and reported
 * ({@code truncated} or {@code failed} in progress), never silently cut by the provider.
 */
public enum OversizePolicy {
  /** Embed the longest prefix that fits; counted in {@code Progress.truncated()}. */
  TRUNCATE,
  /** Fail the chunk with a reason naming its size and the limit. */
  FAIL
}
