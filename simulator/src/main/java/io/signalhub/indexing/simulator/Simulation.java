package io.signalhub.indexing.simulator;

import java.util.function.LongSupplier;

/**
 * What every endpoint of one simulator shares: its settings, the stats it reports, and its clock
 * (simulated nanoseconds since start, {@link SimulatorSettings#timeScale} times real time).
 */
record Simulation(SimulatorSettings settings, SimulatorStats stats, LongSupplier clock) {

  long now() {
    return clock.getAsLong();
  }
}
