// One autocannon run, in a process of its own so that the load generator does not share an event
// loop with the devnet that the Worker calls. bench/http.ts starts it with a JSON LoadSpec as its
// argument; it prints one JSON LoadResult line.
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  connections: number;
  durationSec: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  /** Paths taken in turn (several withdrawals, say). */
  paths?: string[];
  /** Header sets taken in turn, on top of `headers` (languages, say). */
  headerVariants?: Array<Record<string, string>>;
  /** A header given a value of its own on every request (an Idempotency-Key). */
  uniqueHeader?: string;
}

export interface LoadResult {
  requests: number;
  duration_s: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  non_2xx: number;
  errors: number;
  status_codes: Record<string, number>;
}

async function run(spec: LoadSpec): Promise<LoadResult> {
  const url = new URL(spec.url);
  let n = 0;
  const prefix = `bench-${process.pid}-${Date.now()}`;
  const result = await autocannon({
    url: url.origin,
    connections: spec.connections,
    duration: spec.durationSec,
    requests: [
      {
        method: spec.method ?? "GET",
        path: url.pathname + url.search,
        headers: spec.headers ?? {},
        body: spec.body,
        setupRequest: (req) => {
          const i = n++;
          if (spec.paths) req.path = spec.paths[i % spec.paths.length];
          req.headers = { ...spec.headers, ...spec.headerVariants?.[i % spec.headerVariants.length] };
          if (spec.uniqueHeader) req.headers[spec.uniqueHeader] = `${prefix}-${i}`;
          return req;
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
  return {
    requests: result.requests.total,
    duration_s: result.duration,
    rps: result.requests.total / result.duration,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors,
    status_codes: statusCodes,
  };
}

console.log(JSON.stringify(await run(JSON.parse(process.argv[2]) as LoadSpec)));
