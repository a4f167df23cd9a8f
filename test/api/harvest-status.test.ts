import { describe, expect, test } from 'bun:test'
import { Value } from '@sinclair/typebox/value'
import { HarvestStatus, PROBLEMS_PER_RUN } from '../../src/harvest'
import { claudeCode } from '../../src/harvest/providers/claude-code'
import { testApp } from '../support/app'
import { runChasm } from '../support/cli'
import { harvestHome } from '../support/harvest'
import { fixtureTree, tempHome } from '../support/temp'

const PROJECT = '.claude/projects/-home-dev-broken'

/** A claude-code home with the fixture conversations and `bad` files that hold no conversation (one problem each). */
const homeWith = (bad: string[]) => {
  const tree = fixtureTree('claude-code')
  const files = Object.fromEntries(bad.map((name) => [name, '{not json\n']))
  return tempHome({ ...tree, '.claude': { ...(tree['.claude'] as object), projects: { ...((tree['.claude'] as any).projects as object), '-home-dev-broken': files } } })
}

describe('GET /api/harvest/status', () => {
  test('the envelope around the same data as `chasm harvest status --json`: runs newest first with their problems', async () => {
    await using t = testApp()
    expect((await t.json('/api/harvest/status')).body).toEqual({ success: true, data: { runs: [], providers: [] } })
    using clean = homeWith([])
    await harvestHome(t.db, [claudeCode], clean.path)
    using broken = homeWith(['<img src=x onerror=alert(1)>.jsonl'])
    await harvestHome(t.db, [claudeCode], broken.path)

    const { status, body } = await t.json('/api/harvest/status')
    expect(status).toBe(200)
    expect(Value.Check(HarvestStatus, body.data)).toBe(true)
    const cli = await runChasm(['harvest', 'status', '--json', '--db', t.db.path])
    expect(cli.code).toBe(0)
    expect(body).toEqual(JSON.parse(cli.stdout))

    const [newest, older] = body.data.runs
    const badPath = `${broken.path}/${PROJECT}/<img src=x onerror=alert(1)>.jsonl`
    expect(newest.problemList).toContainEqual({ provider: 'claude-code', source: badPath, message: expect.stringContaining('recognised no conversation') })
    expect(newest.problems).toBe(newest.problemList.length)
    expect(older.problemList.some((problem: { source: string }) => problem.source === badPath)).toBe(false)
    expect(body.data.providers.map((p: { provider: string }) => p.provider)).toEqual(['claude-code'])
  })

  test('a run with many problems lists the first few and counts them all', async () => {
    await using t = testApp()
    const bad = Array.from({ length: PROBLEMS_PER_RUN + 5 }, (_, i) => `broken-${i}.jsonl`)
    using home = homeWith(bad)
    await harvestHome(t.db, [claudeCode], home.path)
    const [run] = (await t.json('/api/harvest/status')).body.data.runs
    expect(run.problems).toBeGreaterThanOrEqual(bad.length)
    expect(run.problemList).toHaveLength(PROBLEMS_PER_RUN)
  })

  test('the API rules apply: a token when set, no other origin, GET only', async () => {
    await using t = testApp({ security: { token: 'tok' } })
    expect((await t.json('/api/harvest/status')).status).toBe(401)
    const allowed = await t.json('/api/harvest/status', { headers: { authorization: 'Bearer tok' } })
    expect([allowed.status, allowed.body.success]).toEqual([200, true])
    const foreign = await t.json('/api/harvest/status', { headers: { authorization: 'Bearer tok', origin: 'http://evil.example' } })
    expect([foreign.status, foreign.body.error.code]).toEqual([403, 'FORBIDDEN'])
    const crossSite = await t.json('/api/harvest/status', { headers: { authorization: 'Bearer tok', 'sec-fetch-site': 'cross-site' } })
    expect(crossSite.status).toBe(403)
    const post = await t.json('/api/harvest/status', { method: 'POST', headers: { authorization: 'Bearer tok' } })
    expect([post.status, post.body.success]).toEqual([405, false])
  })
})
