/**
 * One load measurement with autocannon: `connections` keep-alive connections, each sending its next
 * request as soon as the previous answer arrives, for `duration` seconds. Latency percentiles are taken
 * from every response's own time (sub-millisecond, 404s included), not autocannon's whole-ms histogram.
 */
import autocannon from 'autocannon';

export type LoadResult = {
  /** Completed responses per second over the whole measurement. */
  rps: number;
  /** Completed responses. */
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Responses by status code, e.g. { 200: 27012, 404: 3001 }. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
};

export type LoadOptions = {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  /** The next request's path (default: always "/"). */
  nextPath?: () => string;
};

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length
    ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number)
    : NaN;

/** Run autocannon and summarise it; `signal` stops the run early (for a background load). */
export async function runLoad(opts: LoadOptions, signal?: AbortSignal): Promise<LoadResult> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.duration,
        headers: opts.headers ?? {},
        requests: [{ setupRequest: (req) => (opts.nextPath ? { ...req, path: opts.nextPath() } : req) }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
    signal?.addEventListener('abort', () => instance.stop());
  });

  const sorted = Float64Array.from(times).sort();
  const statuses: Record<string, number> = {};
  for (const [code, s] of Object.entries(result.statusCodeStats ?? {})) statuses[code] = s.count ?? 0;
  return {
    rps: sorted.length / result.duration,
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
