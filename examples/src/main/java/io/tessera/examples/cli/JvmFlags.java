package io.tessera.examples.cli;

import java.util.List;

/** JVM options for child JVMs the commands start (they do not see the jar's manifest). */
final class JvmFlags {
  private JvmFlags() {}

  /** What Arrow memory and the Vector API need on Java 17 (as benchmarks/run-side-by-side.sh). */
  static final List<String> FOR_ARROW = List.of(
      "-XX:+IgnoreUnrecognizedVMOptions",
      "--add-modules=jdk.incubator.vector",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--enable-native-access=ALL-UNNAMED");
}
