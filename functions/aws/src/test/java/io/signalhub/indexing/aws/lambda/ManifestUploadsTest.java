package io.signalhub.indexing.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ManifestUploadsTest {

  @Test
  void keysAreUrlDecodedAsS3EncodesThem() {
    String event =
        "{\"Records\":[{\"s3\":{\"object\":{\"key\":\"manifests/my+repo%2Bv2.json\"}}},{\"s3\":{\"object\":{\"key\":\"sources/a%C3%A9.py\"}}}]}";
    assertThat(ManifestUploads.keysFromJson(event))
        .containsExactly("manifests/my repo+v2.json", "sources/aé.py");
  }
}
