package io.signalhub.indexing.core.secret;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SecretScannerTest {

  @ParameterizedTest
  @CsvSource(
      delimiterString = " | ",
      value = {
        "aws_key = 'AKIAIOSFODNN7EXAMPLE' | AWS access key id",
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1 | AWS secret access key",
        "AwS_SeCrEt_AcCeSs_KeY: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1 | AWS secret access key",
        "AWSSECRETACCESSKEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1 | AWS secret access key",
        "stripe = rk_test_51Habcdefghijklmnop | Stripe key",
        "token: gho_abcdefghijklmnopqrstuvwxyz0123456789 | GitHub token",
        "API_KEY=sk-live-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c | API secret key (sk-)",
        "openai.api_key = \"sk-proj-abcdefghijklmnopqrstuvwxyz012345\" | API secret key (sk-)",
        "stripe = sk_live_51Habcdefghijklmnop | Stripe key",
        "token: ghp_abcdefghijklmnopqrstuvwxyz0123456789 | GitHub token",
        "GITHUB_TOKEN=github_pat_11ABCDEFG0123456789_abcdefghijkl | GitHub token",
        "SLACK=xoxb-123456789012-abcdefghijkl | Slack token",
        "url = https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXX | Slack webhook",
        "key = AIzaSyA-1234567890abcdefghijklmnopqrstu | Google API key",
        "-----BEGIN RSA PRIVATE KEY-----\\nMIIEow== | private key block",
        "-----BEGIN OPENSSH PRIVATE KEY----- | private key block",
      })
  void findsWellKnownSecretShapes(String text, String shape) {
    assertThat(SecretScanner.firstShape(text.replace("\\n", "\n"))).contains(shape);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "String apiKey = System.getenv(\"OPENAI_API_KEY\");",
        "if (task-runner) { sk-ip(); }",
        "private static final String AKIA = \"prefix\";",
        "-----BEGIN CERTIFICATE-----",
        "-----BEGIN PUBLIC KEY-----",
        "def skip_task(): return task_id",
        "the key is in .env, read it with dotenv",
      })
  void leavesOrdinaryCodeAlone(String text) {
    assertThat(SecretScanner.scan(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " | ",
      value = {
        "KEY = \"AKIAIOSFODNN7EXAMPLE\" # dev | KEY = \"[REDACTED AWS access key id]\" # dev",
        "a sk-live-4f9a8b7c6d5e4f3a2b1c0d9e b ghp_abcdefghijklmnopqrstuvwxyz0123456789 c"
            + " | a [REDACTED API secret key (sk-)] b [REDACTED GitHub token] c",
      })
  void redactsEverySecretAndKeepsTheRest(String text, String redacted) {
    assertThat(SecretScanner.redact(text)).isEqualTo(redacted);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        ".env",
        ".env.production",
        "config/.env.local",
        "prod.env",
        "certs/server.pem",
        "tls/server.key",
        "home/.ssh/id_rsa",
        "home/.ssh/id_ed25519.pub",
        "store.p12",
        ".aws/credentials",
        ".npmrc",
        "pkg/.pypirc",
        "infra/prod.tfvars",
        "infra/terraform.tfstate",
      })
  void secretFilesAreRecognisedByName(String path) {
    assertThat(SecretFiles.matches(path)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"src/Env.java", "environment.py", "keys.py", "docs/credentials.md", "key.txt"})
  void ordinarySourcesAreNotSecretFiles(String path) {
    assertThat(SecretFiles.matches(path)).isFalse();
  }
}
