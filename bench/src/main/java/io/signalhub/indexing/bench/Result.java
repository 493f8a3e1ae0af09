package io.signalhub.indexing.bench;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One scenario's measurements. Ratios are to the naive scenario of the same run; {@code
 * ratioVsPeer}, where set, to the peer's hand-tuned {@code embedAll} of the same run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Result(
    String part,
    String scenario,
    long chunks,
    double seconds,
    double chunksPerSecond,
    long requests,
    long status429,
    long tokens,
    Double ratioVsNaive,
    Double rateLimitUtilisation,
    String note,
    Double ratioVsPeer) {

  Result(
      String part,
      String scenario,
      long chunks,
      double seconds,
      double chunksPerSecond,
      long requests,
      long status429,
      long tokens,
      Double ratioVsNaive,
      Double rateLimitUtilisation,
      String note) {
    this(
        part,
        scenario,
        chunks,
        seconds,
        chunksPerSecond,
        requests,
        status429,
        tokens,
        ratioVsNaive,
        rateLimitUtilisation,
        note,
        null);
  }

  /** This result with its ratio to the peer's rate set. */
  Result withRatioVsPeer(double peerRate) {
    return new Result(
        part,
        scenario,
        chunks,
        seconds,
        chunksPerSecond,
        requests,
        status429,
        tokens,
        ratioVsNaive,
        rateLimitUtilisation,
        note,
        peerRate > 0 && chunksPerSecond > 0 ? chunksPerSecond / peerRate : null);
  }

  /** This result with the rate-limit utilisation set and a note appended. */
  Result withUtilisation(Double utilisation, String more) {
    return new Result(
        part,
        scenario,
        chunks,
        seconds,
        chunksPerSecond,
        requests,
        status429,
        tokens,
        ratioVsNaive,
        utilisation,
        (note == null ? "" : note + "; ") + more,
        ratioVsPeer);
  }
}
