package io.signalhub.indexing.bench;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One scenario's measurements. Ratios are to the naive scenario of the same run. */
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
    Double filesPerMinute) {

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
        filesPerMinute);
  }
}
