package io.signalhub.indexing.core.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.page.ContentNegotiation;
import io.signalhub.indexing.core.page.StatusPage;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The status API's behaviour, whatever serves it (the Lambda's JAX-RS resource, the local runtime's
 * HTTP server): validation, 400/404 with a message, the JSON-able body — or, for a client whose
 * {@code Accept} header prefers HTML (a browser), the same answer as a page ({@link StatusPage}).
 */
public final class JobsApi {

  public static final String JSON = "application/json";
  public static final String HTML = "text/html; charset=utf-8";

  private static final ObjectMapper MAPPER =
      new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /** How many jobs the page's list shows. */
  static final int PAGE_JOBS = 50;

  /** An HTTP status, a content type and a body: a String for HTML, anything else as JSON. */
  public record Reply(int status, String contentType, Object body) {

    /** A JSON reply. */
    public Reply(int status, Object body) {
      this(status, JSON, body);
    }

    /** The body as the bytes to send. */
    public byte[] bytes() {
      if (body instanceof String text && !JSON.equals(contentType)) {
        return text.getBytes(StandardCharsets.UTF_8);
      }
      try {
        return MAPPER.writeValueAsBytes(body);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Cannot serialize the status reply", e);
      }
    }
  }

  private final JobStatusService status;

  public JobsApi(JobStatusService status) {
    this.status = status;
  }

  /** {@code GET /jobs/{id}}. */
  public Reply job(String id) {
    if (!Keys.isJobId(id)) {
      return error(400, Keys.malformedJobId(id));
    }
    return status
        .job(id)
        .map(view -> new Reply(200, (Object) view))
        .orElseGet(() -> error(404, "no job '" + id + "'"));
  }

  /** {@code GET /jobs/{id}}, as a page when {@code accept} prefers HTML. */
  public Reply job(String id, String accept) {
    Reply json = job(id);
    if (!ContentNegotiation.prefersHtml(accept)) {
      return json;
    }
    return json.body() instanceof JobView view
        ? new Reply(200, HTML, StatusPage.job(view))
        : page(json, id == null ? "Job" : "Job " + id);
  }

  /** {@code GET /jobs?limit=&cursor=}. */
  public Reply list(String limitText, String cursor) {
    int limit;
    try {
      limit = limitText == null ? 20 : Integer.parseInt(limitText);
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > 100) {
      return error(400, "limit must be between 1 and 100");
    }
    try {
      return new Reply(200, status.list(limit, cursor));
    } catch (IllegalArgumentException e) {
      return error(400, "malformed cursor; pass the nextCursor of the previous page");
    }
  }

  /**
   * {@code GET /jobs} and {@code GET /}: the JSON page of jobs, or for a browser the jobs list
   * page.
   *
   * @param jobLinkPrefix how the page links a job relative to where it is served ({@code "jobs/"}
   *     from {@code /} and {@code /jobs})
   */
  public Reply list(String limitText, String cursor, String accept, String jobLinkPrefix) {
    if (!ContentNegotiation.prefersHtml(accept)) {
      return list(limitText, cursor);
    }
    Reply json = list(limitText == null ? Integer.toString(PAGE_JOBS) : limitText, cursor);
    return json.body() instanceof JobStatusService.Page page
        ? new Reply(200, HTML, StatusPage.jobs(page.jobs(), jobLinkPrefix))
        : page(json, "Jobs");
  }

  private static Reply page(Reply error, String title) {
    Object message =
        error.body() instanceof Map<?, ?> map ? map.get("error") : String.valueOf(error.body());
    return new Reply(error.status(), HTML, StatusPage.error(title, String.valueOf(message)));
  }

  private static Reply error(int status, String message) {
    return new Reply(status, Map.of("error", message));
  }
}
