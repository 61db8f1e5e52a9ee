package io.tessera.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.examples.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The top level: help, version, unknown commands and options; help of every subcommand. */
class TopLevelTest {
  @Test
  void helpListsEveryCommand() {
    CliRun r = CliRun.of("--help").ok();
    for (String c : new String[] {"tour", "info", "convert", "run", "bench"}) {
      assertTrue(r.out().contains("\n  " + c + " "), () -> c + " missing in\n" + r.out());
    }
    assertEquals(r.out(), CliRun.of().ok().out(), "no arguments print the usage");
  }

  @Test
  void version() {
    CliRun r = CliRun.of("--version").ok();
    assertTrue(r.out().startsWith("tessera " + TesseraCommand.VERSION + "\n"), r.out());
    assertTrue(r.out().contains("Spark 4."), r.out());
  }

  @Test
  void mainDelegatesToTheCli() {
    StringWriter out = new StringWriter();
    int code = Main.execute(new PrintWriter(out), new PrintWriter(new StringWriter()), "-V");
    assertEquals(0, code);
    assertTrue(out.toString().startsWith("tessera "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"tour", "info", "convert", "run", "bench"})
  void everySubcommandHasHelp(String command) {
    CliRun r = CliRun.of(command, "--help").ok();
    assertTrue(r.out().contains("\nUsage: tessera " + command + " "), r.out());
    assertTrue(r.out().contains("-h, --help"), r.out());
    assertEquals(r.out(), CliRun.of("help", command).ok().out());
  }

  @Test
  void unknownCommand() {
    CliRun.of("frobnicate").failsWith(2, "tessera", "'frobnicate'");
  }

  @Test
  void unknownOption() {
    CliRun.of("--frobnicate").failsWith(2, "tessera", "--frobnicate");
    CliRun.of("info", "--frobnicate", "x.npy").failsWith(2, "tessera info", "--frobnicate");
    CliRun.of("convert", "--to").failsWith(2, "tessera convert", "--to");
  }

  @Test
  void missingParameters() {
    CliRun.of("info").failsWith(2, "tessera info", "FILE");
    CliRun.of("convert", "a.npy").failsWith(2, "tessera convert", "OUT");
  }
}
