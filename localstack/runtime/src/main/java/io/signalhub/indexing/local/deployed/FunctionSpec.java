package io.signalhub.indexing.local.deployed;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One function as the template deploys it.
 *
 * @param logicalId its logical id (also its local name)
 * @param handler the runtime's handler string ({@code _HANDLER})
 * @param runtime e.g. {@code java21}
 * @param memoryMb the function's memory, which bounds the JVM's heap
 * @param timeout each invocation's deadline
 * @param environment the template's variables, references resolved to local names
 * @param roleLogicalId its execution role
 * @param code the deployment package (the zip the template's asset names)
 */
public record FunctionSpec(
    String logicalId,
    String handler,
    String runtime,
    int memoryMb,
    Duration timeout,
    Map<String, String> environment,
    String roleLogicalId,
    Path code) {

  /** The ARN events name it by (unqualified). */
  public String arn() {
    return "arn:aws:lambda:"
        + CfnTemplate.REGION
        + ":"
        + CfnTemplate.ACCOUNT
        + ":function:"
        + logicalId;
  }
}
