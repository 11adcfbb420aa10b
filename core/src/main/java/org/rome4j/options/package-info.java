/**
 * Every option of the CLI ({@code rome4j edit}) and the magics ({@code %rome_edit}), declared once with picocli in small
 * groups that commands and magics mix in ({@code @Mixin}): names, value labels, defaults, help, conversion and
 * completion come from the declaration, and {@link org.rome4j.options.Declared} turns a parse error into one line for
 * both faces.
 *
 * <p><b>Adding an option</b> to every command and magic that has a concept (say {@code --device} beside {@code --dtype}):
 * add an {@code @Option} field and its accessor to that group ({@link org.rome4j.options.ModelOptions} for the CLI
 * commands, {@link org.rome4j.options.DtypeOption} if {@code %load_model} should have it too), and read it where the group
 * is used ({@code ModelOptions.load()}). Help, errors and the kernel's completion follow. An option only one command has
 * is an {@code @Option} field of that command's class.
 *
 * <p><b>Adding a command</b>: a class in {@code org.rome4j.cli} annotated {@code @Command(name = ..., description = ...)}
 * implementing {@code Command.run(PrintStream)}, its options as {@code @Mixin} groups from here plus its own
 * {@code @Option} fields ({@code required = true} where it needs one), listed in {@code Main.COMMANDS}. Its magic, if it
 * has one, is a {@code Magic<A>} whose {@code A} is a {@code @Command} class mixing in the same groups.
 */
package org.rome4j.options;
