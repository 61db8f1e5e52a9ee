package io.tessera.bench.sbs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine for the table header. */
final class Machine {
  private Machine() {}

  static String describe() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (IOException e) {
      // keep "unknown CPU"
    }
    long mem = Runtime.getRuntime().maxMemory() >> 20;
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, Java "
        + System.getProperty("java.version") + " (max heap " + mem + " MiB)";
  }
}
