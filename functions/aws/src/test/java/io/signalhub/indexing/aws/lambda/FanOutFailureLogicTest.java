package io.signalhub.indexing.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.signalhub.indexing.core.MutableClock;
import io.signalhub.indexing.core.job.InMemoryJobStore;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.pipeline.FanOutFailureService;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanOutFailureLogicTest {

  private final InMemoryJobStore jobs = new InMemoryJobStore();
  private final FanOutFailureService service =
      new FanOutFailureService(jobs, "bedrock", "amazon.titan-embed-text-v2:0", new MutableClock());

  private static String fixture(String name) throws IOException {
    try (InputStream in = FanOutFailureLogicTest.class.getResourceAsStream("/events/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static SQSEvent event(String... bodies) {
    SQSEvent event = new SQSEvent();
    List<SQSEvent.SQSMessage> records = new java.util.ArrayList<>();
    for (int i = 0; i < bodies.length; i++) {
      SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
      record.setMessageId("m" + i);
      record.setBody(bodies[i]);
      records.add(record);
    }
    event.setRecords(records);
    return event;
  }

  @Test
  void lambdasDestinationRecordNamesTheManifestAndTheError() throws IOException {
    var failed = FanOutFailureLogic.parse(fixture("lambda-destination-failure.json"));

    assertThat(failed.manifestKeys()).containsExactly("manifests/repo-1.json");
    assertThat(failed.reason())
        .isEqualTo(
            "RetriesExhausted after 3 attempts: software.amazon.awssdk.core.exception"
                + ".SdkClientException: Unable to execute HTTP request: Connect timed out");
  }

  @Test
  void aDeadLetteredContinuationIsItsManifestKey() {
    var failed = FanOutFailureLogic.parse("manifests/job-7.json");

    assertThat(failed.manifestKeys()).containsExactly("manifests/job-7.json");
    assertThat(failed.reason()).contains("continuation failed on every receive");
  }

  @Test
  void theLocalRuntimesRecordReadsBackAsLambdasDoes() throws IOException {
    String s3Event =
        "{\"Records\":[{\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"manifests/j.json\"}}}]}";
    String record =
        FanOutFailureLogic.destinationRecord(
            s3Event,
            "arn:aws:lambda:us-east-1:000000000000:function:fanout",
            3,
            new IllegalStateException("boom"),
            Instant.parse("2026-11-24T00:00:00Z"));

    var failed = FanOutFailureLogic.parse(record);
    assertThat(failed.manifestKeys()).containsExactly("manifests/j.json");
    assertThat(failed.reason())
        .isEqualTo("RetriesExhausted after 3 attempts: java.lang.IllegalStateException: boom");
  }

  @Test
  void eachMessageEndsItsJobAndOnlyUnreadableOnesAreRedelivered() throws IOException {
    var response =
        FanOutFailureLogic.process(
            event(fixture("lambda-destination-failure.json"), "manifests/job-7.json", "{broken"),
            service);

    assertThat(response.getBatchItemFailures())
        .extracting(f -> f.getItemIdentifier())
        .containsExactly("m2");
    assertThat(jobs.get("job-7").orElseThrow().status()).isEqualTo(JobStatus.FAILED);
    // the fan-out never created this one: it exists now, FAILED, with the reason
    var job = jobs.get("repo-1").orElseThrow();
    assertThat(job.status()).isEqualTo(JobStatus.FAILED);
    assertThat(job.state().reason())
        .startsWith("fan-out failed: RetriesExhausted after 3 attempts");
  }
}
