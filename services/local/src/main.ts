/** Process entry point: `tsx services/local/src/main.ts --org mechelen --data .schakel [--server URL]`. */
import { runServiceMain } from "@schakel/runtime";
import { localService } from "./service.ts";

await runServiceMain(localService);
