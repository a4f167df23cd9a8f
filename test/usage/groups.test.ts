import { describe, expect, test } from 'bun:test'
import { replaceSession, usageModels, type MessageInput, type UsageRow } from '../../src/db'
import { ratesFor, usageReport, type PriceTable, type UsageRequest } from '../../src/usage'
import { openTestDb } from '../support/db'
import { seeded } from '../support/seeded'

const DAY_MS = 86_400_000

// Rates that change inside a month ('m' on 2026-02-10) and at a month's start (2026-03-01), prompt
// bands priced apart, and a model without a price.
const PRICES: PriceTable = {
  asOf: '2026-06-01',
  models: [
    { id: 'm', input: 2, output: 10, cacheRead: 0.2, cacheWrite5m: 2.5, cacheWrite1h: 4 },
    { id: 'm', since: '2026-02-10', input: 1, output: 8, cacheRead: 0.1, cacheWrite5m: 2, cacheWrite1h: 3 },
    { id: 'm', since: '2026-03-01', input: 3, output: 9, cacheRead: 0.3, cacheWrite5m: 3, cacheWrite1h: 5 },
    {
      id: 'claude-sonnet-4-5', input: 3, output: 15, cacheRead: 0.3, cacheWrite5m: 3.75, cacheWrite1h: 6,
      longPrompt: { above: 200000, input: 6, output: 22.5, cacheRead: 0.6, cacheWrite5m: 7.5, cacheWrite1h: 12 },
    },
  ],
}

interface Used {
  sessionPk: number
  sessionId: string
  title: string | null
  provider: string
  workspace: string | null
  workspaceName: string | null
  day: number
  model: string
  counts: [number, number, number, number, number]
}

/** Every message with usage, read straight from `messages` and `sessions` (not the rollup or any table built on it). */
function usedMessages(sqlite: ReturnType<typeof openTestDb>['sqlite']): Used[] {
  return sqlite
    .query<Record<string, number | string | null>, []>(
      `SELECT m.session_pk, s.id, s.title, s.provider, s.workspace_id, w.name, m.timestamp, s.created_at, s.updated_at, m.model,
         m.input_tokens, m.output_tokens, m.cache_read_tokens, m.cache_write_5m_tokens, m.cache_write_1h_tokens
       FROM messages m JOIN sessions s ON s.pk = m.session_pk LEFT JOIN workspaces w ON w.id = s.workspace_id
       WHERE coalesce(m.input_tokens, m.output_tokens, m.cache_read_tokens, m.cache_write_5m_tokens, m.cache_write_1h_tokens) IS NOT NULL`,
    )
    .all()
    .map((row) => {
      const time = (row.timestamp ?? row.created_at ?? row.updated_at) as number | null
      return {
        sessionPk: row.session_pk as number,
        sessionId: row.id as string,
        title: row.title as string | null,
        provider: row.provider as string,
        workspace: row.workspace_id as string | null,
        workspaceName: row.name as string | null,
        day: time === null ? -1 : Math.trunc(time / DAY_MS),
        model: (row.model as string | null) ?? '',
        counts: [row.input_tokens, row.output_tokens, row.cache_read_tokens, row.cache_write_5m_tokens, row.cache_write_1h_tokens].map((n) => (n as number | null) ?? 0) as Used['counts'],
      }
    })
}

/** The report by workspace or session as docs/usage.md defines it, computed message by message. */
function expectedReport(used: Used[], rates: ReturnType<typeof ratesFor>, request: UsageRequest): { items: UsageRow[]; total: number } {
  const dayOf = (date: string | undefined) => (date === undefined ? null : Date.parse(`${date}T00:00:00Z`) / DAY_MS)
  const from = dayOf(request.from)
  const to = dayOf(request.to)
  const bands = [100_000, 200_000, 272_000]
  const groups = new Map<string | number, { row: UsageRow; sessions: Set<number>; tokens: number; cost: number; unpriced: Set<string>; sort: string | number }>()
  for (const u of used) {
    if (from !== null && u.day < from) continue
    if (to !== null && (u.day < 0 || u.day > to)) continue
    if (request.provider !== undefined && u.provider !== request.provider) continue
    if (request.workspace !== undefined && u.workspace !== request.workspace) continue
    const byWorkspace = request.groupBy === 'workspace'
    const id = byWorkspace ? (u.workspace ?? '') : u.sessionPk
    const group =
      groups.get(id) ??
      groups
        .set(id, {
          row: {
            key: byWorkspace ? u.workspace : u.sessionId, label: byWorkspace ? u.workspaceName : u.title, sessions: 0, messages: 0,
            inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: null, unpricedModels: [],
          },
          sessions: new Set(), tokens: 0, cost: 0, unpriced: new Set(), sort: id,
        })
        .get(id)!
    const [input, output, cacheRead, write5m, write1h] = u.counts
    const prompt = input + cacheRead + write5m + write1h
    const band = bands.filter((above) => prompt > above).length
    const rate = rates.find((r) => r.model === u.model && (r.fromDay === null || u.day >= r.fromDay) && (r.untilDay === null || u.day <= r.untilDay) && band >= r.minBand && band <= r.maxBand)
    const tokens = input + output + cacheRead + write5m + write1h
    group.sessions.add(u.sessionPk)
    group.row.messages += 1
    group.row.inputTokens += input
    group.row.outputTokens += output
    group.row.cacheReadTokens += cacheRead
    group.row.cacheWriteTokens += write5m + write1h
    group.tokens += tokens
    if (rate) group.cost += (input * rate.input + output * rate.output + cacheRead * rate.cacheRead + write5m * rate.cacheWrite5m + write1h * rate.cacheWrite1h) / 1e6
    else if (tokens > 0) group.unpriced.add(u.model)
  }
  const rows = [...groups.values()]
    .sort((a, b) => b.tokens - a.tokens || (a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : 0))
    .map((group) => ({
      ...group.row,
      sessions: group.sessions.size,
      costUsd: group.unpriced.size > 0 ? null : Math.round(group.cost * 1e6) / 1e6,
      unpricedModels: [...group.unpriced].sort(),
    }))
  return { items: rows.slice(request.offset, request.offset + request.limit), total: rows.length }
}

