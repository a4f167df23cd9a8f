/**
 * Generates a realistic chat corpus into a chasm database through the product's own insert path:
 * Zipf-distributed vocabulary of English and code words, Markdown with code blocks, tool calls.
 * Planted terms: RARE_TERM in ~50 messages, COMMON_TERM in ≥ 10 % of messages, one 500-message session.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { openDatabase, replaceSessions, type MessageInput, type SessionInput } from '../../src/db'

export const RARE_TERM = 'zephyrquux'
export const COMMON_TERM = 'function'
export const LONG_SESSION_ID = 'bench-long-session'

const BASE_WORDS = `the a to of and in is it for that you this with on be as are not can use or if we but your will an by
from at have file code error test function return value type data user request response server client api should
need change add update fix build run config module import export class method string number array object null
undefined async await promise callback state component render props hook query database table index schema
migration session token auth authentication login password cache memory thread process signal exit path directory
json yaml parse serialize buffer stream read write open close socket http websocket header body status route handler
middleware logger debug trace warning exception stack frame compile bundle deploy release version branch commit merge
rebase diff patch review refactor rename extract inline variable constant loop condition branch case switch default`
  .split(/\s+/)
  .filter(Boolean)

/** A seeded PRNG so every run generates the same corpus. */
export function rng(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function vocabulary(random: () => number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ra', 'te', 'su', 'no', 'vi', 'ze', 'pa', 'qu', 'do', 'fe', 'gi', 'ho', 'ju']
  const made = new Set<string>()
  while (made.size < 8000) {
    const n = 2 + Math.floor(random() * 3)
    let word = ''
    for (let i = 0; i < n; i++) word += syllables[Math.floor(random() * syllables.length)]
    made.add(word)
  }
  return [...BASE_WORDS.filter((w) => w !== COMMON_TERM), ...made]
}

export interface CorpusOptions {
  sessions: number
  messagesPerSession: number
  seed?: number
}

/** A seeded source of realistic text: `pick()` one Zipf-distributed word, `sentence(n)` words. */
export function textSource(seed: number) {
  const random = rng(seed)
  const words = vocabulary(random)
  // Zipf: word i has weight 1/(i+1); sample by inverse CDF over a precomputed table.
  const cdf: number[] = []
  let sum = 0
  for (let i = 0; i < words.length; i++) cdf.push((sum += 1 / (i + 1)))
  const pick = () => {
    const x = random() * sum
    let lo = 0
    let hi = cdf.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid]! < x) lo = mid + 1
      else hi = mid
    }
    return words[lo]!
  }
  const sentence = (n: number) => Array.from({ length: n }, pick).join(' ')
  return { random, pick, sentence }
}

/** Builds sessions lazily, `batch` at a time. */
export function* corpus({ sessions, messagesPerSession, seed = 42 }: CorpusOptions, batch = 500): Generator<SessionInput[]> {
  const { random, pick, sentence } = textSource(seed)
  // Token counts from a generator of their own, so the text is the same as before they were added.
  const tokens = rng(seed + 1)
  const upTo = (n: number) => Math.floor(tokens() * n)
  const providers = ['copilot', 'claude-code', 'cursor', 'codex', 'gemini-cli']
  // One model per provider; Cursor's is one the price table does not know, as in real homes.
  const models = ['gpt-4o', 'claude-sonnet-4-5', 'cursor-fast', 'gpt-5-codex', 'gemini-2.5-pro']
  const totalMessages = sessions * messagesPerSession
  const rareEvery = Math.max(1, Math.floor(totalMessages / 50))
  let messageNo = 0
  const start = Date.parse('2025-01-01T00:00:00Z')
  let out: SessionInput[] = []
  for (let s = 0; s < sessions; s++) {
    const id = s === 0 ? LONG_SESSION_ID : `bench-${s.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`
    const count = s === 0 ? 500 : messagesPerSession
    const provider = providers[s % providers.length]!
    const model = models[s % models.length]!
    const project = `project-${s % 2000}`
    const updated = start + s * 60_000
    const messages: MessageInput[] = []
    for (let m = 0; m < count; m++) {
      messageNo += 1
      const assistant = m % 2 === 1
      let content = assistant
        ? `${sentence(20 + Math.floor(random() * 40))}.\n\n\`\`\`ts\nconst ${pick()} = ${pick()}(${pick()})\n\`\`\`\n${sentence(10)}.`
        : `${sentence(8 + Math.floor(random() * 20))}?`
      if (random() < 0.12) content += ` ${COMMON_TERM} ${pick()}`
      if (messageNo % rareEvery === 0) content += ` ${RARE_TERM}`
      messages.push({
        id: `${id}-${m}`,
        role: assistant ? 'assistant' : 'user',
        content,
        timestamp: updated - (count - m) * 1000,
        model: assistant ? model : null,
        usage: assistant
          ? { inputTokens: 1 + upTo(2000), outputTokens: 20 + upTo(800), cacheReadTokens: upTo(60_000), cacheWrite5mTokens: upTo(2000), cacheWrite1hTokens: null }
          : undefined,
        toolInvocations: assistant && m % 6 === 1 ? [{ id: `${id}-t${m}`, name: 'read_file', input: { path: `src/${pick()}.ts` }, output: sentence(12), status: 'completed' }] : [],
      })
    }
    out.push({
      id,
      provider,
      origin: 'harvest',
      title: sentence(5),
      model,
      created: updated - count * 1000,
      updated,
      workspace: { provider, key: `/home/dev/${project}`, name: project, path: `/home/dev/${project}` },
      messages,
    })
    if (out.length === batch) {
      yield out
      out = []
    }
  }
  if (out.length) yield out
}

/** Bumped when the corpus changes, so a database cached from an older corpus is not reused. */
const CORPUS_VERSION = 'usage'

/** Creates (or reuses) `.bench/<name>-<version>.db` with the corpus; returns its path. */
export function benchDatabase(name: string, options: CorpusOptions, log: (line: string) => void = console.log): string {
  const path = join(import.meta.dir, '..', '..', '.bench', `${name}-${CORPUS_VERSION}.db`)
  if (existsSync(path)) return path
  mkdirSync(dirname(path), { recursive: true })
  const partial = `${path}.partial`
  rmSync(partial, { force: true })
  const chasm = openDatabase(partial)
  const started = performance.now()
  let done = 0
  for (const batch of corpus(options)) {
    replaceSessions(chasm.sqlite, batch)
    done += batch.length
    if (done % 10_000 === 0) log(`  generated ${done}/${options.sessions} sessions (${((performance.now() - started) / 1000).toFixed(0)} s)`)
  }
  chasm.sqlite.run("INSERT INTO messages_fts(messages_fts) VALUES ('optimize')")
  chasm.close()
  renameSync(partial, path)
  return path
}
