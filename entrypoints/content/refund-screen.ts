export function serveRefundScreen(_options: { signal: AbortSignal }): void {}
