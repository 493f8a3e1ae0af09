package io.signalhub.indexing.local.deployed;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.local.services.EdgeGateway;
import io.signalhub.indexing.local.services.EdgeGateway.Service;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsCallRecorderTest {

  private final AwsCallRecorder recorder =
      new AwsCallRecorder(
          Map.of("LOCALWorker1", "Worker1"),
          id ->
              id.startsWith("arn:")
                  ? id
                  : "arn:aws:secretsmanager:us-east-1:000000000000:secret:" + id + "-Ab12Cd");

  private void request(
      String key,
      Service service,
      String method,
      String path,
      String query,
      String target,
      String body,
      Map<String, String> extra) {
    Map<String, List<String>> headers = new java.util.HashMap<>();
    if (key != null) {
      headers.put(
          "Authorization",
          List.of(
              "AWS4-HMAC-SHA256 Credential="
                  + key
                  + "/20261124/us-east-1/x/aws4_request, SignedHeaders=host, Signature=0"));
    }
    if (target != null) {
      headers.put("X-Amz-Target", List.of(target));
    }
    extra.forEach((k, v) -> headers.put(k, List.of(v)));
    recorder.accept(
        new EdgeGateway.Exchange(
            service, method, path, query, headers, body.getBytes(StandardCharsets.UTF_8), 200));
  }

  /** A JSON-protocol call ({@code POST /} with an {@code X-Amz-Target}) signed by Worker1. */
  private void json(Service service, String target, String body) {
    request("LOCALWorker1", service, "POST", "/", "", target, body, Map.of());
  }

  private List<String> calls() {
    return recorder.calls().stream()
        .map(c -> c.function() + " " + c.action() + " " + c.resource())
        .toList();
  }

  @Test
  void s3RequestsBecomeObjectAndBucketActions() {
    request(
        "LOCALWorker1", Service.S3, "GET", "/bucket1/manifests/a%20b.json", "", null, "", Map.of());
    request("LOCALWorker1", Service.S3, "HEAD", "/bucket1/sources/x.py", "", null, "", Map.of());
    request("LOCALWorker1", Service.S3, "PUT", "/bucket1/vectors/v.jsonl", "", null, "", Map.of());
    request(
        "LOCALWorker1", Service.S3, "GET", "/bucket1", "list-type=2&prefix=a", null, "", Map.of());
    request(
        "LOCALWorker1",
        Service.S3,
        "PUT",
        "/bucket1/b/copy",
        "",
        null,
        "",
        Map.of("x-amz-copy-source", "/bucket1/a/original"));
    assertThat(calls())
        .containsExactly(
            "Worker1 s3:GetObject arn:aws:s3:::bucket1/manifests/a b.json",
            "Worker1 s3:GetObject arn:aws:s3:::bucket1/sources/x.py",
            "Worker1 s3:PutObject arn:aws:s3:::bucket1/vectors/v.jsonl",
            "Worker1 s3:ListBucket arn:aws:s3:::bucket1",
            "Worker1 s3:PutObject arn:aws:s3:::bucket1/b/copy",
            "Worker1 s3:GetObject arn:aws:s3:::bucket1/a/original");
  }

  @Test
  void batchesAndTransactionsAreAuthorizedAsTheirParts() {
    json(
        Service.SQS,
        "AmazonSQS.SendMessageBatch",
        "{\"QueueUrl\":\"http://h/000000000000/Batches1\"}");
    json(
        Service.DYNAMODB,
        "DynamoDB_20120810.TransactWriteItems",
        "{\"TransactItems\":[{\"Update\":{\"TableName\":\"Jobs1\"}},{\"ConditionCheck\":{\"TableName\":\"Jobs1\"}},{\"Put\":{\"TableName\":\"Jobs1\"}}]}");
    json(
        Service.DYNAMODB,
        "DynamoDB_20120810.Query",
        "{\"TableName\":\"Jobs1\",\"IndexName\":\"byCreated\"}");
    json(Service.DYNAMODB, "DynamoDB_20120810.BatchGetItem", "{\"RequestItems\":{\"Cache1\":{}}}");
    String table = "arn:aws:dynamodb:us-east-1:000000000000:table/";
    assertThat(calls())
        .containsExactly(
            "Worker1 sqs:SendMessage arn:aws:sqs:us-east-1:000000000000:Batches1",
            "Worker1 dynamodb:UpdateItem " + table + "Jobs1",
            "Worker1 dynamodb:ConditionCheckItem " + table + "Jobs1",
            "Worker1 dynamodb:PutItem " + table + "Jobs1",
            "Worker1 dynamodb:Query " + table + "Jobs1/index/byCreated",
            "Worker1 dynamodb:BatchGetItem " + table + "Cache1");
  }

  @Test
  void providerCallsNameTheModelAndTheSecret() {
    request(
        "LOCALWorker1",
        Service.BEDROCK,
        "POST",
        "/model/amazon.titan-embed-text-v2%3A0/invoke",
        "",
        null,
        "{}",
        Map.of());
    json(Service.SECRETS_MANAGER, "secretsmanager.GetSecretValue", "{\"SecretId\":\"ApiKey1\"}");
    assertThat(calls())
        .containsExactly(
            "Worker1 bedrock:InvokeModel arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",
            "Worker1 secretsmanager:GetSecretValue arn:aws:secretsmanager:us-east-1:000000000000:secret:ApiKey1-Ab12Cd");
  }

  @Test
  void callsSignedByAnyoneElseAreNotAFunctionsCalls() {
    request("test", Service.S3, "GET", "/bucket1/k", "", null, "", Map.of());
    request(null, Service.S3, "GET", "/bucket1/k", "", null, "", Map.of());
    assertThat(recorder.calls()).isEmpty();
    assertThat(recorder.unparsed()).isEmpty();
  }
}
