import { describe, expect, test } from 'bun:test'
import { replaceSessions } from '../../src/db'
import { testApp } from '../support/app'
import { sampleSession } from '../support/sessions'

const day = (iso: string) => Date.parse(`${iso}T12:00:00Z`)

describe('GET /api/sessions filters by origin and update time (the web app\'s session filters)', () => {
  const seeded = () => {
    const t = testApp()
    replaceSessions(t.db.sqlite, [
      sampleSession({ id: 'h-jan-1', updated: day('2026-01-01') }),
      sampleSession({ id: 'r-jan-5', origin: 'recording', updated: day('2026-01-05') }),
      sampleSession({ id: 'a-jan-9', origin: 'agency', updated: day('2026-01-09') }),
      sampleSession({ id: 'h-jan-9', provider: 'codex', updated: day('2026-01-09') + 1 }),
    ])
    return t
  }
  const ids = async (t: ReturnType<typeof testApp>, query: string) => {
    const { status, body } = await t.json(`/api/sessions?${query}`)
    expect({ query, status }).toEqual({ query, status: 200 })
    return { ids: body.data.map((s: { id: string }) => s.id), total: body.meta.total }
  }

  test('origin, from and to, alone and combined with provider; totals match', async () => {
    using t = seeded()
    expect(await ids(t, 'origin=harvest')).toEqual({ ids: ['h-jan-9', 'h-jan-1'], total: 2 })
    expect(await ids(t, 'origin=agency')).toEqual({ ids: ['a-jan-9'], total: 1 })
    expect(await ids(t, 'from=2026-01-05')).toEqual({ ids: ['h-jan-9', 'a-jan-9', 'r-jan-5'], total: 3 })
    expect(await ids(t, 'to=2026-01-05T12:00:00.000Z')).toEqual({ ids: ['h-jan-1'], total: 1 })
    expect(await ids(t, `from=${day('2026-01-02')}&to=${day('2026-01-09')}`)).toEqual({ ids: ['r-jan-5'], total: 1 })
    expect(await ids(t, 'from=2026-01-02&origin=harvest&provider=codex')).toEqual({ ids: ['h-jan-9'], total: 1 })
  })

  test('bad values are 400 naming the parameter', async () => {
    using t = seeded()
    for (const [query, parameter] of [['origin=web', 'origin'], ['from=yesterday', 'from'], ['to=2026-13-45', 'to'], ['from=-5', 'from'], ['to=1e20', 'to']] as const) {
      const { status, body } = await t.json(`/api/sessions?${query}`)
      expect({ query, status, code: body.error.code }).toEqual({ query, status: 400, code: 'BAD_REQUEST' })
      expect(body.error.message).toContain(`'${parameter}'`)
    }
  })
})
