package io.signalhub.indexing.status;

import io.signalhub.indexing.core.pipeline.JobsApi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code GET /jobs/{id}} and {@code GET /jobs}: thin over {@link JobsApi}. */
@Path("/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

  @Inject JobsApi api;

  @GET
  @Path("/{id}")
  public Response job(@PathParam("id") String id) {
    return respond(api.job(id));
  }

  @GET
  public Response list(@QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
    return respond(api.list(limit, cursor));
  }

  private static Response respond(JobsApi.Reply reply) {
    return Response.status(reply.status()).entity(reply.body()).build();
  }
}
