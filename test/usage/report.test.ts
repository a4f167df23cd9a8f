import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PROVIDERS } from '../../src/harvest'
import type { UsageGroup } from '../../src/db'
import { EMBEDDED_PRICES, usageReport, type PriceTable } from '../../src/usage'
import { openTestDb } from '../support/db'
import { harvestHome } from '../support/harvest'
import { fixtureText, kvStoreBytes, sqliteBytes } from '../support/fixture-db'
import { allFixturesHome } from '../support/fixture-home'
import { writeTree } from '../support/temp'

const FIXTURES = join(import.meta.dir, '..', 'fixtures')

interface Totals {
  input: number
  output: number
  cacheRead: number
  cacheWrite: number
}
const zero = (): Totals => ({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 })
const n = (value: unknown) => (typeof value === 'number' ? value : 0)
const add = (totals: Totals, input: number, output: number, cacheRead: number, cacheWrite: number) => {
  totals.input += input
  totals.output += output
  totals.cacheRead += cacheRead
  totals.cacheWrite += cacheWrite
}
/** Every file under a fixture folder whose name `accept`s. */
const files = (dir: string, accept: (name: string) => boolean): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && accept(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
const records = (path: string): any[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line.trim() === '' ? [] : [JSON.parse(line)]
      } catch {
        return []
      }
    })

/**
 * The usage in each provider's fixture files, summed straight from the raw JSON as each tool's
 * documentation describes it — without the provider readers — to check the harvest against.
 */
