package io.signalhub.indexing.infra;

import java.util.List;
import software.amazon.awscdk.aws_apigatewayv2_authorizers.HttpIamAuthorizer;
import software.amazon.awscdk.aws_apigatewayv2_integrations.HttpLambdaIntegration;
import software.amazon.awscdk.services.apigatewayv2.AddRoutesOptions;
import software.amazon.awscdk.services.apigatewayv2.HttpApi;
import software.amazon.awscdk.services.apigatewayv2.HttpMethod;
import software.constructs.Construct;

/** The IAM-authorized HTTP API in front of the status function's live alias. */
final class StatusApi {

  final HttpApi api;

  StatusApi(Construct stack, Functions functions) {
    api =
        HttpApi.Builder.create(stack, "StatusApi")
            .description("Signal Hub job status (IAM-authorized: sign requests with SigV4)")
            .createDefaultStage(true)
            .build();
    HttpLambdaIntegration integration =
        new HttpLambdaIntegration("StatusIntegration", functions.live(functions.status));
    // "/" is the status page's jobs list (browsers get HTML, API clients JSON)
    for (String path : List.of("/", "/jobs", "/jobs/{id}")) {
      api.addRoutes(
          AddRoutesOptions.builder()
              .path(path)
              .methods(List.of(HttpMethod.GET))
              .integration(integration)
              .authorizer(new HttpIamAuthorizer())
              .build());
    }
  }
}