describe('usage by workspace and by session', () => {
  test('equal the same report computed message by message, for any range, filter and page', () => {
    const pick = seeded('usage groups', 'CHASM_USAGE_SEED')
    using db = openTestDb()
    const models = ['m', 'claude-sonnet-4-5', 'unpriced-model', null]
    const count = () => (pick(5) === 0 ? null : pick(4) === 0 ? 150_000 + pick(150_000) : pick(4000))
    // Days from mid-January to early April 2026: month ends, the mid-month price change and the month-start one.
    const time = () => (pick(6) === 0 ? null : Date.UTC(2026, 0, 15 + pick(80), pick(24)))
    const message = (i: number): MessageInput => ({
      role: 'assistant',
      content: `m${i}`,
      timestamp: time(),
      model: models[pick(models.length)]!,
      usage: { inputTokens: count(), outputTokens: count(), cacheReadTokens: count(), cacheWrite5mTokens: count(), cacheWrite1hTokens: count() },
    })
    for (let s = 0; s < 40; s++) {
      const w = pick(5)
      replaceSession(db.sqlite, {
        id: `s${s}`, provider: ['claude-code', 'codex'][pick(2)]!, origin: 'harvest', title: `session ${s}`, model: null,
        created: pick(5) === 0 ? null : Date.UTC(2026, 0, 15 + pick(80)), updated: null,
        workspace: w === 4 ? null : { provider: 'claude-code', key: `/w${w}`, name: `w${w}`, path: `/w${w}` },
        messages: Array.from({ length: 1 + pick(8) }, (_, i) => message(i)),
      })
    }
    // Some ties: two sessions with the same totals.
    db.sqlite.run('UPDATE messages SET input_tokens = 7, output_tokens = 7, cache_read_tokens = NULL, cache_write_5m_tokens = NULL, cache_write_1h_tokens = NULL WHERE session_pk IN (1, 2)')
    const used = usedMessages(db.sqlite)
    const rates = ratesFor(usageModels(db.sqlite), PRICES)
    const workspaces = [...new Set(used.map((u) => u.workspace).filter((w) => w !== null))]
    const ranges: { from?: string; to?: string }[] = [
      {},
      { from: '2026-02-01', to: '2026-02-28' },
      { from: '2026-02-01', to: '2026-03-31' },
      { from: '2026-01-20', to: '2026-03-05' },
      { from: '2026-02-05', to: '2026-02-20' },
      { from: '2026-03-01' },
      { from: '2026-02-14' },
      { to: '2026-02-28' },
      { to: '2026-03-17' },
      { from: '2026-03-03', to: '2026-03-03' },
    ]
    for (let check = 0; check < 120; check++) {
      const request: UsageRequest = {
        groupBy: pick(2) === 0 ? 'workspace' : 'session',
        ...ranges[pick(ranges.length)],
        ...(pick(3) === 0 ? { provider: ['claude-code', 'codex'][pick(2)] } : {}),
        ...(pick(4) === 0 ? { workspace: workspaces[pick(workspaces.length)] } : {}),
        limit: 1 + pick(12),
        offset: pick(3) === 0 ? pick(30) : 0,
      }
      const actual = usageReport(db.sqlite, request, PRICES)
      const expected = expectedReport(used, rates, request)
      const withoutCost = (rows: UsageRow[]) => rows.map(({ costUsd, ...row }) => ({ ...row, priced: costUsd !== null }))
      expect({ request, items: withoutCost(actual.items), total: actual.meta.total }).toEqual({ request, items: withoutCost(expected.items), total: expected.total })
      actual.items.forEach((row, i) => expect(row.costUsd ?? 0).toBeCloseTo(expected.items[i]!.costUsd ?? 0, 5))
    }
  })
})
