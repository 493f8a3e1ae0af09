package io.signalhub.indexing.status;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.signalhub.indexing.aws.AwsPipeline;
import io.signalhub.indexing.aws.it.EmbeddedAwsTestResource;
import io.signalhub.indexing.core.job.JobRecord;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedAwsTestResource.class)
class JobsResourceTest {

  @Inject AwsPipeline pipeline;

  @BeforeEach
  void aJobExists() {
    pipeline
        .jobs()
        .createIfAbsent(
            JobRecord.pending(
                "status-test-job",
                "manifests/status-test-job.json",
                "local",
                "all-minilm-l6-v2-q",
                384,
                Instant.now()));
  }

  @Test
  void aRawApiGatewayEventForAJobReturnsItsStatus() throws Exception {
    String event;
    try (InputStream in = getClass().getResourceAsStream("/events/api-gateway-get-job.json")) {
      event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    given()
        .contentType("application/json")
        .body(event)
        .post("/_lambda_")
        .then()
        .statusCode(200)
        .body("statusCode", equalTo(200))
        .body("body", containsString("\"jobId\":\"status-test-job\""))
        .body("body", containsString("\"status\":\"PENDING\""));
  }

  @Test
  void getJobReportsCountersRateAndEta() {
    given()
        .get("/jobs/status-test-job")
        .then()
        .statusCode(200)
        .body("jobId", equalTo("status-test-job"))
        .body("status", equalTo("PENDING"))
        .body("total", equalTo(0))
        .body("totalFinal", equalTo(false))
        .body("etaProvisional", equalTo(true))
        .body("estimatedCostUsd", equalTo(0.0f))
        .body("createdAt", notNullValue());
  }

  @Test
  void anUnknownJobIs404AndAMalformedIdIs400() {
    given().get("/jobs/no-such-job").then().statusCode(404).body("error", containsString("no job"));
    given()
        .get("/jobs/bad%20id!")
        .then()
        .statusCode(400)
        .body("error", containsString("malformed job id"));
  }

  @Test
  void listsRecentJobsWithPaging() {
    given().get("/jobs?limit=1").then().statusCode(200).body("jobs.size()", equalTo(1));
    given().get("/jobs?limit=0").then().statusCode(400);
    given()
        .get("/jobs?cursor=garbage")
        .then()
        .statusCode(400)
        .body("error", containsString("cursor"));
  }
}
