/** The machine's monotonic clock in ms (`process.hrtime`): comparable between its processes. */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;
