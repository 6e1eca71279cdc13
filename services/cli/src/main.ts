/** Entry point of the `schakel` command. */
import { buildProgram, exitCodeOf } from "./program.ts";
import { flushCommandTelemetry } from "./telemetry.ts";

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeOf(err);
} finally {
  await flushCommandTelemetry();
}
