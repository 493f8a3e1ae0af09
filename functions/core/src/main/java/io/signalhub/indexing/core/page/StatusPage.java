package io.signalhub.indexing.core.page;

import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.pipeline.JobView;
import java.util.List;
import java.util.Locale;

/**
 * The status API as a page for people: the jobs list and one job (progress bar, counts, rate chart,
 * ETA, cost, failures). Rendered on the server from the same {@link JobView} the JSON carries, so
 * both always agree.
 *
 * <p>Self-contained: styles, script and the chart (inline SVG) are in the page, and its
 * Content-Security-Policy forbids fetching anything but the page itself, so it works offline and
 * behind the CLI's signing proxy. While a job runs, a few lines of script fetch the page again
 * every {@value #REFRESH_SECONDS} seconds and swap its content in place (no flicker, no lost
 * scroll); without script, a meta refresh does the same.
 */
public final class StatusPage {

  /** How often a page showing a running job refreshes itself. */
  public static final int REFRESH_SECONDS = 3;

  private StatusPage() {}

  /** {@code GET /}: the jobs, newest first. Links are relative, so any stage prefix works. */
  public static String jobs(List<JobView> jobs, String jobLinkPrefix) {
    boolean running = jobs.stream().anyMatch(job -> !PageText.terminal(job.status()));
    StringBuilder rows = new StringBuilder();
    for (JobView job : jobs) {
      String href = jobLinkPrefix + Html.escape(job.jobId());
      rows.append("<tr data-job=\"")
          .append(Html.escape(job.jobId()))
          .append("\"><td><span class=\"status ")
          .append(PageText.statusClass(job.status()))
          .append("\">")
          .append(Html.escape(job.status()))
          .append("</span></td><td class=\"repo\"><a href=\"")
          .append(href)
          .append("\">")
          .append(Html.escape(job.repository().isEmpty() ? job.jobId() : job.repository()))
          .append("</a><small>")
          .append(Html.escape(job.jobId()))
          .append("</small></td><td>")
          .append(bar(job, true))
          .append("<small>")
          .append(PageText.count(job.completed() + job.failed()))
          .append(" / ")
          .append(PageText.count(job.total()))
          .append(job.totalFinal() ? "" : "+")
          .append("</small></td><td>")
          .append(PageText.when(job.createdAt()))
          .append("</td><td>")
          .append(PageText.duration(job.elapsedSeconds()))
          .append("</td></tr>");
    }
    String body =
        jobs.isEmpty()
            ? "<p class=\"empty\">No jobs yet. Upload a manifest to <code>manifests/&lt;job&gt;.json</code>"
                + " or run <code>scripts/index ./dir</code>.</p>"
            : "<table class=\"jobs\"><thead><tr><th>Status</th><th>Repository</th><th>Progress</th>"
                + "<th>Started</th><th>Elapsed</th></tr></thead><tbody>"
                + rows
                + "</tbody></table>";
    return PageDocument.document("Signal Hub jobs", running, "<h1>Jobs</h1>" + body);
  }

  /** {@code GET /jobs/{id}} for a browser. */
  public static String job(JobView job) {
    boolean running = !PageText.terminal(job.status());
    StringBuilder main = new StringBuilder();
    main.append("<p class=\"crumbs\"><a href=\"../\">All jobs</a></p>")
        .append("<h1>")
        .append(Html.escape(job.repository().isEmpty() ? job.jobId() : job.repository()))
        .append(" <span id=\"status\" class=\"status ")
        .append(PageText.statusClass(job.status()))
        .append("\">")
        .append(Html.escape(job.status()))
        .append("</span></h1>")
        .append("<p class=\"meta\">job <code>")
        .append(Html.escape(job.jobId()))
        .append("</code> · ")
        .append(Html.escape(job.provider()))
        .append(" / ")
        .append(Html.escape(job.model()))
        .append(" · started ")
        .append(PageText.when(job.createdAt()))
        .append("</p>");
    if (job.reason() != null && !job.reason().isBlank()) {
      main.append("<p class=\"reason\">").append(Html.escape(job.reason())).append("</p>");
    }
    main.append(bar(job, false))
        .append("<p class=\"percent\">")
        .append(String.format(Locale.ROOT, "%.1f%%", job.percent()))
        .append(" · ")
        .append(PageText.count(job.completed() + job.failed()))
        .append(" of ")
        .append(PageText.count(job.total()))
        .append(" chunks")
        .append(job.totalFinal() ? "" : " (total still growing: the fan-out is reading files)")
        .append("</p>");
    main.append("<dl class=\"counts\">")
        .append(fact("completed", "Completed", PageText.count(job.completed()), job.completed()))
        .append(fact("failed", "Failed", PageText.count(job.failed()), job.failed()))
        .append(fact("cached", "Cached", PageText.count(job.cached()), job.cached()))
        .append(fact("total", "Total", PageText.count(job.total()), job.total()))
        .append("</dl>");
    long throttled = 0;
    long retries = 0;
    for (JobView.Minute minute :
        job.history() == null ? List.<JobView.Minute>of() : job.history()) {
      throttled += minute.throttled();
      retries += minute.retries();
    }
    main.append("<dl class=\"facts\">")
        .append(rate(job))
        .append(fact("eta", "ETA", eta(job), job.etaSeconds() == null ? -1 : job.etaSeconds()))
        .append(
            fact(
                "elapsed",
                "Elapsed",
                PageText.duration(job.elapsedSeconds()),
                job.elapsedSeconds()))
        .append(
            fact(
                "cost",
                "Cost",
                job.estimatedCostUsd() == null
                    ? "no published price"
                    : String.format(Locale.ROOT, "$%.4f", job.estimatedCostUsd()),
                job.estimatedCostUsd() == null ? 0 : job.estimatedCostUsd()))
        .append(fact("requests", "API calls", PageText.count(job.apiCalls()), job.apiCalls()))
        .append(fact("tokens", "Tokens", PageText.count(job.tokens()), job.tokens()))
        .append(fact("throttled", "429s", PageText.count(throttled), throttled))
        .append(fact("retries", "Retries", PageText.count(retries), retries))
        .append("</dl>");
    main.append(providerBatches(job));
    main.append("<section><h2>Chunks per second, per minute</h2>")
        .append(RateChart.svg(job.history()))
        .append(RateChart.table(job.history()))
        .append("</section>");
    main.append(failures(job));
    return PageDocument.document(
        (job.repository().isEmpty() ? job.jobId() : job.repository()) + " · " + job.status(),
        running,
        main.toString());
  }

