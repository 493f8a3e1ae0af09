package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.local.services.EdgeGateway;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns every request through the local stack's endpoint into the IAM action and resource ARN it
 * needs, attributed to the function whose access key id signed it (each function process has its
 * own). Calls signed by anyone else (the test, a user's AWS CLI) are not recorded.
 */
public final class AwsCallRecorder implements Consumer<EdgeGateway.Exchange> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/,\\s]+)/");
  private static final Pattern BEDROCK =
      Pattern.compile("/model/([^/]+)/(invoke(?:-with-response-stream)?)");

  private final Map<String, String> functionByAccessKey;
  private final Function<String, String> secretArn;
  private final Set<AwsCall> calls = Collections.synchronizedSet(new LinkedHashSet<>());
  private final List<String> unparsed = Collections.synchronizedList(new ArrayList<>());

  /**
   * @param functionByAccessKey the function each access key id belongs to
   * @param secretArn a secret's ARN from its name or ARN
   */
  public AwsCallRecorder(
      Map<String, String> functionByAccessKey, Function<String, String> secretArn) {
    this.functionByAccessKey = Map.copyOf(functionByAccessKey);
    this.secretArn = secretArn;
  }

  /** Every distinct call so far, in the order first seen. */
  public List<AwsCall> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** Requests from functions that could not be mapped to an action (a gap in this recorder). */
  public List<String> unparsed() {
    return List.copyOf(unparsed);
  }

  @Override
  public void accept(EdgeGateway.Exchange exchange) {
    String authorization = exchange.header("Authorization");
    if (authorization == null) {
      return;
    }
    Matcher credential = CREDENTIAL.matcher(authorization);
    String function = credential.find() ? functionByAccessKey.get(credential.group(1)) : null;
    if (function == null) {
      return;
    }
    try {
      List<AwsCall> parsed = parse(function, exchange);
      if (parsed.isEmpty()) {
        unparsed.add(
            function
                + " "
                + exchange.method()
                + " "
                + exchange.service()
                + " "
                + exchange.rawPath());
      }
      calls.addAll(parsed);
    } catch (IOException | RuntimeException e) {
      unparsed.add(function + " " + exchange.method() + " " + exchange.rawPath() + ": " + e);
    }
  }

  private List<AwsCall> parse(String function, EdgeGateway.Exchange exchange) throws IOException {
    List<AwsCall> out = new ArrayList<>();
    switch (exchange.service()) {
      case S3 -> s3(function, exchange, out);
      case SQS -> sqs(function, exchange, out);
      case DYNAMODB -> dynamo(function, exchange, out);
      case SECRETS_MANAGER -> {
        String operation = operation(exchange);
        JsonNode body = JSON.readTree(exchange.body());
        out.add(
            new AwsCall(
                function,
                "secretsmanager:" + operation,
                secretArn.apply(body.path("SecretId").asText()),
                operation));
      }
      case BEDROCK -> {
        Matcher m = BEDROCK.matcher(exchange.rawPath());
        if (m.matches()) {
          String operation =
              m.group(2).equals("invoke") ? "InvokeModel" : "InvokeModelWithResponseStream";
          out.add(
              new AwsCall(
                  function,
                  "bedrock:" + operation,
                  "arn:aws:bedrock:"
                      + CfnTemplate.REGION
                      + "::foundation-model/"
                      + decode(m.group(1)),
                  operation));
        }
      }
    }
    return out;
  }

  private static String operation(EdgeGateway.Exchange exchange) {
    String target = exchange.header("X-Amz-Target");
    return target == null ? "" : target.substring(target.indexOf('.') + 1);
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static void s3(String function, EdgeGateway.Exchange exchange, List<AwsCall> out) {
    String path =
        exchange.rawPath().startsWith("/") ? exchange.rawPath().substring(1) : exchange.rawPath();
    int slash = path.indexOf('/');
    String bucket = slash < 0 ? path : path.substring(0, slash);
    String key = slash < 0 || slash == path.length() - 1 ? null : decode(path.substring(slash + 1));
    String query = exchange.rawQuery();
    String method = exchange.method();
    String bucketArn = "arn:aws:s3:::" + bucket;
    if (key == null) {
      String action =
          switch (method) {
            case "GET", "HEAD" -> query.contains("location") ? "GetBucketLocation" : "ListBucket";
            case "PUT" -> "CreateBucket";
            case "DELETE" -> "DeleteBucket";
            case "POST" -> query.contains("delete") ? "DeleteObject" : "PutObject";
            default -> method;
          };
      String resource = action.endsWith("Object") ? bucketArn + "/*" : bucketArn;
      out.add(new AwsCall(function, "s3:" + action, resource, method + " bucket"));
      return;
    }
    String objectArn = bucketArn + "/" + key;
    String action =
        switch (method) {
          // HeadObject is authorized as s3:GetObject
          case "GET", "HEAD" ->
              query.contains("uploadId") ? "ListMultipartUploadParts" : "GetObject";
          case "PUT", "POST" -> "PutObject";
          case "DELETE" -> query.contains("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
          default -> method;
        };
    out.add(new AwsCall(function, "s3:" + action, objectArn, method + " object"));
    String copySource = exchange.header("x-amz-copy-source");
    if (copySource != null && method.equals("PUT")) {
      String source = decode(copySource.startsWith("/") ? copySource.substring(1) : copySource);
      out.add(new AwsCall(function, "s3:GetObject", "arn:aws:s3:::" + source, "CopyObject"));
    }
  }

  private static void sqs(String function, EdgeGateway.Exchange exchange, List<AwsCall> out)
      throws IOException {
    String operation = operation(exchange);
    JsonNode body = JSON.readTree(exchange.body());
    String queue =
        body.has("QueueUrl")
            ? body.path("QueueUrl").asText().replaceAll(".*/", "")
            : body.path("QueueName").asText("*");
    // the batch APIs are authorized as their single-message actions
    String action = operation.replace("Batch", "");
    String resource =
        queue.equals("*")
            ? "*"
            : "arn:aws:sqs:" + CfnTemplate.REGION + ":" + CfnTemplate.ACCOUNT + ":" + queue;
    out.add(new AwsCall(function, "sqs:" + action, resource, operation));
  }

  private static String tableArn(String table) {
    return "arn:aws:dynamodb:" + CfnTemplate.REGION + ":" + CfnTemplate.ACCOUNT + ":table/" + table;
  }

  private static void dynamo(String function, EdgeGateway.Exchange exchange, List<AwsCall> out)
      throws IOException {
    String operation = operation(exchange);
    JsonNode body = JSON.readTree(exchange.body());
    switch (operation) {
      case "BatchGetItem", "BatchWriteItem" ->
          body.path("RequestItems")
              .fieldNames()
              .forEachRemaining(
                  table ->
                      out.add(
                          new AwsCall(
                              function, "dynamodb:" + operation, tableArn(table), operation)));
      case "TransactWriteItems", "TransactGetItems" ->
          body.path("TransactItems")
              .forEach(
                  item ->
                      item.fields()
                          .forEachRemaining(
                              e -> {
                                String action =
                                    switch (e.getKey()) {
                                      case "ConditionCheck" -> "ConditionCheckItem";
                                      default -> e.getKey() + "Item";
                                    };
                                out.add(
                                    new AwsCall(
                                        function,
                                        "dynamodb:" + action,
                                        tableArn(e.getValue().path("TableName").asText()),
                                        operation));
                              }));
      default -> {
        String table = body.path("TableName").asText("*");
        String resource = table.equals("*") ? "*" : tableArn(table);
        if (body.hasNonNull("IndexName")) {
          resource += "/index/" + body.path("IndexName").asText();
        }
        out.add(new AwsCall(function, "dynamodb:" + operation, resource, operation));
      }
    }
  }
}
