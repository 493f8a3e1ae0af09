package io.signalhub.indexing.core.page;

import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.pipeline.JobView;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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

  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  private StatusPage() {}

  /** {@code GET /}: the jobs, newest first. Links are relative, so any stage prefix works. */
  public static String jobs(List<JobView> jobs, String jobLinkPrefix) {
    boolean running = jobs.stream().anyMatch(job -> !terminal(job.status()));
    StringBuilder rows = new StringBuilder();
    for (JobView job : jobs) {
      String href = jobLinkPrefix + Html.escape(job.jobId());
      rows.append("<tr data-job=\"")
          .append(Html.escape(job.jobId()))
          .append("\"><td><span class=\"status ")
          .append(statusClass(job.status()))
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
          .append(count(job.completed() + job.failed()))
          .append(" / ")
          .append(count(job.total()))
          .append(job.totalFinal() ? "" : "+")
          .append("</small></td><td>")
          .append(when(job.createdAt()))
          .append("</td><td>")
          .append(duration(job.elapsedSeconds()))
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
    return document("Signal Hub jobs", running, "<h1>Jobs</h1>" + body);
  }

  /** {@code GET /jobs/{id}} for a browser. */
  public static String job(JobView job) {
    boolean running = !terminal(job.status());
    StringBuilder main = new StringBuilder();
    main.append("<p class=\"crumbs\"><a href=\"../\">All jobs</a></p>")
        .append("<h1>")
        .append(Html.escape(job.repository().isEmpty() ? job.jobId() : job.repository()))
        .append(" <span id=\"status\" class=\"status ")
        .append(statusClass(job.status()))
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
        .append(when(job.createdAt()))
        .append("</p>");
    if (job.reason() != null && !job.reason().isBlank()) {
      main.append("<p class=\"reason\">").append(Html.escape(job.reason())).append("</p>");
    }
    main.append(bar(job, false))
        .append("<p class=\"percent\">")
        .append(String.format(Locale.ROOT, "%.1f%%", job.percent()))
        .append(" · ")
        .append(count(job.completed() + job.failed()))
        .append(" of ")
        .append(count(job.total()))
        .append(" chunks")
        .append(job.totalFinal() ? "" : " (total still growing: the fan-out is reading files)")
        .append("</p>");
    main.append("<dl class=\"counts\">")
        .append(fact("completed", "Completed", count(job.completed()), job.completed()))
        .append(fact("failed", "Failed", count(job.failed()), job.failed()))
        .append(fact("cached", "Cached", count(job.cached()), job.cached()))
        .append(fact("total", "Total", count(job.total()), job.total()))
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
        .append(fact("elapsed", "Elapsed", duration(job.elapsedSeconds()), job.elapsedSeconds()))
        .append(
            fact(
                "cost",
                "Cost",
                job.estimatedCostUsd() == null
                    ? "no published price"
                    : String.format(Locale.ROOT, "$%.4f", job.estimatedCostUsd()),
                job.estimatedCostUsd() == null ? 0 : job.estimatedCostUsd()))
        .append(fact("requests", "API calls", count(job.apiCalls()), job.apiCalls()))
        .append(fact("tokens", "Tokens", count(job.tokens()), job.tokens()))
        .append(fact("throttled", "429s", count(throttled), throttled))
        .append(fact("retries", "Retries", count(retries), retries))
        .append("</dl>");
    main.append(providerBatches(job));
    main.append("<section><h2>Chunks per second, per minute</h2>")
        .append(RateChart.svg(job.history()))
        .append(RateChart.table(job.history()))
        .append("</section>");
    main.append(failures(job));
    return document(
        (job.repository().isEmpty() ? job.jobId() : job.repository()) + " · " + job.status(),
        running,
        main.toString());
  }

  /** An error (404, 400) as a page. */
  public static String error(String title, String message) {
    return document(
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
            ? "<p>The first " + failures.size() + " of " + count(job.failed()) + ".</p>"
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
    boolean running = !terminal(job.status());
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
          .append(count(batch.done()))
          .append(" of ")
          .append(count(batch.requests()))
          .append(" requests)")
          .append(batch.outcome() == null ? "" : ": " + Html.escape(batch.outcome()))
          .append("</li>");
    }
    return section.append("</ul></section>").toString();
  }

  private static String eta(JobView job) {
    if (terminal(job.status())) {
      return "done";
    }
    if (job.etaSeconds() == null) {
      return job.economy() != null ? job.economy().eta() : "unknown (no recent progress)";
    }
    return "~" + duration(job.etaSeconds()) + (job.etaProvisional() ? " (provisional)" : "");
  }

  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  static String duration(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private static String when(String iso) {
    try {
      return WHEN.format(Instant.parse(iso));
    } catch (RuntimeException e) {
      return Html.escape(iso);
    }
  }

  static String clock(String iso) {
    return CLOCK.format(Instant.parse(iso));
  }

  static boolean terminal(String status) {
    return io.signalhub.indexing.core.job.JobStatus.valueOf(status).terminal();
  }

  private static String statusClass(String status) {
    return switch (status) {
      case "COMPLETED" -> "ok";
      case "COMPLETED_WITH_FAILURES", "CANCELLED" -> "warn";
      case "FAILED" -> "bad";
      default -> "run";
    };
  }

  private static String document(String title, boolean running, String main) {
    return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        // Nothing but the page itself may be fetched: no CDN, no fonts, no beacons.
        + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        + "style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
        + "img-src data:; base-uri 'none'; form-action 'none'\">"
        + (running
            ? "<noscript><meta http-equiv=\"refresh\" content=\""
                + REFRESH_SECONDS
                + "\"></noscript>"
            : "")
        + "<title>"
        + Html.escape(title)
        + "</title><style>"
        + STYLE
        + "</style></head><body data-running=\""
        + running
        + "\"><main id=\"page\">"
        + main
        + "<p class=\"foot\">Signal Hub Indexing · "
        + (running
            ? "refreshes every " + REFRESH_SECONDS + " s while running"
            : "finished: no refresh")
        + " · JSON: the same URL without <code>Accept: text/html</code></p></main><script>"
        + SCRIPT
        + "</script></body></html>";
  }

  /** Fetches the page again and swaps its content while the job runs. */
  private static final String SCRIPT =
      "(function(){var ms="
          + REFRESH_SECONDS * 1000
          + ";function tick(){if(document.body.dataset.running!=='true')return;"
          + "fetch(location.href,{headers:{Accept:'text/html'},cache:'no-store'})"
          + ".then(function(r){return r.text()}).then(function(t){"
          + "var d=new DOMParser().parseFromString(t,'text/html');var m=d.getElementById('page');"
          + "if(m){document.getElementById('page').replaceWith(m);"
          + "document.body.dataset.running=d.body.dataset.running;document.title=d.title;}"
          + "}).catch(function(){}).finally(function(){setTimeout(tick,ms)});}"
          + "setTimeout(tick,ms);})();";

  private static final String STYLE =
      """
      :root{color-scheme:light dark;--fg:#1b1f24;--muted:#5d6670;--bg:#fff;--line:#d5dae0;\
      --ok:#1f883d;--bad:#cf222e;--warn:#9a6700;--run:#0969da;--track:#e8ecf0}
      @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9aa5b1;--bg:#0d1117;\
      --line:#30363d;--track:#21262d;--run:#4493f8;--ok:#3fb950}}
      *{box-sizing:border-box}
      body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;\
      color:var(--fg);background:var(--bg)}
      main{max-width:60rem;margin:0 auto;padding:1rem}
      h1{font-size:1.4rem;margin:.2rem 0;overflow-wrap:anywhere}
      h2{font-size:1.05rem;margin:1.4rem 0 .4rem}
      a{color:var(--run)}
      code{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;overflow-wrap:anywhere}
      small{display:block;color:var(--muted);font-size:12px;overflow-wrap:anywhere}
      .meta,.crumbs,.foot,.percent{color:var(--muted);margin:.3rem 0}
      .foot{margin-top:2rem;font-size:12px}
      .reason{border-left:4px solid var(--bad);padding:.3rem .6rem;overflow-wrap:anywhere}
      .status{font-size:.75rem;font-weight:600;padding:.1rem .45rem;border-radius:1rem;\
      color:#fff;background:var(--run);vertical-align:middle;white-space:nowrap}
      .status.ok{background:var(--ok)}.status.bad{background:var(--bad)}\
      .status.warn{background:var(--warn)}
      .bar{display:flex;height:1.1rem;background:var(--track);border-radius:.55rem;overflow:hidden;\
      margin:.8rem 0 .2rem}
      .bar.compact{height:.5rem;margin:.2rem 0;min-width:5rem}
      .bar .done{background:var(--run);transition:width .6s}
      body[data-running=false] .bar .done{background:var(--ok)}
      .bar .bad{background:var(--bad)}
      dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(8.5rem,1fr));gap:.5rem;\
      margin:.8rem 0}
      dl div{border:1px solid var(--line);border-radius:.4rem;padding:.4rem .6rem}
      dt{color:var(--muted);font-size:12px}
      dd{margin:0;font-size:1.15rem;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
      .facts dd{font-size:1rem}
      table{width:100%;border-collapse:collapse;font-size:14px}
      th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid var(--line);\
      vertical-align:top}
      th{color:var(--muted);font-weight:500;font-size:12px}
      td{font-variant-numeric:tabular-nums}
      .jobs td:nth-child(3){width:28%}
      .repo{overflow-wrap:anywhere}
      svg.chart{width:100%;height:auto;display:block;border:1px solid var(--line);border-radius:.4rem}
      svg .rate{fill:var(--run)}svg .throttled{fill:var(--bad)}
      svg text{fill:var(--muted);font:11px system-ui,sans-serif}
      svg .grid{stroke:var(--line);stroke-width:1}
      details{margin-top:.5rem}summary{cursor:pointer;color:var(--muted)}
      .empty{color:var(--muted)}
      @media (max-width:36rem){main{padding:.6rem}.jobs th:nth-child(4),\
      .jobs td:nth-child(4){display:none}h1{font-size:1.2rem}}
      """;
}
