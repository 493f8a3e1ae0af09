package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.pipeline.JobView;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.VectorRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * What {@code search} found: the chunks of a job's stored vectors closest to a query (cosine
 * similarity, exact scan), as a person reads them or one JSON document a program parses.
 *
 * @param chunks how many chunks the job's index holds (all were scanned)
 * @param complete whether the index holds every chunk of a job that completed
 * @param incomplete why not, in one line; null when complete
 */
record SearchResults(
    String query, Job job, long chunks, boolean complete, String incomplete, List<Result> results) {

  /** The job searched. */
  record Job(
      String jobId, String status, String repository, String provider, String model, long total) {}

  /** One chunk found, lines inclusive. */
  record Result(double score, String path, int startLine, int endLine, String text) {}

  /** The {@code k} chunks of {@code job}'s vectors closest to {@code queryVector}, best first. */
  static SearchResults scan(
      String query, float[] queryVector, JobView job, BlobStore blobs, int k) {
    record Hit(double score, VectorRecord record) {}
    PriorityQueue<Hit> best = new PriorityQueue<>(Comparator.comparingDouble(Hit::score));
    long scanned = 0;
    for (String key : blobs.list(Keys.vectorsPrefix(job.jobId()))) {
      for (String line : new String(blobs.read(key), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        VectorRecord record = VectorRecord.parse(line);
        scanned++;
        best.add(new Hit(cosine(queryVector, record.vector()), record));
        if (best.size() > k) {
          best.poll();
        }
      }
    }
    List<Result> results = new ArrayList<>();
    best.stream()
        .sorted(Comparator.comparingDouble(Hit::score).reversed())
        .forEach(
            hit -> {
              var chunk = hit.record().chunk();
              results.add(
                  new Result(
                      hit.score(), chunk.path(), chunk.startLine(), chunk.endLine(), chunk.text()));
            });
    String incomplete = incomplete(job, scanned);
    return new SearchResults(
        query,
        new Job(
            job.jobId(), job.status(), job.repository(), job.provider(), job.model(), job.total()),
        scanned,
        incomplete == null,
        incomplete,
        results);
  }

  /**
   * Why a job's index lacks chunks, or null if it holds them all: a job that did not complete
   * (cancelled, failed, still running) or completed with failures stored only some.
   */
  static String incomplete(JobView job, long held) {
    if ("COMPLETED".equals(job.status()) && held >= job.total()) {
      return null;
    }
    String holds = String.format("its index holds %,d of %,d chunks", held, job.total());
    return PipelineRun.isTerminal(job.status())
        ? "job " + job.jobId() + " ended " + job.status() + ": " + holds
        : "job " + job.jobId() + " is " + job.status() + ": " + holds + " so far";
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  /**
   * The header, the note on a partial index, then each result with its first {@code lines} lines.
   *
   * @param hint said after the header (which other jobs can be searched), or ""
   */
  String toText(int lines, String hint) {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            "%s in job %s (repository %s, %s)%s%n",
            resultsOf(results.size(), chunks), job.jobId(), job.repository(), job.model(), hint));
    if (incomplete != null) {
      text.append(incomplete).append(System.lineSeparator());
    }
    text.append(System.lineSeparator());
    for (Result result : results) {
      text.append(
          String.format(
              "%.3f  %s:%d-%d%n",
              result.score(), result.path(), result.startLine(), result.endLine()));
      result
          .text()
          .lines()
          .limit(lines)
          .forEach(line -> text.append("       ").append(line).append(System.lineSeparator()));
      text.append(System.lineSeparator());
    }
    return text.toString();
  }

  /** "1 result of 1 chunk", "5 results of 1,344 chunks". */
  static String resultsOf(int results, long scanned) {
    return IndexSummary.count(results, "result", "results")
        + " of "
        + IndexSummary.count(scanned, "chunk", "chunks");
  }

  String toJson() {
    return Json.write(this);
  }
}
