import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { checkPriceTable, EMBEDDED_PRICES, loadPriceFile, modelKey, ratesFor, type PriceTable } from '../../src/usage'
import { tempDir } from '../support/temp'

const rate = (input: number) => ({ input, output: input * 5, cacheRead: input / 10, cacheWrite5m: input * 1.25, cacheWrite1h: input * 2 })
const day = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000

describe('price table', () => {
  test('the embedded table is valid, dated, and names its sources', () => {
    expect(checkPriceTable(EMBEDDED_PRICES)).toEqual({ table: EMBEDDED_PRICES })
    expect(EMBEDDED_PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(Object.keys(EMBEDDED_PRICES.sources ?? {}).sort()).toEqual(['anthropic', 'google', 'openai'])
    expect(EMBEDDED_PRICES.models.every((m) => ['anthropic', 'openai', 'google'].includes(m.vendor ?? ''))).toBe(true)
  })

  test('model names as tools write them meet the table by id or alias, never by a guess', () => {
    expect(['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5', 'anthropic/claude-sonnet-4.5', 'claude-sonnet-4-5[1m]', 'Claude-Sonnet-4-5@20250929'].map(modelKey)).toEqual(
      Array(5).fill('claude-sonnet-4-5'),
    )
    expect(modelKey('copilot/claude-opus-4.6-1m')).toBe('claude-opus-4-6')
    expect(modelKey('gpt-5.1-codex-max')).toBe('gpt-5-1-codex-max')
    const priced = (name: string) => ratesFor([name], EMBEDDED_PRICES).length > 0
    expect(['claude-4.5-sonnet', 'gpt-5-codex', 'gpt-5.1-codex-max', 'gemini-2.5-pro', 'claude-opus-4-6'].every(priced)).toBe(true)
    // No fallbacks: a family name, a newer unknown version or a router's alias has no price.
    expect(['claude-sonnet', 'claude-sonnet-4-9', 'default', 'auto', 'gpt-5.9', ''].some(priced)).toBe(false)
  })

  test('periods and prompt bands never overlap: each usage row meets one rate', () => {
    const table: PriceTable = {
      asOf: '2026-12-01',
      models: [
        { id: 'm', ...rate(2) },
        { id: 'm', since: '2026-10-07', ...rate(1), longPrompt: { above: 200000, ...rate(4) } },
      ],
    }
    expect(ratesFor(['m-20260101'], table)).toEqual([
      { model: 'm-20260101', fromDay: null, untilDay: day('2026-10-06'), minBand: 0, maxBand: 3, ...rate(2) },
      { model: 'm-20260101', fromDay: day('2026-10-07'), untilDay: null, minBand: 0, maxBand: 1, ...rate(1) },
      { model: 'm-20260101', fromDay: day('2026-10-07'), untilDay: null, minBand: 2, maxBand: 3, ...rate(4) },
    ])
  })

  test('a bad table is refused with where and why', () => {
    const base = { asOf: '2026-12-01', models: [{ id: 'a', ...rate(1) }] }
    const error = (value: unknown) => ('error' in checkPriceTable(value) ? (checkPriceTable(value) as { error: string }).error : null)
    expect(error(base)).toBeNull()
    expect(error({ ...base, asOf: 'yesterday' })).toStartWith('/asOf: ')
    expect(error({ ...base, models: [{ id: 'a', ...rate(1), input: -1 }] })).toStartWith('/models/0/input: ')
    expect(error({ ...base, models: [{ id: 'a', ...rate(1), cachRead: 1 }] })).toStartWith('/models/0/cachRead: ')
    expect(error({ ...base, models: [{ id: 'a', input: 1 }] })).toStartWith('/models/0/output: ')
    expect(error({ ...base, models: [{ id: 'a', ...rate(1), longPrompt: { above: 150000, ...rate(2) } }] })).toStartWith('/models/0/longPrompt/above: ')
    expect(error({ ...base, models: [{ id: 'a', ...rate(1) }, { id: 'A', ...rate(2) }] })).toBe('/models/1: a second price for A')
    expect(error({ ...base, models: [{ id: 'a', ...rate(1) }, { id: 'b', aliases: ['a'], ...rate(2) }] })).toBe('/models/1: a names both a and b')
    expect(error({ ...base, models: [{ id: 'a', since: '2026-02-30', ...rate(1) }] })).toBe('/models/0: 2026-02-30 is not a date')
  })

  test('a price file is read and checked; every fault is one line naming the file', async () => {
    using dir = tempDir()
    const path = (name: string) => join(dir.path, name)
    await Bun.write(path('good.json'), JSON.stringify({ asOf: '2026-12-01', models: [{ id: 'x', ...rate(1) }] }))
    await Bun.write(path('broken.json'), '{"asOf": ')
    await Bun.write(path('wrong.json'), JSON.stringify({ asOf: '2026-12-01', models: {} }))
    expect((await loadPriceFile(path('good.json'))).models.map((m) => m.id)).toEqual(['x'])
    const fault = (name: string) => loadPriceFile(path(name)).then(() => null, (error: Error) => error.message)
    expect(await fault('missing.json')).toBe(`cannot read price file ${path('missing.json')}: ENOENT`)
    expect(await fault('broken.json')).toStartWith(`price file ${path('broken.json')} is not JSON: `)
    expect(await fault('wrong.json')).toStartWith(`price file ${path('wrong.json')} is not a price table: /models: `)
    for (const name of ['missing.json', 'broken.json', 'wrong.json']) expect(await fault(name)).not.toContain('\n')
  })
})
