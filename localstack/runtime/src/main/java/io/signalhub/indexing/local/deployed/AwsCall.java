package io.signalhub.indexing.local.deployed;

/**
 * One AWS API call a function made, as IAM authorizes it: the action ({@code s3:GetObject}) on the
 * resource's ARN. A batch or transaction is one call per action and resource it touches, as IAM
 * evaluates it ({@code TransactWriteItems} needs {@code PutItem}, {@code UpdateItem}, {@code
 * ConditionCheckItem} on each table).
 *
 * @param function the calling function's logical id
 * @param operation the API operation as sent ({@code TransactWriteItems})
 */
public record AwsCall(String function, String action, String resource, String operation) {

  @Override
  public String toString() {
    return action + " on " + resource + (operation.isEmpty() ? "" : " (" + operation + ")");
  }
}
