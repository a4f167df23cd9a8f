/**
 * A seed for a randomized test, from `variable` when set (to replay a failure) and printed, and a
 * small deterministic generator from it: `pick(n)` is an integer in [0, n).
 */
export function seeded(name: string, variable: string): (n: number) => number {
  const seed = Number(process.env[variable] ?? Date.now() % 1_000_000)
  console.log(`${name} seed: ${seed} (replay with ${variable}=${seed})`)
  let state = seed >>> 0
  return (n: number) => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state % n
  }
}
