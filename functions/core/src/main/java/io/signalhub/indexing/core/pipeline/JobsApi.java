package io.signalhub.indexing.core.pipeline;

import java.util.Map;

/**
 * The status API's behaviour, whatever serves it (the Lambda's JAX-RS resource, the local runtime's
 * HTTP server): validation, 400/404 with a message, the JSON-able body.
 */
public final class JobsApi {

  /** An HTTP status and a body to serialize as JSON. */
  public record Reply(int status, Object body) {}

  private final JobStatusService status;

  public JobsApi(JobStatusService status) {
    this.status = status;
  }

  /** {@code GET /jobs/{id}}. */
  public Reply job(String id) {
    if (id == null || !Keys.JOB_ID.matcher(id).matches()) {
      return error(
          400, "malformed job id '" + id + "': letters, digits, '.', '_' and '-', at most 128");
    }
    return status
        .job(id)
        .map(view -> new Reply(200, (Object) view))
        .orElseGet(() -> error(404, "no job '" + id + "'"));
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

  private static Reply error(int status, String message) {
    return new Reply(status, Map.of("error", message));
  }
}
