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
    String note) {}