  /** An error (404, 400) as a page. */
  public static String error(String title, String message) {
    return PageDocument.document(
        title,
        false,
        "<p class=\"crumbs\"><a href=\"../\">All jobs</a></p><h1>"
            + Html.escape(title)
            + "</h1><p class=\"reason\">"
            + Html.escape(message)
            + "</p>");
  }

  private static String failures(JobView job) {
    List<Failure> failures = job.failures() == null ? List.of() : job.failures();
    if (failures.isEmpty()) {
      return "<section><h2>Failures</h2><p class=\"empty\" id=\"no-failures\">None.</p></section>";
    }
    StringBuilder rows = new StringBuilder();
    for (Failure failure : failures) {
      rows.append("<tr><td><code>")
          .append(Html.escape(failure.location()))
          .append("</code></td><td>")
          .append(Html.escape(failure.reason()))
          .append("</td></tr>");
    }
    return "<section><h2>Failures</h2>"
        + (job.failed() > failures.size()
            ? "<p>The first " + failures.size() + " of " + PageText.count(job.failed()) + ".</p>"
            : "")
        + "<table class=\"failures\"><thead><tr><th>Where (path:lines)</th><th>Why</th></tr></thead>"
        + "<tbody>"
        + rows
        + "</tbody></table></section>";
  }

  private static String bar(JobView job, boolean compact) {
    double percent = Math.max(0, Math.min(100, job.percent()));
    double failedPercent =
        job.total() == 0 ? 0 : Math.min(percent, 100.0 * job.failed() / job.total());
    return "<div class=\""
        + (compact ? "bar compact" : "bar")
        + "\" role=\"progressbar\" aria-label=\"progress\" aria-valuemin=\"0\" aria-valuemax=\"100\""
        + " aria-valuenow=\""
        + String.format(Locale.ROOT, "%.1f", percent)
        + "\"><div class=\"done\" style=\"width:"
        + String.format(Locale.ROOT, "%.2f", percent - failedPercent)
        + "%\"></div><div class=\"bad\" style=\"width:"
        + String.format(Locale.ROOT, "%.2f", failedPercent)
        + "%\"></div></div>";
  }

  private static String fact(String id, String label, String text, double value) {
    return "<div><dt>"
        + label
        + "</dt><dd id=\""
        + id
        + "\" data-value=\""
        + (value == Math.rint(value)
            ? Long.toString((long) value)
            : String.format(Locale.ROOT, "%.4f", value))
        + "\">"
        + Html.escape(text)
        + "</dd></div>";
  }

  /**
   * The last minute's rate while running; once ended, the job's average over its whole run: every
   * chunk done (completed, cached included, or failed), the same figure the CLI prints.
   */
  private static String rate(JobView job) {
    boolean running = !PageText.terminal(job.status());
    double rate =
        running || job.elapsedSeconds() <= 0
            ? job.chunksPerSecond()
            : (job.completed() + job.failed()) / job.elapsedSeconds();
    return fact(
        "rate",
        running ? "Rate now" : "Average rate",
        String.format(Locale.ROOT, "%.1f chunks/s", rate),
        rate);
  }

  /** Economy mode: each provider batch's state, e.g. "in_progress 40%", and what became of it. */
  private static String providerBatches(JobView job) {
    if (job.economy() == null) {
      return "";
    }
    StringBuilder section =
        new StringBuilder("<section><h2>Economy mode: provider batches</h2><p class=\"meta\">")
            .append("Half price through the provider's batch API; expired or failed batches: ")
            .append(Html.escape(job.economy().fallback()))
            .append("</p><ul class=\"provider-batches\">");
    for (JobView.ProviderBatchView batch : job.economy().providerBatches()) {
      section
          .append("<li><code>")
          .append(Html.escape(batch.submission()))
          .append("</code> ")
          .append(Html.escape(batch.summary()))
          .append(" (")
          .append(PageText.count(batch.done()))
          .append(" of ")
          .append(PageText.count(batch.requests()))
          .append(" requests)")
          .append(batch.outcome() == null ? "" : ": " + Html.escape(batch.outcome()))
          .append("</li>");
    }
    return section.append("</ul></section>").toString();
  }

  private static String eta(JobView job) {
    if (PageText.terminal(job.status())) {
      // a cancelled or failed job will not finish: "done" read as if it had
      return job.status().startsWith("COMPLETED") ? "done" : "none (" + job.status() + ")";
    }
    if (job.etaSeconds() == null) {
      return job.economy() != null ? job.economy().eta() : "unknown (no recent progress)";
    }
    return "~"
        + PageText.duration(job.etaSeconds())
        + (job.etaProvisional() ? " (provisional)" : "");
  }
}
