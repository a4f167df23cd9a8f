import { readFileSync } from 'node:fs'
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

/** CPU time (user + system, ms) a process has used so far, or null where /proc is not available. */
export function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10 // clock ticks of 10 ms (USER_HZ = 100)
  } catch {
    return null
  }
}

/** One wrk run with the server's CPU time spent on it: requests/s and CPU µs per request (null without /proc). */
function measured(url: string, pid: number, seconds: number, headers: string[]): { rps: number; cpuPerRequest: number | null } | null {
  const before = cpuMs(pid)
  const which = Bun.spawnSync(['which', 'wrk'])
  if (which.exitCode !== 0) return null
  const out = Bun.spawnSync(['wrk', '-t1', '-c50', `-d${seconds}s`, ...headers.flatMap((h) => ['-H', h]), url]).stdout.toString()
  const after = cpuMs(pid)
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN)
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN)
  return { rps, cpuPerRequest: before === null || after === null ? null : ((after - before) * 1000) / requests }
}

/**
 * `url` (served by process `pid`) against a bare `Bun.serve` JSON route on the same machine:
 * `rounds` alternating wrk runs (the machine is shared and noisy), each printed. Returns the median
 * throughput share and the median CPU share (bare µs per request ÷ ours: the cost of a request,
 * which other load on the machine disturbs far less than throughput); null without wrk.
 */
export async function throughputVsBare(url: string, pid: number, { rounds = 3, seconds = 5, headers = [] as string[], label = url } = {}): Promise<{ throughput: number; cpu: number | null } | null> {
  const throughput: number[] = []
  const cpu: number[] = []
  for (let round = 0; round < rounds; round++) {
    const bare = Bun.spawn([process.execPath, '-e', `Bun.serve({ port: 18788, hostname: '127.0.0.1', fetch: () => Response.json({ success: true, data: { status: 'healthy' } }) }); await Bun.sleep(1e9)`], { stdout: 'ignore' })
    await waitForPort(18788)
    const base = measured('http://127.0.0.1:18788/', bare.pid, seconds, [])
    bare.kill()
    await bare.exited
    const ours = measured(url, pid, seconds, headers)
    if (base === null || ours === null) return null
    throughput.push(ours.rps / base.rps)
    const cpuShare = base.cpuPerRequest !== null && ours.cpuPerRequest !== null ? base.cpuPerRequest / ours.cpuPerRequest : null
    if (cpuShare !== null) cpu.push(cpuShare)
    const cpuText = cpuShare === null ? '' : `; CPU ${ours.cpuPerRequest!.toFixed(2)} vs ${base.cpuPerRequest!.toFixed(2)} µs/request = ${(cpuShare * 100).toFixed(0)} %`
    console.log(`  round ${round + 1}: ${label} ${ours.rps.toFixed(0)} req/s vs bare Bun.serve ${base.rps.toFixed(0)} req/s = ${((ours.rps / base.rps) * 100).toFixed(0)} %${cpuText}`)
  }
  return { throughput: median(throughput), cpu: cpu.length === 0 ? null : median(cpu) }
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
