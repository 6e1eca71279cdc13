/** Process entry point: `tsx services/flemish/src/main.ts --org vpr --data .schakel [--server URL] [--digest-window-ms N]`. */
import { runServiceMain } from "@schakel/runtime";
import { flemishService } from "./service.ts";

await runServiceMain(flemishService);
