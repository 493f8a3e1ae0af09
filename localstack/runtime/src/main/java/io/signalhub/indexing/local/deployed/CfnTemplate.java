package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A synthesized CloudFormation template, read the way CloudFormation would deploy it into one local
 * account: every resource gets a local physical name, and {@code Ref}, {@code Fn::GetAtt}, {@code
 * Fn::Join}, {@code Fn::Select}, {@code Fn::Split} and {@code Fn::Sub} resolve to those names and
 * their ARNs (account {@value #ACCOUNT}, region {@value #REGION}).
 */
public final class CfnTemplate {

  public static final String ACCOUNT = "000000000000";
  public static final String REGION = "us-east-1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SUB = Pattern.compile("\\$\\{([^}!]+)}");

  private final Path file;
  private final JsonNode root;
  private final Map<String, JsonNode> resources = new LinkedHashMap<>();
  private final String queueEndpoint;

  private CfnTemplate(Path file, JsonNode root, String queueEndpoint) {
    this.file = file;
    this.root = root;
    this.queueEndpoint = queueEndpoint;
    root.path("Resources").fields().forEachRemaining(e -> resources.put(e.getKey(), e.getValue()));
  }

  /**
   * Reads a template.
   *
   * @param queueEndpoint the SQS endpoint queue URLs ({@code Ref} of a queue) start with
   */
  public static CfnTemplate read(Path file, String queueEndpoint) throws IOException {
    return new CfnTemplate(file, JSON.readTree(Files.readAllBytes(file)), queueEndpoint);
  }

  public static CfnTemplate of(JsonNode root, String queueEndpoint) {
    return new CfnTemplate(null, root, queueEndpoint);
  }

  /** The file it was read from, or null. */
  public Path file() {
    return file;
  }

  public JsonNode root() {
    return root;
  }

  /** Logical ids of the resources of one type, in template order. */
  public List<String> ofType(String type) {
    List<String> ids = new ArrayList<>();
    resources.forEach(
        (id, resource) -> {
          if (resource.path("Type").asText().equals(type)) {
            ids.add(id);
          }
        });
    return ids;
  }

  public String type(String logicalId) {
    return resource(logicalId).path("Type").asText();
  }

  public JsonNode resource(String logicalId) {
    JsonNode resource = resources.get(logicalId);
    if (resource == null) {
      throw new IllegalArgumentException("The template has no resource " + logicalId);
    }
    return resource;
  }

  /** A resource's property with every intrinsic function in it resolved (missing node if none). */
  public JsonNode property(String logicalId, String name) {
    return resolve(resource(logicalId).path("Properties").path(name));
  }

  /**
   * The local physical name of a resource: its logical id (lower case for buckets, which S3
   * requires).
   */
  public String physicalName(String logicalId) {
    return type(logicalId).equals("AWS::S3::Bucket")
        ? logicalId.toLowerCase(Locale.ROOT)
        : logicalId;
  }

  private static String arn(String service, String region, String resource) {
    return "arn:aws:" + service + ":" + region + ":" + ACCOUNT + ":" + resource;
  }

  /** The ARN of a resource, as {@code Fn::GetAtt [id, Arn]} gives it. */
  public String arnOf(String logicalId) {
    String name = physicalName(logicalId);
    return switch (type(logicalId)) {
      case "AWS::S3::Bucket" -> "arn:aws:s3:::" + name;
      case "AWS::SQS::Queue" -> arn("sqs", REGION, name);
      case "AWS::DynamoDB::Table" -> arn("dynamodb", REGION, "table/" + name);
      case "AWS::Lambda::Function" -> arn("lambda", REGION, "function:" + name);
      case "AWS::IAM::Role" -> "arn:aws:iam::" + ACCOUNT + ":role/" + name;
      case "AWS::Logs::LogGroup" -> arn("logs", REGION, "log-group:" + name + ":*");
      case "AWS::SecretsManager::Secret" ->
          arn("secretsmanager", REGION, "secret:" + name + "-Ab12Cd");
      default -> arn("cloudformation", REGION, "local/" + type(logicalId) + "/" + name);
    };
  }

  /** What {@code Ref} gives for a resource. */
  String ref(String name) {
    switch (name) {
      case "AWS::Region":
        return REGION;
      case "AWS::AccountId":
        return ACCOUNT;
      case "AWS::Partition":
        return "aws";
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::StackName":
        return stackName();
      case "AWS::StackId":
        return arn("cloudformation", REGION, "stack/" + stackName() + "/local");
      default:
        break;
    }
    JsonNode parameter = root.path("Parameters").path(name);
    if (!parameter.isMissingNode()) {
      return parameter.path("Default").asText("");
    }
    return switch (type(name)) {
      case "AWS::SQS::Queue" -> queueEndpoint + "/" + ACCOUNT + "/" + physicalName(name);
      case "AWS::SecretsManager::Secret" -> arnOf(name);
      case "AWS::Lambda::Alias" -> arnOf(functionOf(name)) + ":" + property(name, "Name").asText();
      case "AWS::Lambda::Version" -> arnOf(functionOf(name)) + ":1";
      default -> physicalName(name);
    };
  }

  /** The function an alias or version belongs to. */
  String functionOf(String aliasOrVersion) {
    JsonNode function = resource(aliasOrVersion).path("Properties").path("FunctionName");
    return function.path("Ref").asText();
  }

  String getAtt(String logicalId, String attribute) {
    String type = type(logicalId);
    return switch (attribute) {
      case "Arn" -> arnOf(logicalId);
      case "QueueName" -> physicalName(logicalId);
      case "QueueUrl" -> ref(logicalId);
      case "Version" -> "1";
      case "RoleId" -> "AROA" + logicalId.toUpperCase(Locale.ROOT);
      case "ApiEndpoint" -> "http://" + physicalName(logicalId) + ".execute-api.local";
      case "DomainName" -> physicalName(logicalId) + ".s3.amazonaws.com";
      case "RegionalDomainName" -> physicalName(logicalId) + ".s3." + REGION + ".amazonaws.com";
      default ->
          throw new IllegalArgumentException(
              "Fn::GetAtt " + logicalId + "." + attribute + " (" + type + ") has no local value");
    };
  }

  private String stackName() {
    if (file == null) {
      return "Stack";
    }
    return file.getFileName().toString().replace(".template.json", "");
  }

  /** Resolves every intrinsic function in {@code node}. */
  public JsonNode resolve(JsonNode node) {
    if (node.isObject() && node.size() == 1) {
      String function = node.fieldNames().next();
      JsonNode argument = node.get(function);
      switch (function) {
        case "Ref":
          return TextNode.valueOf(ref(argument.asText()));
        case "Fn::GetAtt":
          {
            String id =
                argument.isArray()
                    ? argument.get(0).asText()
                    : argument.asText().split("\\.", 2)[0];
            String attribute =
                argument.isArray()
                    ? argument.get(1).asText()
                    : argument.asText().split("\\.", 2)[1];
            return TextNode.valueOf(getAtt(id, attribute));
          }
        case "Fn::Join":
          {
            StringBuilder joined = new StringBuilder();
            Iterator<JsonNode> parts = resolve(argument.get(1)).elements();
            while (parts.hasNext()) {
              joined.append(parts.next().asText());
              if (parts.hasNext()) {
                joined.append(argument.get(0).asText());
              }
            }
            return TextNode.valueOf(joined.toString());
          }
        case "Fn::Select":
          return resolve(argument.get(1)).get(resolve(argument.get(0)).asInt());
        case "Fn::Split":
          {
            ArrayNode parts = JsonNodeFactory.instance.arrayNode();
            for (String part :
                resolve(argument.get(1))
                    .asText()
                    .split(Pattern.quote(argument.get(0).asText()), -1)) {
              parts.add(part);
            }
            return parts;
          }
        case "Fn::Sub":
          return TextNode.valueOf(sub(argument));
        default:
          break;
      }
    }
    if (node.isObject()) {
      ObjectNode resolved = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> resolved.set(e.getKey(), resolve(e.getValue())));
      return resolved;
    }
    if (node.isArray()) {
      ArrayNode resolved = JsonNodeFactory.instance.arrayNode();
      node.forEach(element -> resolved.add(resolve(element)));
      return resolved;
    }
    return node;
  }

  private String sub(JsonNode argument) {
    String text = argument.isArray() ? argument.get(0).asText() : argument.asText();
    JsonNode variables =
        argument.isArray() ? argument.get(1) : JsonNodeFactory.instance.objectNode();
    Matcher matcher = SUB.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value;
      if (variables.has(name)) {
        value = resolve(variables.get(name)).asText();
      } else if (name.contains(".")) {
        value = getAtt(name.substring(0, name.indexOf('.')), name.substring(name.indexOf('.') + 1));
      } else {
        value = ref(name);
      }
      matcher.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(out);
    return out.toString();
  }
}
