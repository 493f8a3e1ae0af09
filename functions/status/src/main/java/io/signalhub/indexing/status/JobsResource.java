package io.signalhub.indexing.status;

import io.signalhub.indexing.core.pipeline.JobStatusService;
import io.signalhub.indexing.core.pipeline.Keys;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** {@code GET /jobs/{id}} and {@code GET /jobs}: thin over {@link JobStatusService}. */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

  @Inject JobStatusService status;

  @GET
  @Path("/{id}")
  public Response job(@PathParam("id") String id) {
    if (!Keys.JOB_ID.matcher(id).matches()) {
      return error(
          Response.Status.BAD_REQUEST,
          "malformed job id '" + id + "': letters, digits, '.', '_' and '-', at most 128");
    }
    return status
        .job(id)
        .map(view -> Response.ok(view).build())
        .orElseGet(() -> error(Response.Status.NOT_FOUND, "no job '" + id + "'"));
  }

  @GET
  public Response list(
      @QueryParam("limit") @DefaultValue("20") int limit, @QueryParam("cursor") String cursor) {
    if (limit < 1 || limit > 100) {
      return error(Response.Status.BAD_REQUEST, "limit must be between 1 and 100");
    }
    try {
      return Response.ok(status.list(limit, cursor)).build();
    } catch (IllegalArgumentException e) {
      return error(
          Response.Status.BAD_REQUEST,
          "malformed cursor; pass the nextCursor of the previous page");
    }
  }

  private static Response error(Response.Status status, String message) {
    return Response.status(status).entity(Map.of("error", message)).build();
  }
}
