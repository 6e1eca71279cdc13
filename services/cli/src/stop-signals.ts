/**
 * The signals that stop a long-running command (`up`, `run`) cleanly: Ctrl-C, a service manager's
 * SIGTERM, and SIGHUP — a closed terminal should stop the bus, not orphan its server.
 */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
