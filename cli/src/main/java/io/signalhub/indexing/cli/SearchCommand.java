package io.signalhub.indexing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.core.pipeline.JobView;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderCheck;
import io.signalhub.indexing.core.provider.ProviderSettings;
import java.util.List;
import java.util.Map;
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

  @Option(
      names = "--base-url",
      description =
          "The endpoint the query is embedded at, for a job embedded with openai (its"
              + " OpenAI-compatible base URL; default: OPENAI_BASE_URL, else api.openai.com) or"
              + " bedrock (endpoint override); refused for the others.")
  java.net.URI baseUrl;

  @Option(
      names = "--json",
      description =
          "Print one JSON object on stdout: the query, the job searched, whether its index is"
              + " complete, and the results (path, lines, score, text).")
  boolean json;

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
      SearchResults found =
          SearchResults.scan(query, embedQuery(job, environment), job, stack.pipeline().blobs(), k);
      System.out.print(
          json
              ? found.toJson() + "\n"
              : found.toText(
                  lines,
                  jobId == null && repository == null
                      ? "; the newest completed job: --repository or --job to search another"
                      : ""));
      return 0;
    }
  }

  /**
   * The query's vector from the provider and model the job was embedded with; a provider that
   * cannot answer is a usage error naming it and what to check, as {@code index}'s check says.
   */
  private float[] embedQuery(JobView job, Map<String, String> environment) {
    ProviderSettings settings =
        ProviderSettings.fromEnvironment(environment)
            .withProvider(job.provider())
            .withModel(job.model());
    if (baseUrl != null) {
      Options.baseUrlActsOn(job.provider(), "job " + job.jobId() + " was embedded with", "");
      settings = settings.withBaseUrl(baseUrl);
    }
    Options.validateProvider(settings);
    try (EmbeddingProvider provider = EmbeddingProviders.create(settings)) {
      return provider.embed(List.of(query)).vectors().get(0);
    } catch (EmbeddingException e) {
      throw ProviderCheck.explain(e, ProviderCheck.where(settings))
          .<RuntimeException>map(UsageException::new)
          .orElse(e);
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
}
