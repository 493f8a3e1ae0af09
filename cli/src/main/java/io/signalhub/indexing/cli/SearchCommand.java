package io.signalhub.indexing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.core.pipeline.JobView;
import io.signalhub.indexing.core.pipeline.Keys;
import io.signalhub.indexing.core.pipeline.VectorRecord;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code signal-hub search "<query>"}: embeds the query with the job's model and prints the closest
 * chunks from the stored vectors (cosine similarity, exact scan).
 */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = "Search an index: the chunks closest to a query.")
public final class SearchCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "QUERY",
      description = "What to look for, in words or code.")
  String query;

  @Option(
      names = {"-k", "--top"},
      defaultValue = "5",
      description = "How many results (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--job",
      description = "The job whose vectors to search (default: the most recent completed job).")
  String jobId;

  @Option(
      names = "--repository",
      description =
          "Search the most recent completed job of this repository (the name 'index' used: the"
              + " directory's, or its --repository).")
  String repository;

  @Option(
      names = "--lines",
      defaultValue = "4",
      description = "Lines of text shown per result (default: ${DEFAULT-VALUE}).")
  int lines;

  private record Hit(double score, VectorRecord record) {}

  @Override
  public Integer call() throws Exception {
    if (query.isBlank()) {
      throw new UsageException("the query is empty; say what to look for, e.g. search \"retry\"");
    }
    Options.range("-k/--top", k, 1, 1000);
    Options.range("--lines", lines, 0, 1000);
    if (jobId != null && repository != null) {
      throw new UsageException("--job and --repository exclude each other; choose one");
    }
    Options.jobId(jobId);
    Map<String, String> environment = System.getenv();
    ProviderSettings settings = ProviderSettings.fromEnvironment(environment);
    try (StackConnection stack = StackConnection.open(environment)) {
      JobView job =
          jobId != null
              ? stack.status().job(jobId).orElse(null)
              : latestCompleted(stack.status(), repository);
      if (job == null) {
        System.err.println(
            "error: "
                + (jobId != null
                    ? "no job '" + jobId + "' in " + stack.description()
                    : repository != null
                        ? "no completed job of repository '"
                            + repository
                            + "' in "
                            + stack.description()
                            + "; run scripts/index first"
                        : "no completed job yet in "
                            + stack.description()
                            + "; run scripts/index first"));
        return 2;
      }
      try (EmbeddingProvider provider =
          EmbeddingProviders.create(settings.withProvider(job.provider()).withModel(job.model()))) {
        float[] q = provider.embed(List.of(query)).vectors().get(0);
        PriorityQueue<Hit> best = new PriorityQueue<>(Comparator.comparingDouble(Hit::score));
        long scanned = 0;
        for (String key : stack.pipeline().blobs().list(Keys.vectorsPrefix(job.jobId()))) {
          for (String line :
              new String(stack.pipeline().blobs().read(key), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
              continue;
            }
            VectorRecord record = VectorRecord.parse(line);
            scanned++;
            best.add(new Hit(cosine(q, record.vector()), record));
            if (best.size() > k) {
              best.poll();
            }
          }
        }
        List<Hit> results = new ArrayList<>(best);
        results.sort(Comparator.comparingDouble(Hit::score).reversed());
        System.out.printf(
            "%s in job %s (repository %s, %s)%s%n%n",
            resultsOf(results.size(), scanned),
            job.jobId(),
            job.repository(),
            job.model(),
            jobId == null && repository == null
                ? "; the newest completed job: --repository or --job to search another"
                : "");
        for (Hit hit : results) {
          var chunk = hit.record().chunk();
          System.out.printf("%.3f  %s%n", hit.score(), chunk.location());
          chunk.text().lines().limit(lines).forEach(text -> System.out.println("       " + text));
          System.out.println();
        }
        return 0;
      }
    }
  }

  /** The newest completed job (of {@code repository}, when given) among the last 100. */
  private static JobView latestCompleted(StatusClient status, String repository) throws Exception {
    JsonNode page = status.list(100);
    for (JsonNode job : page.path("jobs")) {
      String state = job.path("status").asText();
      if ((state.equals("COMPLETED") || state.equals("COMPLETED_WITH_FAILURES"))
          && (repository == null || repository.equals(job.path("repository").asText()))) {
        return status.job(job.path("jobId").asText()).orElse(null);
      }
    }
    return null;
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

  /** "1 result of 1 chunk", "5 results of 1,344 chunks". */
  static String resultsOf(int results, long scanned) {
    return IndexSummary.count(results, "result", "results")
        + " of "
        + IndexSummary.count(scanned, "chunk", "chunks");
  }
}
