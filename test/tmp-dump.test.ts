import { test } from 'bun:test'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { geminiCli } from '../src/harvest/providers/gemini-cli'
import { openTestDb } from './support/db'
import { harvestHome, dumpDb } from './support/harvest'
import { tempHome, tempDir } from './support/temp'
import { discoveredPaths } from './support/parts'
test('dump', async () => {
  using out = tempDir()
  using home = tempHome({})
  writeFileSync(join(out.path, 'c.json'), JSON.stringify({ sessionId: 'outside', messages: [{ id: '1', type: 'user', content: 'CANARY words' }] }))
  mkdirSync(join(home.path, '.gemini/tmp/p/chats'), { recursive: true })
  symlinkSync(join(out.path, 'c.json'), join(home.path, '.gemini/tmp/p/chats/session-2026-01-01T00-00-aaaa0001.json'))
  console.log(await discoveredPaths(geminiCli, home.path))
  using db = openTestDb()
  const s = await harvestHome(db, [geminiCli], home.path)
  console.log(JSON.stringify(s), JSON.stringify(dumpDb(db)))
})
