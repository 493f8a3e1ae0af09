package io.signalhub.indexing.status;

import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.pipeline.JobsApi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /}, {@code GET /jobs/{id}} and {@code GET /jobs}: thin over {@link JobsApi}, which
 * answers JSON, or the status page when the {@code Accept} header prefers HTML.
 */
@Path("/")
public class JobsResource {

  @Inject JobsApi api;
  @Inject PipelineMetrics metrics;

  @GET
  public Response home(
      @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor,
      @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return served(api.list(limit, cursor, accept, "jobs/"));
  }

  @GET
  @Path("/jobs/{id}")
  public Response job(@PathParam("id") String id, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return served(api.job(id, accept));
  }

  @GET
  @Path("/jobs")
  public Response list(
      @QueryParam("limit") String limit,
      @QueryParam("cursor") String cursor,
      @HeaderParam(HttpHeaders.ACCEPT) String accept) {
    return served(api.list(limit, cursor, accept, "jobs/"));
  }

  /** The reply, after counting this environment's cold start (the first request it serves). */
  private Response served(JobsApi.Reply reply) {
    metrics.requestServed();
    return respond(reply);
  }

  /** The reply's bytes as they are: JSON or the page, chosen by {@link JobsApi}. */
  static Response respond(JobsApi.Reply reply) {
    return Response.status(reply.status())
        .type(reply.contentType())
        .header(HttpHeaders.VARY, HttpHeaders.ACCEPT)
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .entity(reply.bytes())
        .build();
  }
}
