/**
 * The {@code tessera} command line (picocli): {@link io.tessera.examples.cli.TesseraCommand} and one
 * class per subcommand ({@code tour}, {@code info}, {@code convert}, {@code run}, {@code bench}).
 *
 * <p>Errors: a bad argument, a missing or corrupt file or any Tessera exception ends the command
 * with one line on standard error ({@code tessera <command>: <what went wrong>}) and a non-zero
 * exit code (2 for usage errors, 1 for failures); never with a stack trace, unless the environment
 * sets {@code TESSERA_DEBUG=1}. {@link io.tessera.examples.cli.Cli#execute} runs the command line
 * with captured output for tests.
 */
package io.tessera.examples.cli;
