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

/**
 * CPU time (user + system) a process has used so far in ms, from Linux's /proc (10 ms ticks; NaN
 * elsewhere): a cost that does not grow with what else the machine runs, unlike wall time.
 */
export async function processCpuMs(pid: number): Promise<number> {
  const fields = (await Bun.file(`/proc/${pid}/stat`).text().catch(() => '')).split(') ')[1]?.split(' ')
  return fields ? (Number(fields[11]) + Number(fields[12])) * 10 : NaN
}

/** Runs wrk against a URL and returns requests/s (null when wrk is not installed). */
export function wrk(url: string, seconds = 5, connections = 50, headers: string[] = []): number | null {
  const which = Bun.spawnSync(['which', 'wrk'])
  if (which.exitCode !== 0) return null
  const args = ['wrk', '-t1', `-c${connections}`, `-d${seconds}s`, ...headers.flatMap((h) => ['-H', h]), url]
  const out = Bun.spawnSync(args).stdout.toString()
  const match = /Requests\/sec:\s+([\d.]+)/.exec(out)
  return match ? Number(match[1]) : null
}

/**
 * Requests/s of `url` as a share of a bare `Bun.serve` JSON route on the same machine: `rounds`
 * alternating wrk runs (the machine is shared and noisy), each ratio printed, the median returned
 * (null when wrk is not installed).
 */
export async function throughputVsBare(url: string, { rounds = 3, seconds = 5, headers = [] as string[], label = url } = {}): Promise<number | null> {
  const ratios: number[] = []
  for (let round = 0; round < rounds; round++) {
    const bare = Bun.spawn([process.execPath, '-e', `Bun.serve({ port: 18788, hostname: '127.0.0.1', fetch: () => Response.json({ success: true, data: { status: 'healthy' } }) }); await Bun.sleep(1e9)`], { stdout: 'ignore' })
    await waitForPort(18788)
    const bareRps = wrk('http://127.0.0.1:18788/', seconds)
    bare.kill()
    await bare.exited
    const fullRps = wrk(url, seconds, 50, headers)
    if (bareRps === null || fullRps === null) return null
    ratios.push(fullRps / bareRps)
    console.log(`  round ${round + 1}: ${label} ${fullRps.toFixed(0)} req/s vs bare Bun.serve ${bareRps.toFixed(0)} req/s = ${((fullRps / bareRps) * 100).toFixed(0)} %`)
  }
  return median(ratios)
}

/** Resolves once something accepts connections on 127.0.0.1:`port`. */
export async function waitForPort(port: number): Promise<void> {
  for (;;) {
    try {
      const socket = await Bun.connect({ hostname: '127.0.0.1', port, socket: { data() {} } })
      socket.end()
      return
    } catch {
      await Bun.sleep(10)
    }
  }
}
