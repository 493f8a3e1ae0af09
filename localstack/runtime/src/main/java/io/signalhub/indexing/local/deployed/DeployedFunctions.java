package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import io.signalhub.indexing.local.deployed.AsDeployedStack.Notification;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The template's Java functions (each with the asset it runs from), the ones it holds but does not
 * run, and the names by which the template wires them (ARNs, {@code name:alias}).
 */
final class DeployedFunctions {
  private final Map<String, FunctionSpec> functions;
  private final List<String> skipped;

  private DeployedFunctions(Map<String, FunctionSpec> functions, List<String> skipped) {
    this.functions = functions;
    this.skipped = skipped;
  }

  /**
   * Reads every {@code AWS::Lambda::Function} of {@code template} whose code is in {@code assets}.
   */
  static DeployedFunctions read(CfnTemplate template, Map<String, Path> assets) {
    Map<String, FunctionSpec> functions = new LinkedHashMap<>();
    List<String> skipped = new ArrayList<>();
    for (String id : template.ofType("AWS::Lambda::Function")) {
      String runtime = template.property(id, "Runtime").asText("");
      String key = template.property(id, "Code").path("S3Key").asText("");
      if (!runtime.startsWith("java") || !assets.containsKey(key)) {
        // CDK's own custom-resource handlers (python, inline code) run at deploy time, not here
        skipped.add(id + " (" + (runtime.isEmpty() ? "no runtime" : runtime) + ")");
        continue;
      }
      Map<String, String> environment = new LinkedHashMap<>();
      template
          .property(id, "Environment")
          .path("Variables")
          .fields()
          .forEachRemaining(e -> environment.put(e.getKey(), e.getValue().asText()));
      String role =
          template.resource(id).path("Properties").path("Role").path("Fn::GetAtt").path(0).asText();
      functions.put(
          id,
          new FunctionSpec(
              id,
              template.property(id, "Handler").asText(),
              runtime,
              template.property(id, "MemorySize").asInt(128),
              Duration.ofSeconds(template.property(id, "Timeout").asInt(3)),
              Map.copyOf(environment),
              role,
              assets.get(key)));
    }
    return new DeployedFunctions(functions, List.copyOf(skipped));
  }

  /** The function an ARN (qualified or not) or a {@code name:alias} names. */
  String named(String arnOrName) {
    String[] parts = arnOrName.split(":");
    String name = arnOrName.startsWith("arn:") ? parts[6] : parts[0];
    if (!functions.containsKey(name)) {
      throw new IllegalStateException(
          "The template wires " + arnOrName + ", which is not a Java function it deploys");
    }
    return name;
  }

  /** The S3 notifications of {@code template} that invoke these functions. */
  List<Notification> notifications(CfnTemplate template) {
    List<Notification> notifications = new ArrayList<>();
    for (String id : template.ofType("Custom::S3BucketNotifications")) {
      String bucket = template.property(id, "BucketName").asText();
      for (JsonNode config :
          template.property(id, "NotificationConfiguration").path("LambdaFunctionConfigurations")) {
        String prefix = "";
        String suffix = "";
        for (JsonNode rule : config.path("Filter").path("Key").path("FilterRules")) {
          if (rule.path("Name").asText().equalsIgnoreCase("prefix")) {
            prefix = rule.path("Value").asText();
          } else {
            suffix = rule.path("Value").asText();
          }
        }
        List<String> events = new ArrayList<>();
        config.path("Events").forEach(e -> events.add(e.asText()));
        notifications.add(
            new Notification(
                bucket, named(config.path("LambdaFunctionArn").asText()), events, prefix, suffix));
      }
    }
    return List.copyOf(notifications);
  }

  FunctionSpec spec(String logicalId) {
    return functions.get(logicalId);
  }

  List<FunctionSpec> all() {
    return List.copyOf(functions.values());
  }

  /** Functions the template holds that are not run (CDK's deploy-time handlers). */
  List<String> skipped() {
    return skipped;
  }
}
