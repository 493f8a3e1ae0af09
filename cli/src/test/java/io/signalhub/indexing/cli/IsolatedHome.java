package io.signalhub.indexing.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives each test a fresh {@code signal-hub.home}: a test must never see the user's local stack
 * state, nor the cache another test filled.
 */
class IsolatedHome implements BeforeEachCallback, AfterEachCallback {

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    Path home = Files.createTempDirectory("signal-hub-home");
    System.setProperty("signal-hub.home", home.toString());
  }

  @Override
  public void afterEach(ExtensionContext context) {
    System.clearProperty("signal-hub.home");
  }
}
