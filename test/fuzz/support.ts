import type { Database } from 'bun:sqlite'
import { expect } from 'bun:test'
import fc from 'fast-check'
import { ERROR_STATUS } from '../../src/shared/errors'

/**
 * Runs per property: small by default so the whole suite stays fast; `CHASM_FUZZ_RUNS` raises it
 * (`bun scripts/fuzz.ts --runs 20000`). `CHASM_FUZZ_SEED` replays a run.
 */
export const FUZZ_RUNS = Number(process.env.CHASM_FUZZ_RUNS ?? 25)

/** One seed per test process: the one to replay, else a fresh one; printed with every property. */
export const FUZZ_SEED = process.env.CHASM_FUZZ_SEED === undefined ? (Date.now() ^ Math.floor(Math.random() * 2 ** 31)) | 0 : Number(process.env.CHASM_FUZZ_SEED)

/** A test name as a `bun test -t` pattern that matches it literally. */
const namePattern = (name: string) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * fast-check parameters shared by every property: the run budget and this process's seed. Prints
 * the seed and the command that replays `test` (the test's name, in `files`) with the same inputs.
 */
export function fuzzParams(test: string, runs = FUZZ_RUNS, files = 'test/fuzz'): fc.Parameters<unknown> {
  console.log(`fuzz seed ${FUZZ_SEED}, ${runs} runs: ${test}\n  replay: CHASM_FUZZ_SEED=${FUZZ_SEED} CHASM_FUZZ_RUNS=${FUZZ_RUNS} bun test ${files} -t '${namePattern(test)}'`)
  return { numRuns: runs, seed: FUZZ_SEED, endOnFailure: true }
}

/** Strings that have broken parsers, query builders, FTS5 and path handling somewhere. */
export const HOSTILE_STRINGS = [
  '', ' ', '\t\n', '"', "'", '""', '*', '**', '"*', '^', '-', '+', '(', ')', '{a b}:c', 'NEAR(a b)', 'a AND', 'OR', 'NOT x', 'col:term',
  "' OR 1=1 --", '"; DROP TABLE sessions; --', '%', '%00', '%ff', '%%', '_', '\\', '\u0000', 'a\u0000b', '\ud800', '\udc00x', '\ufeff',
  '\u202e', '🦀', '👩‍👩‍👧', 'é', 'ﬁ', 'İ', '١٢٣', '../../etc/passwd', '..\\..\\windows', '/', '//', '.', '..', 'C:\\', '~', '$HOME',
  '__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'null', 'undefined', 'true', 'NaN', 'Infinity', '-Infinity',
  '0', '-0', '-1', '1e3', '1e308', '1e-7', '0x10', '0b1', '1_000', ' 7', '7 ', '+7', '00', '9007199254740993', '99999999999999999999',
  '2026-01-08T12:00:00Z', '+275760-09-13T00:00:00.001Z', '-271821-04-20T00:00:00.000Z', '<script>alert(1)</script>', '${x}', '{{x}}',
  'a'.repeat(300), 'x y '.repeat(500), '"'.repeat(200), '*'.repeat(100),
]

/** Numbers at the edges: zero, negatives, huge, fractional, beyond Date's range and 2^53. */
export const EDGE_NUMBERS = [0, -0, 1, -1, 0.5, 2, 2.0000001, 100, 500, 501, 1000, 1001, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e11, 1e14, 1e17, 8.64e15, 8.64e15 + 1, 1e21, 1e308, -1e308, Number.MIN_VALUE]

/** A string that is either hostile, random Unicode (any code point), or plain words. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom('auth', 'login', 'token', 'fix', 'the', 'α', '"', '*', 'OR'), { maxLength: 6 }).map((w) => w.join(' ')) },
  )

/** A number at the edges or anywhere (finite: JSON cannot carry the others). */
export const edgeNumber = (): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }))

/** Any JSON value, biased to hostile leaves. */
export const hostileJson = (): fc.Arbitrary<unknown> =>
  fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      hostileString(),
      edgeNumber(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(hostileString(), tie('value'), { maxKeys: 4 }),
    ),
  })).value

const ERROR_CODES = Object.keys(ERROR_STATUS)

/** Asserts an HTTP answer is the JSON envelope (docs/api.md, "Envelope") (success, or an error whose code matches the status) and not a 500. */
export function expectEnvelope(status: number, body: unknown, context: string): void {
  if (status >= 500) throw new Error(`${context} → ${status} ${JSON.stringify(body)}`)
  const envelope = body as { success?: unknown; data?: unknown; error?: { code?: unknown; message?: unknown } }
  if (envelope?.success === true) {
    expect(status).toBeLessThan(300)
    expect('data' in envelope).toBe(true)
    return
  }
  expect({ context, success: envelope?.success, known: ERROR_CODES.includes(envelope?.error?.code as string), message: typeof envelope?.error?.message }).toEqual({
    context,
    success: false,
    known: true,
    message: 'string',
  })
  expect({ context, status }).toEqual({ context, status: ERROR_STATUS[envelope.error!.code as keyof typeof ERROR_STATUS] })
}

/**
 * A digest of every row of every table but FTS5's own (which mirror `messages`): equal digests mean
 * no committed change. Cheap on test-sized databases, and it catches updates as well as inserts.
 */
export function dbDigest(sqlite: Database): string {
  const tables = sqlite
    .query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts%' ORDER BY name",
    )
    .all()
  const hasher = new Bun.CryptoHasher('sha1')
  for (const { name } of tables) {
    hasher.update(name)
    for (const row of sqlite.query(`SELECT * FROM "${name}"`).values()) hasher.update(JSON.stringify(row))
  }
  return hasher.digest('hex')
}
