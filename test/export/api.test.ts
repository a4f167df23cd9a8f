import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { replaceSession } from '../../src/db'
import { testApp } from '../support/app'
import { exportFixture, PLANTED } from './fixture'

const GOLDEN = join(import.meta.dir, '..', 'fixtures', 'export')
const PATH = '/api/sessions/export-fixture-0001/export'
const FILE = '2026-01-08-fix-script-alert-1-script-login-quotes-ticks-etc-e5ca4b55'

const seeded = (security = {}) => {
  const app = testApp({ security })
  replaceSession(app.db.sqlite, exportFixture())
  return app
}

describe('GET /api/sessions/:id/export', () => {
  for (const [format, type] of [
    ['md', 'text/markdown; charset=utf-8'],
    ['json', 'application/json; charset=utf-8'],
    ['html', 'text/html; charset=utf-8'],
  ] as const) {
    test(`${format}: the golden document, its type and an attachment name`, async () => {
      await using app = seeded()
      const response = await app.request(`${PATH}?format=${format}`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe(type)
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${FILE}.${format}"; filename*=UTF-8''${FILE}.${format}`)
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('content-security-policy')).toBe(format === 'html' ? "default-src 'none'; style-src 'unsafe-inline'" : null)
      expect(await response.text()).toBe(readFileSync(join(GOLDEN, `session.${format}`), 'utf8'))
    })
  }

  test('Markdown by default; redact=false keeps the secrets', async () => {
    await using app = seeded()
    expect(await (await app.request(PATH)).text()).toBe(readFileSync(join(GOLDEN, 'session.md'), 'utf8'))
    const raw = await (await app.request(`${PATH}?redact=false&format=json`)).text()
    expect(raw).toContain(PLANTED.githubToken)
    expect(raw).toContain(PLANTED.anthropicKey)
  })

  test('a bad format or redact value is a 400 naming it; an unknown session a 404', async () => {
    await using app = seeded()
    const format = await app.json(`${PATH}?format=pdf`)
    expect(format.status).toBe(400)
    expect(format.body).toMatchObject({ success: false, error: { code: 'BAD_REQUEST' } })
    expect(format.body.error.message).toContain("'format'")
    const redact = await app.json(`${PATH}?redact=no`)
    expect(redact.status).toBe(400)
    expect(redact.body.error.message).toContain("'redact'")
    expect((await app.json('/api/sessions/nope/export')).body).toEqual({ success: false, error: { code: 'NOT_FOUND', message: 'Session not found: nope' } })
  })

  test('behind the token like every data route', async () => {
    await using app = seeded({ token: 'sesame-0123456789' })
    expect((await app.json(PATH)).status).toBe(401)
    expect((await app.request(PATH, { headers: { authorization: 'Bearer sesame-0123456789' } })).status).toBe(200)
  })
})
