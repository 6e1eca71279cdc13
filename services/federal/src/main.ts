/** Process entry point: `tsx services/federal/src/main.ts --org fed-ocam --data .schakel [--server URL] [--auto-answer]`. */
import { runServiceMain } from "@schakel/runtime";
import { federalService } from "./service.ts";

await runServiceMain(federalService);
