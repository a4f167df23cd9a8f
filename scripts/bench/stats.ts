/** Small statistics helpers shared by the bench scripts. */
export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

export const median = (values: number[]) => percentile(values, 50)

/** Times `fn` `runs` times (after `warmup` runs) and returns the durations in ms. */
export async function timeRuns(runs: number, fn: () => unknown | Promise<unknown>, warmup = 5): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn()
  const out: number[] = []
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await fn()
    out.push(performance.now() - started)
  }
  return out
}

export const ms = (value: number) => `${value.toFixed(2)} ms`

/** Runs wrk against a URL and returns requests/s (null when wrk is not installed). */
export function wrk(url: string, seconds = 5, connections = 50, headers: string[] = []): number | null {
  const which = Bun.spawnSync(['which', 'wrk'])
  if (which.exitCode !== 0) return null
  const args = ['wrk', '-t1', `-c${connections}`, `-d${seconds}s`, ...headers.flatMap((h) => ['-H', h]), url]
  const out = Bun.spawnSync(args).stdout.toString()
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out)
  return match ? Number(match[1]) : null
}