function independentTotals(): Record<string, Totals> {
  const out: Record<string, Totals> = {}
  const totals = (provider: string) => (out[provider] ??= zero())

  // Claude Code: one API message per message.id in a file (split lines repeat its usage); synthetic notices are no call.
  for (const path of files(join(FIXTURES, 'claude-code'), (name) => name.endsWith('.jsonl') && name !== 'history.jsonl')) {
    const byId = new Map<string, any[]>()
    for (const record of records(path)) {
      if (record.type !== 'assistant' || record.message?.model === '<synthetic>' || !record.message?.usage) continue
      byId.set(record.message.id, [...(byId.get(record.message.id) ?? []), record.message.usage])
    }
    for (const usages of byId.values()) {
      const max = (field: string) => Math.max(...usages.map((u) => n(u[field])))
      add(totals('claude-code'), max('input_tokens'), max('output_tokens'), max('cache_read_input_tokens'), max('cache_creation_input_tokens'))
    }
  }

  // Codex: last_token_usage of each token_count whose running total moved (OpenAI counts cached input inside input).
  for (const path of files(join(FIXTURES, 'codex'), (name) => name.startsWith('rollout-'))) {
    let previous = ''
    for (const record of records(path)) {
      const info = record.type === 'event_msg' && record.payload?.type === 'token_count' ? record.payload.info : null
      if (!info?.last_token_usage || JSON.stringify(info.total_token_usage) === previous) continue
      previous = JSON.stringify(info.total_token_usage)
      const last = info.last_token_usage
      add(totals('codex'), last.input_tokens - last.cached_input_tokens, last.output_tokens, last.cached_input_tokens, 0)
    }
  }

  // Gemini CLI: the tokens of each message's last version, after rewinds; a migrated .json is read from its .jsonl.
  for (const path of files(join(FIXTURES, 'gemini-cli'), (name) => /\.jsonl?$/.test(name) && name !== 'logs.json' && name !== 'projects.json')) {
    if (path.endsWith('.json') && files(join(path, '..'), (name) => name === `${path.split('/').pop()}l`).length > 0) continue
    const messages = new Map<string, any>()
    const lines = path.endsWith('.jsonl') ? records(path) : [JSON.parse(readFileSync(path, 'utf8'))]
    for (const record of lines) {
      if (Array.isArray(record?.messages)) {
        messages.clear()
        record.messages.forEach((message: any, i: number) => messages.set(message.id ?? `messages[${i}]`, message))
      } else if (record?.$rewindTo !== undefined) {
        const ids = [...messages.keys()]
        const from = ids.indexOf(record.$rewindTo)
        for (const id of from === -1 ? ids : ids.slice(from)) messages.delete(id)
      } else if (record?.type) messages.set(record.id, record)
    }
    for (const message of messages.values()) {
      const t = message.type === 'gemini' ? message.tokens : null
      if (t) add(totals('gemini-cli'), t.input - n(t.cached) + n(t.tool), t.output + n(t.thoughts), n(t.cached), 0)
    }
  }

  // Copilot CLI: a run's usage is its shutdown's modelMetrics (input includes cache reads and writes);
  // a run without a shutdown has only its replies' outputTokens.
  for (const path of files(join(FIXTURES, 'copilot-cli'), (name) => name === 'events.jsonl')) {
    let pending = 0
    for (const record of records(path)) {
      if (record.type === 'assistant.message') pending += n(record.data?.outputTokens)
      if (record.type !== 'session.shutdown') continue
      pending = 0
      for (const metrics of Object.values<any>(record.data.modelMetrics ?? {})) {
        const u = metrics.usage
        add(totals('copilot-cli'), u.inputTokens - u.cacheReadTokens - u.cacheWriteTokens, u.outputTokens, u.cacheReadTokens, u.cacheWriteTokens)
      }
    }
    add(totals('copilot-cli'), 0, pending, 0, 0)
  }

  // Cline (Anthropic provider in every fixture): the counts of each api_req_started / deleted_api_reqs event.
  for (const path of files(join(FIXTURES, 'cline'), (name) => name === 'ui_messages.json')) {
    for (const event of JSON.parse(readFileSync(path, 'utf8'))) {
      if (event.say !== 'api_req_started' && event.say !== 'deleted_api_reqs') continue
      const info = JSON.parse(event.text)
      if (info.tokensIn === undefined && info.tokensOut === undefined) continue
      add(totals('cline'), n(info.tokensIn), n(info.tokensOut), n(info.cacheReads), n(info.cacheWrites))
    }
  }

  // OpenCode: the tokens of each assistant message row (input excludes the cache; reasoning is billed as output).
  for (const match of fixtureText('opencode', 'opencode.sql').matchAll(/INSERT INTO message VALUES \([^']*'[^']*', '[^']*', \d+, \d+, '(.*)'\);/g)) {
    const tokens = JSON.parse(match[1]!).tokens
    if (tokens) add(totals('opencode'), tokens.input, tokens.output + tokens.reasoning, tokens.cache.read, tokens.cache.write)
  }

  // Goose: each session's accumulated input and output tokens, in sessions.db and on the first line of an older JSONL file.
  const goose = new Database(':memory:')
  goose.exec(fixtureText('goose', 'sessions.sql'))
  for (const row of goose.query<{ input: number | null; output: number | null }, []>('SELECT accumulated_input_tokens AS input, accumulated_output_tokens AS output FROM sessions').all()) {
    add(totals('goose'), n(row.input), n(row.output), 0, 0)
  }
  goose.close()
  for (const path of files(join(FIXTURES, 'goose'), (name) => name.endsWith('.jsonl'))) {
    const [meta] = records(path)
    add(totals('goose'), n(meta.accumulated_input_tokens), n(meta.accumulated_output_tokens), 0, 0)
  }

  // Cursor: bubbles' tokenCount, where it counted anything.
  for (const value of Object.values<any>(JSON.parse(fixtureText('cursor', 'global.json')).cursorDiskKV)) {
    const count = value?.tokenCount
    if (count && (count.inputTokens || count.outputTokens)) add(totals('cursor'), count.inputTokens, count.outputTokens, 0, 0)
  }
  return out
}

/** Every fixture home in one, with the SQLite stores the provider tests build from their SQL and JSON. */
function everyFixture() {
  const home = allFixturesHome()
  const kv = (name: string) => kvStoreBytes(JSON.parse(fixtureText('cursor', name)))
  const storage = '.config/Cursor/User/workspaceStorage'
  writeTree(home.path, {
    '.local': {
      share: {
        opencode: { 'opencode.db': sqliteBytes(fixtureText('opencode', 'opencode.sql')) },
        goose: { sessions: { 'sessions.db': sqliteBytes(fixtureText('goose', 'sessions.sql')) } },
      },
    },
    '.config': { Cursor: { User: { globalStorage: { 'state.vscdb': kv('global.json') } } } },
  })
  writeTree(join(home.path, storage), { '9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b': { 'state.vscdb': kv('workspace-todo-api.json') } })
  return home
}

describe('usage report', () => {
  test('harvested totals per provider equal an independent sum over the raw fixture files', async () => {
    using home = everyFixture()
    using db = openTestDb()
    await harvestHome(db, [...PROVIDERS], home.path)
    const rows = usageReport(db.sqlite, { groupBy: 'provider', limit: 100, offset: 0 }, EMBEDDED_PRICES).items
    const harvested = Object.fromEntries(
      rows.map((row) => [row.key, { input: row.inputTokens, output: row.outputTokens, cacheRead: row.cacheReadTokens, cacheWrite: row.cacheWriteTokens }]),
    )
    const expected = independentTotals()
    expect(Object.keys(expected).sort()).toEqual(['claude-code', 'cline', 'codex', 'copilot-cli', 'cursor', 'gemini-cli', 'goose', 'opencode'])
    // Providers this reader does not sum (added since) are checked by their own tests.
    expect(Object.fromEntries(Object.entries(harvested).filter(([provider]) => provider in expected))).toEqual(expected)
  })

  test('every grouping sums to the same totals; days, filters and pages narrow them', async () => {
    using home = everyFixture()
    using db = openTestDb()
    await harvestHome(db, [...PROVIDERS], home.path)
    const report = (request: Partial<Parameters<typeof usageReport>[1]>) =>
      usageReport(db.sqlite, { groupBy: 'day', limit: 1000, offset: 0, ...request }, EMBEDDED_PRICES)
    const sum = (rows: ReturnType<typeof report>['items']) =>
      rows.reduce((t, r) => ({ messages: t.messages + r.messages, tokens: t.tokens + r.inputTokens + r.outputTokens + r.cacheReadTokens + r.cacheWriteTokens }), { messages: 0, tokens: 0 })
    const all = sum(report({}).items)
    for (const groupBy of ['model', 'provider', 'workspace', 'session'] as const) expect({ groupBy, ...sum(report({ groupBy }).items) }).toEqual({ groupBy, ...all })

    const days = report({}).items.map((row) => row.key)
    expect(days).toEqual([...days].sort())
    expect(report({ from: '2026-02-01', to: '2026-02-10' }).items.map((row) => row.key)).toEqual(days.filter((d) => d! >= '2026-02-01' && d! <= '2026-02-10'))
    expect(report({ provider: 'codex' }).items.every((row) => row.sessions <= 2)).toBe(true)
    const page = report({ groupBy: 'model', limit: 2, offset: 1 })
    expect([page.items.length, page.meta]).toEqual([2, { total: report({ groupBy: 'model' }).items.length, limit: 2, offset: 1 }])
    expect(report({ groupBy: 'model', offset: 500 })).toEqual({ items: [], meta: { total: page.meta.total, limit: 1000, offset: 500 } })
  })

  test('cost: each row priced by its model, day and prompt size; a row with unpriced tokens has none', async () => {
    using db = openTestDb()
    const at = (day: string) => Date.parse(`${day}T12:00:00Z`)
    const { replaceSession } = await import('../../src/db')
    const message = (day: string, model: string | null, input: number, output: number, cacheRead = 0) => ({
      role: 'assistant' as const,
      content: '',
      timestamp: at(day),
      model,
      usage: { inputTokens: input, outputTokens: output, cacheReadTokens: cacheRead, cacheWrite5mTokens: null, cacheWrite1hTokens: null },
    })
    replaceSession(db.sqlite, {
      id: 's',
      provider: 'claude-code',
      origin: 'harvest',
      title: 'priced',
      model: null,
      created: at('2026-10-01'),
      updated: at('2026-10-09'),
      workspace: null,
      messages: [
        message('2026-10-01', 'm-20260101', 1_000_000, 100_000),
        message('2026-10-08', 'm', 100_000, 0, 0),
        // (Before `since`, one rate for any prompt size.) Above 200k prompt tokens: the long-prompt rate, on output too.
        message('2026-10-08', 'm', 150_000, 10_000, 60_000),
        message('2026-10-09', 'unknown-model', 10, 10),
        message('2026-10-09', null, 0, 0),
      ],
    })
    const table: PriceTable = {
      asOf: '2026-12-01',
      models: [
        { id: 'm', input: 2, output: 10, cacheRead: 0.2, cacheWrite5m: 2.5, cacheWrite1h: 4 },
        { id: 'm', since: '2026-10-07', input: 1, output: 10, cacheRead: 0.1, cacheWrite5m: 2.5, cacheWrite1h: 4, longPrompt: { above: 200000, input: 3, output: 20, cacheRead: 0.5, cacheWrite5m: 5, cacheWrite1h: 8 } },
      ],
    }
    const days = usageReport(db.sqlite, { groupBy: 'day', limit: 10, offset: 0 }, table).items
    expect(days.map(({ key, costUsd, unpricedModels }) => ({ key, costUsd, unpricedModels }))).toEqual([
      { key: '2026-10-01', costUsd: 2 + 1, unpricedModels: [] },
      { key: '2026-10-08', costUsd: 0.78 /* 0.1 + 0.15 × 3 + 0.01 × 20 + 0.06 × 0.5 */, unpricedModels: [] },
      // Ten tokens of a model without a price make the whole day's cost unknown; a message without tokens does not.
      { key: '2026-10-09', costUsd: null, unpricedModels: ['unknown-model'] },
    ])
  })

  test('a session counts once per group across days and models; usage with no time at all has no day', async () => {
    using db = openTestDb()
    const { replaceSession } = await import('../../src/db')
    const message = (timestamp: number | null, model: string) => ({
      role: 'assistant' as const,
      content: '',
      timestamp,
      model,
      usage: { inputTokens: 1, outputTokens: 1, cacheReadTokens: null, cacheWrite5mTokens: null, cacheWrite1hTokens: null },
    })
    const session = (id: string, created: number | null, messages: ReturnType<typeof message>[]) =>
      replaceSession(db.sqlite, { id, provider: 'codex', origin: 'harvest', title: id, model: null, created, updated: created, workspace: null, messages })
    const day = (n: number) => Date.UTC(2026, 3, n, 12)
    session('a', day(1), [message(day(1), 'gpt-5'), message(day(2), 'gpt-5'), message(day(2), 'o3'), message(null, 'o3')])
    session('b', day(2), [message(day(2), 'gpt-5')])
    session('c', null, [message(null, 'local-llm')])
    const rows = (groupBy: UsageGroup, range: { from?: string; to?: string } = {}) =>
      usageReport(db.sqlite, { groupBy, limit: 100, offset: 0, ...range }, EMBEDDED_PRICES).items.map(({ key, sessions, messages }) => ({ key, sessions, messages }))
    expect(rows('provider')).toEqual([{ key: 'codex', sessions: 3, messages: 6 }])
    expect(rows('model')).toEqual([
      { key: 'gpt-5', sessions: 2, messages: 3 },
      { key: 'o3', sessions: 1, messages: 2 },
      { key: 'local-llm', sessions: 1, messages: 1 },
    ])
    // Session a's message without a time counts on a's day; c has no time anywhere.
    expect(rows('day')).toEqual([
      { key: null, sessions: 1, messages: 1 },
      { key: '2026-04-01', sessions: 1, messages: 2 },
      { key: '2026-04-02', sessions: 2, messages: 3 },
    ])
    expect(rows('model', { to: '2026-04-01' })).toEqual([
      { key: 'gpt-5', sessions: 1, messages: 1 },
      { key: 'o3', sessions: 1, messages: 1 },
    ])
    // No workspace is a group too, and names the model it cannot price.
    const workspaces = usageReport(db.sqlite, { groupBy: 'workspace', limit: 100, offset: 0 }, EMBEDDED_PRICES).items
    expect(workspaces.map(({ key, sessions, costUsd, unpricedModels }) => ({ key, sessions, costUsd, unpricedModels }))).toEqual([
      { key: null, sessions: 3, costUsd: null, unpricedModels: ['local-llm'] },
    ])
  })
})
