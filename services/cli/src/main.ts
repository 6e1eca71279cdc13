/** Entry point of the `schakel` command. */
import { buildProgram, exitCodeOf } from "./program.ts";

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeOf(err);
}
