package io.signalhub.indexing.core.economy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A batch API built at its first use, then kept: the deployed fan-out's, whose key is read from
 * Secrets Manager only when it is first called for more than its file limits, which are known
 * without the key (the fan-out gathers with them and never submits, so it never reads the key; a
 * SnapStart snapshot taken after init never holds it).
 */
public final class DeferredBatchApi implements ProviderBatchApi {

  private final FileLimits limits;
  private final Supplier<ProviderBatchApi> build;
  private volatile ProviderBatchApi built;

  /**
   * @param limits the built API's file limits
   */
  public DeferredBatchApi(FileLimits limits, Supplier<ProviderBatchApi> build) {
    this.limits = Objects.requireNonNull(limits, "limits must be set");
    this.build = Objects.requireNonNull(build, "build must be set");
  }

  private ProviderBatchApi api() {
    ProviderBatchApi api = built;
    if (api == null) {
      synchronized (this) {
        if (built == null) {
          built = Objects.requireNonNull(build.get(), "the deferred batch API was null");
        }
        api = built;
      }
    }
    return api;
  }

  @Override
  public FileLimits limits() {
    return limits;
  }

  @Override
  public byte[] line(Request request) {
    return api().line(request);
  }

  @Override
  public ProviderBatch submit(String name, byte[] jsonl, Map<String, String> metadata) {
    return api().submit(name, jsonl, metadata);
  }

  @Override
  public ProviderBatch get(String batchId) {
    return api().get(batchId);
  }

  @Override
  public void cancel(String batchId) {
    api().cancel(batchId);
  }

  @Override
  public List<Result> results(ProviderBatch batch) {
    return api().results(batch);
  }
}
