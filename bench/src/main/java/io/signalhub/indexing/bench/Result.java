package io.signalhub.indexing.bench;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.signalhub.indexing.simulator.SimulatorStats;

/**
 * One row of the benchmark table, shared by every scenario. Ratios are to the naive scenario of the
 * same run; {@code ratioVsPeer}, where set, to the hand-tuned LangChain4j peer of the same run. The
 * component names are the JSON fields of {@code scripts/bench --json} (docs/benchmarks.md): add a
 * field at the end, rename none.
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
    Double ratioVsPeer,
    Double filesPerMinute,
    Double priceRatioVsOnDemand,
    Boolean sameChunks,
    Boolean sameVectors) {

  /** A row of {@code part} named {@code scenario}; every measurement zero or absent until set. */
  static Builder row(String part, String scenario) {
    return new Builder(part, scenario);
  }

  /** This row, to change some of its values. */
  Builder toBuilder() {
    return row(part, scenario)
        .chunks(chunks)
        .seconds(seconds)
        .chunksPerSecond(chunksPerSecond)
        .requests(requests)
        .status429(status429)
        .tokens(tokens)
        .ratioVsNaive(ratioVsNaive)
        .rateLimitUtilisation(rateLimitUtilisation)
        .note(note)
        .ratioVsPeer(ratioVsPeer)
        .filesPerMinute(filesPerMinute)
        .priceRatioVsOnDemand(priceRatioVsOnDemand)
        .sameChunks(sameChunks)
        .sameVectors(sameVectors);
  }

  /** This result with the rate-limit utilisation set and a note appended. */
  Result withUtilisation(Double utilisation, String more) {
    return toBuilder()
        .rateLimitUtilisation(utilisation)
        .note((note == null ? "" : note + "; ") + more)
        .build();
  }

  /** This result with its chunks/s divided by the peer's ({@code ratioVsPeer}). */
  Result withRatioVsPeer(double peerRate) {
    return toBuilder()
        .ratioVsPeer(peerRate > 0 && chunksPerSecond > 0 ? chunksPerSecond / peerRate : null)
        .build();
  }

  /** Named setters for {@link Result}, so that a new field changes no scenario but its own. */
  static final class Builder {
    private final String part;
    private final String scenario;
    private long chunks;
    private double seconds;
    private double chunksPerSecond;
    private long requests;
    private long status429;
    private long tokens;
    private Double ratioVsNaive;
    private Double rateLimitUtilisation;
    private String note;
    private Double ratioVsPeer;
    private Double filesPerMinute;
    private Double priceRatioVsOnDemand;
    private Boolean sameChunks;
    private Boolean sameVectors;

    private Builder(String part, String scenario) {
      this.part = part;
      this.scenario = scenario;
    }

    Builder chunks(long chunks) {
      this.chunks = chunks;
      return this;
    }

    Builder seconds(double seconds) {
      this.seconds = seconds;
      return this;
    }

    Builder chunksPerSecond(double chunksPerSecond) {
      this.chunksPerSecond = chunksPerSecond;
      return this;
    }

    Builder requests(long requests) {
      this.requests = requests;
      return this;
    }

    Builder status429(long status429) {
      this.status429 = status429;
      return this;
    }

    Builder tokens(long tokens) {
      this.tokens = tokens;
      return this;
    }

    /** Requests, 429s and tokens the simulated provider counted. */
    Builder served(SimulatorStats stats) {
      return requests(stats.requests()).status429(stats.throttled()).tokens(stats.tokens());
    }

    Builder ratioVsNaive(Double ratioVsNaive) {
      this.ratioVsNaive = ratioVsNaive;
      return this;
    }

    Builder rateLimitUtilisation(Double rateLimitUtilisation) {
      this.rateLimitUtilisation = rateLimitUtilisation;
      return this;
    }

    Builder note(String note) {
      this.note = note;
      return this;
    }

    /** Chunks/s over the hand-tuned LangChain4j peer's of the same run. */
    Builder ratioVsPeer(Double ratioVsPeer) {
      this.ratioVsPeer = ratioVsPeer;
      return this;
    }

    /** Files a fan-out read, chunked and registered per minute (the fan-out rows). */
    Builder filesPerMinute(Double filesPerMinute) {
      this.filesPerMinute = filesPerMinute;
      return this;
    }

    /** What the provider bills for a run over what it bills on demand (the economy row). */
    Builder priceRatioVsOnDemand(Double priceRatioVsOnDemand) {
      this.priceRatioVsOnDemand = priceRatioVsOnDemand;
      return this;
    }

    /** Whether two runs compared in the row produced the same chunks (the economy row). */
    Builder sameChunks(Boolean sameChunks) {
      this.sameChunks = sameChunks;
      return this;
    }

    /** Whether two runs compared in the row wrote the same vector lines (the economy row). */
    Builder sameVectors(Boolean sameVectors) {
      this.sameVectors = sameVectors;
      return this;
    }

    Result build() {
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
          ratioVsPeer,
          filesPerMinute,
          priceRatioVsOnDemand,
          sameChunks,
          sameVectors);
    }
  }
}
