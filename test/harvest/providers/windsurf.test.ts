import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { windsurf } from '../../../src/harvest/providers/windsurf'
import { openTestDb } from '../../support/db'
import { harvestHome } from '../../support/harvest'
import { fixtureTree, tempHome } from '../../support/temp'
import { providerContract } from '../provider-contract'

providerContract(windsurf, { fixture: fixtureTree('windsurf') })

describe('windsurf (detect-only)', () => {
  test('locates the Cascade store and the editor user dirs of both channels, and harvests nothing', async () => {
    using home = tempHome({
      ...fixtureTree('windsurf'),
      Library: { 'Application Support': { 'Windsurf - Next': { User: { 'settings.json': '{}' } } } },
    })
    const ctx = { home: home.path, homeOverridden: true, platform: process.platform, env: {} }
    expect(await windsurf.locate(ctx)).toEqual([
      join(home.path, '.codeium', 'windsurf', 'cascade'),
      join(home.path, '.config', 'Windsurf', 'User'),
      join(home.path, 'Library', 'Application Support', 'Windsurf - Next', 'User'),
    ])
    const sources = []
    for await (const source of windsurf.discover(ctx)) sources.push(source)
    expect(sources).toEqual([])

    using db = openTestDb()
    expect((await harvestHome(db, [windsurf], home.path)).providers).toEqual([])
  })

  test('on a real (not overridden) home only the platform layout is probed', async () => {
    using home = tempHome(fixtureTree('windsurf'))
    const mac = { home: home.path, homeOverridden: false, platform: 'darwin' as const, env: {} }
    expect(await windsurf.locate(mac)).toEqual([join(home.path, '.codeium', 'windsurf', 'cascade')])
  })
})
