import { expect, test } from 'bun:test'
import { replaceSession } from '../../src/db'
import { scanSecrets } from '../../src/export'
import { openTestDb } from '../support/db'
import { sampleSession } from '../support/sessions'
import { exportFixture, PLANTED } from './fixture'

test('the scan finds every planted secret where it sits, and shows none of them', () => {
  using db = openTestDb()
  replaceSession(db.sqlite, exportFixture())
  replaceSession(db.sqlite, sampleSession({ id: 'clean-session' }))
  const sightings = [...scanSecrets(db.sqlite)]
  expect(sightings.map(({ kind, sessionId, messageId, where }) => ({ kind, sessionId, messageId, where }))).toEqual([
    { kind: 'url-password', sessionId: 'export-fixture-0001', messageId: 'm-user-1', where: 'content' },
    { kind: 'github-token', sessionId: 'export-fixture-0001', messageId: 'm-user-1', where: 'content' },
    { kind: 'aws-access-key-id', sessionId: 'export-fixture-0001', messageId: 'm-user-1', where: 'content' },
    { kind: 'private-key', sessionId: 'export-fixture-0001', messageId: 'm-tool-1', where: 'content' },
    { kind: 'bearer-token', sessionId: 'export-fixture-0001', messageId: 'm-assistant-2', where: 'tool input (Bash)' },
    { kind: 'password', sessionId: 'export-fixture-0001', messageId: 'm-assistant-2', where: 'tool input (Write <file>)' },
    { kind: 'anthropic-api-key', sessionId: 'export-fixture-0001', messageId: 'm-assistant-2', where: 'tool input (Write <file>)' },
  ])
  const fragments = Object.values(PLANTED).flatMap((secret) => secret.split('\n').filter((line) => line.length >= 8))
  for (const { preview } of sightings) {
    expect(fragments.some((fragment) => preview.includes(fragment))).toBe(false)
    expect(preview).toMatch(/^.{1,6}… \(\d+ chars\)$/s)
  }
})
