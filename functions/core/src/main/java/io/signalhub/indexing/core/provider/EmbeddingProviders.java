package io.signalhub.indexing.core.provider;

import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Finds the provider a configuration names, with an error that lists the ones available. Profiles
 * and validation need only a {@link ModelCatalog} (this module); {@link #create} needs the
 * provider's adapter, an {@link EmbeddingProviderFactory} from indexing-providers, on the class
 * path.
 */
public final class EmbeddingProviders {

  private EmbeddingProviders() {}

  public static EmbeddingProvider create(ProviderSettings settings) {
    ModelCatalog catalog = find(ModelCatalog.class, settings);
    for (EmbeddingProviderFactory factory : ServiceLoader.load(EmbeddingProviderFactory.class)) {
      if (factory.name().equalsIgnoreCase(catalog.name())) {
        factory.validate(settings);
        return factory.create(settings);
      }
    }
    throw new IllegalArgumentException(
        "The '"
            + catalog.name()
            + "' provider's adapter is not on the class path: add the dependency"
            + " io.signalhub.indexing:indexing-providers");
  }

  /**
   * Checks that the provider exists and its configuration can work, without creating it.
   *
   * @throws IllegalArgumentException saying what is wrong and what to set
   */
  public static void validate(ProviderSettings settings) {
    find(ModelCatalog.class, settings).validate(settings);
  }

  /** The model's tokenizer and limits, for chunking and batching without embedding. */
  public static ModelProfile profile(ProviderSettings settings) {
    return find(ModelCatalog.class, settings).profile(settings);
  }

  /** The names of the providers there are, e.g. [azure-openai, bedrock, local, openai]. */
  public static SortedSet<String> names() {
    return names(catalog -> true);
  }

  /** The providers a base URL acts on ({@link ModelCatalog#takesBaseUrl}). */
  public static SortedSet<String> takingBaseUrl() {
    return names(ModelCatalog::takesBaseUrl);
  }

  private static SortedSet<String> names(Predicate<ModelCatalog> which) {
    SortedSet<String> names = new TreeSet<>();
    ServiceLoader.load(ModelCatalog.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(which)
        .forEach(catalog -> names.add(catalog.name()));
    return names;
  }

  private static <T extends ModelCatalog> T find(Class<T> type, ProviderSettings settings) {
    for (T catalog : ServiceLoader.load(type)) {
      if (catalog.name().equalsIgnoreCase(settings.provider())) {
        return catalog;
      }
    }
    throw new IllegalArgumentException(
        "Unknown embedding provider '" + settings.provider() + "'. Available: " + names());
  }
}
