package io.signalhub.indexing.local.deployed;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IamCheckTest {

  private static final String BUCKET = "arn:aws:s3:::bucket83908e77";
  private static final String JOBS = "arn:aws:dynamodb:us-east-1:000000000000:table/Jobs1";

  private static IamCheck.Report check(AwsCall... calls) throws Exception {
    FunctionSpec worker =
        new FunctionSpec(
            "Worker1",
            "h",
            "java21",
            512,
            Duration.ofSeconds(3),
            Map.of(),
            "WorkerRole1",
            Path.of("x.zip"));
    return new IamCheck(CfnTemplateTest.small(), List.of(worker)).evaluate(List.of(calls));
  }

  private static AwsCall call(String action, String resource) {
    return new AwsCall("Worker1", action, resource, "");
  }

  @Test
  void actionWildcardsAndResourcePrefixesAllow() throws Exception {
    assertThat(check(call("s3:GetObject", BUCKET + "/manifests/job.json")).denials()).isEmpty();
    assertThat(check(call("S3:getobject", BUCKET + "/manifests/a/b.json")).denials())
        .as("actions compare without case")
        .isEmpty();
  }

  @Test
  void aResourceOutsideTheGrantIsDeniedNamingWhatIsGranted() throws Exception {
    IamCheck.Report report = check(call("s3:GetObject", BUCKET + "/sources/a.py"));
    assertThat(report.passed()).isFalse();
    assertThat(report.denials())
        .singleElement()
        .hasToString(
            "Worker1 (role WorkerRole1) called s3:GetObject on "
                + BUCKET
                + "/sources/a.py: the role grants s3:GetObject only on "
                + BUCKET
                + "/manifests/*, not on "
                + BUCKET
                + "/sources/a.py");
  }

  @Test
  void anIndexIsNotTheTable() throws Exception {
    assertThat(check(call("dynamodb:Query", JOBS)).denials()).isEmpty();
    assertThat(check(call("dynamodb:Query", JOBS + "/index/byCreated")).denials()).hasSize(1);
  }

  @Test
  void anActionGrantedNowhereSaysSo() throws Exception {
    assertThat(check(call("dynamodb:PutItem", JOBS)).denials().get(0).reason())
        .isEqualTo("no statement grants dynamodb:PutItem at all (add it on " + JOBS + ")");
  }

  @Test
  void anExplicitDenyWins() throws Exception {
    assertThat(check(call("s3:GetObject", BUCKET + "/manifests/secret/key")).denials())
        .singleElement()
        .satisfies(d -> assertThat(d.reason()).contains("explicit Deny"));
  }

  @Test
  void aConditionalStatementDoesNotAllow() throws Exception {
    assertThat(check(call("s3:PutObject", BUCKET + "/vectors/x")).passed()).isFalse();
  }

  @Test
  void referencedResourcesResolveForTheCheck() throws Exception {
    assertThat(
            check(
                    call("sqs:SendMessage", "arn:aws:sqs:us-east-1:000000000000:Batches1"),
                    call(
                        "secretsmanager:GetSecretValue",
                        "arn:aws:secretsmanager:us-east-1:000000000000:secret:ApiKey1-Ab12Cd"))
                .denials())
        .isEmpty();
  }

  @Test
  void grantsNoCallUsedAreListed() throws Exception {
    IamCheck.Report report = check(call("dynamodb:GetItem", JOBS));
    assertThat(report.unused())
        .extracting(u -> u.action() + " " + u.resource())
        .contains(
            "dynamodb:Query " + JOBS, "sqs:SendMessage arn:aws:sqs:us-east-1:000000000000:Batches1")
        .doesNotContain("dynamodb:GetItem " + JOBS);
    assertThat(report.render()).contains("unused  Worker1: dynamodb:Query on " + JOBS);
  }
}
