package io.signalhub.indexing.status;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
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

  /** GETs {@code path} as a browser does; expects {@code status} and an HTML page. */
  private static ValidatableResponse page(String path, int status) {
    return given()
        .accept("text/html")
        .get(path)
        .then()
        .statusCode(status)
        .contentType(startsWith("text/html"));
  }

  @Test
  void aRawApiGatewayEventForAJobReturnsItsStatus() throws Exception {
    invoke("/events/api-gateway-get-job.json")
        .statusCode(200)
        .body("statusCode", equalTo(200))
        .body("body", containsString("\"jobId\":\"status-test-job\""))
        .body("body", containsString("\"status\":\"PENDING\""));
  }

  @Test
  void aBrowsersRawApiGatewayEventGetsThePageAsText() throws Exception {
    invoke("/events/api-gateway-get-job-page.json")
        .statusCode(200)
        .body("statusCode", equalTo(200))
        .body("isBase64Encoded", equalTo(false))
        .body("headers.Content-Type", startsWith("text/html"))
        .body("body", startsWith("<!doctype html>"))
        .body("body", containsString("role=\"progressbar\""))
        .body("body", containsString("status-test-job"));
  }

  @Test
  void jsonStaysTheDefaultAndAcceptTextHtmlGetsThePage() {
    given()
        .get("/jobs/status-test-job")
        .then()
        .statusCode(200)
        .contentType(startsWith("application/json"))
        .header("Vary", "Accept");
    page("/jobs/status-test-job", 200)
        .body(containsString("id=\"completed\" data-value=\"0\""))
        .body(containsString("ETA"));
    page("/jobs/no-such-job", 404).body(containsString("no job"));
  }

  @Test
  void theRootListsJobsAsAPageForBrowsersAndAsJsonOtherwise() {
    page("/", 200).body(containsString("href=\"jobs/status-test-job\""));
    given().get("/").then().statusCode(200).body("jobs.size()", greaterThan(0));
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

  /** Hands a raw API Gateway event fixture to the function, as Lambda does. */
  private static ValidatableResponse invoke(String fixture) throws Exception {
    String event;
    try (InputStream in = JobsResourceTest.class.getResourceAsStream(fixture)) {
      event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    return given().contentType("application/json").body(event).post("/_lambda_").then();
  }
}
