package io.signalhub.indexing.core.provider;

/** "azure-openai": OpenAI's models behind an Azure deployment, known without calling them. */
public class AzureOpenAiModels implements ModelCatalog {

  public static final String NAME = "azure-openai";

  /**
   * The current GA data-plane version
   * (learn.microsoft.com/azure/ai-services/openai/api-version-lifecycle).
   */
  public static final String DEFAULT_API_VERSION = "2024-10-21";

  @Override
  public String name() {
    return NAME;
  }

  /** Needs neither endpoint nor key: the fan-out never calls the deployment. */
  @Override
  public ModelProfile profile(ProviderSettings settings) {
    return OpenAiModels.profile(NAME, settings.model(), settings.dimensions());
  }
}
