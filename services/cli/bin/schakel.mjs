#!/usr/bin/env node
// Loads the TypeScript CLI in this same process through tsx's loader (no build step), so that
// signals (Ctrl-C) and exit codes are the CLI's own.
import { register } from "tsx/esm/api";

register();
await import(new URL("../src/main.ts", import.meta.url).href);
