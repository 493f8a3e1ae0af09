package io.signalhub.indexing.local.deployed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CfnTemplateTest {

  static CfnTemplate small() throws Exception {
    return CfnTemplate.read(
        Path.of(CfnTemplateTest.class.getResource("/deployed/small.template.json").toURI()),
        "http://127.0.0.1:4566");
  }

  @Test
  void referencesResolveToLocalNamesAndArns() throws Exception {
    CfnTemplate template = small();
    var env = template.property("Worker1", "Environment").path("Variables");
    assertThat(env.path("BUCKET").asText()).isEqualTo("bucket83908e77");
    assertThat(env.path("QUEUE").asText()).isEqualTo("http://127.0.0.1:4566/000000000000/Batches1");
    assertThat(env.path("REGION").asText()).isEqualTo("us-east-1-000000000000");
    assertThat(template.property("Worker1", "Role").asText())
        .isEqualTo("arn:aws:iam::000000000000:role/WorkerRole1");
  }

  @Test
  void anEventSourceMappingsFunctionNameIsTheAliasQualifiedName() throws Exception {
    // CDK writes Fn::Join [Fn::Select [6, Fn::Split [":", alias ARN]], ":live"]
    assertThat(small().property("Mapping1", "FunctionName").asText()).isEqualTo("Worker1:live");
    assertThat(small().property("Mapping1", "EventSourceArn").asText())
        .isEqualTo("arn:aws:sqs:us-east-1:000000000000:Batches1");
  }

  @Test
  void anAttributeWithNoLocalValueIsNamedInTheError() {
    assertThatThrownBy(() -> small().getAtt("Jobs1", "StreamArn"))
        .hasMessageContaining("Jobs1.StreamArn");
  }
}
