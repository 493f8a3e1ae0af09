package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.manifest.InvalidManifestException;
import io.signalhub.indexing.core.manifest.ManifestHeader;
import io.signalhub.indexing.core.manifest.ManifestLimits;
import io.signalhub.indexing.core.manifest.ManifestReader;
import io.signalhub.indexing.core.pipeline.BlobStore;
import io.signalhub.indexing.core.pipeline.Keys;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each job's mode: read once from its manifest's settings over the deployment's defaults and
 * recorded in the economy store, so it never changes under a running job.
 */
final class JobModes {

  private final EconomyPorts ports;
  private final Map<String, EconomySettings> modes = new ConcurrentHashMap<>();

  JobModes(EconomyPorts ports) {
    this.ports = ports;
  }

  EconomySettings of(String jobId) {
    return modes.computeIfAbsent(
        jobId,
        id -> ports.economy().mode(id).orElseGet(() -> ports.economy().modeIfAbsent(id, read(id))));
  }

  private EconomySettings read(String jobId) {
    EconomySettings defaults = ports.config().defaults();
    ManifestHeader.JobSettings manifest;
    try (InputStream in = ports.blobs().open(Keys.manifest(jobId))) {
      manifest = new ManifestReader(ManifestLimits.DEFAULTS).header(in).settings();
    } catch (InvalidManifestException | BlobStore.BlobNotFoundException e) {
      return defaults; // the fan-out validated it: only a deleted job gets here
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new EconomySettings(
        manifest.mode() == null ? defaults.mode() : EconomySettings.Mode.parse(manifest.mode()),
        manifest.economyFallback() == null
            ? defaults.fallback()
            : EconomySettings.Fallback.parse(manifest.economyFallback()),
        defaults.maxResubmits());
  }
}
