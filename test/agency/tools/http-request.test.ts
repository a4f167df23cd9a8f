import { afterAll, describe, expect, test } from 'bun:test'
import { runTool, TOOLS } from '../../../src/agency/tools'
import { HTTP_RESPONSE_LIMIT } from '../../../src/agency/tools/http-request'
import { toolContext } from '../support/tools'

const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  fetch: async (req) => {
    const url = new URL(req.url)
    if (url.pathname === '/big') return new Response('z'.repeat(HTTP_RESPONSE_LIMIT * 2), { headers: { 'content-type': 'text/plain' } })
    if (url.pathname === '/echo') return Response.json({ method: req.method, body: await req.text(), header: req.headers.get('x-test') })
    return new Response('nope', { status: 404, statusText: 'Not Found' })
  },
})
afterAll(() => server.stop(true))
const base = `http://127.0.0.1:${server.port}`

describe('http_request', () => {
  test('is refused unless the server allows it', async () => {
    expect(await runTool(TOOLS.http_request, { url: `${base}/echo` }, toolContext('.'))).toEqual({
      ok: false,
      output: 'the http_request tool is disabled on this server (start it with --allow-http-tool)',
    })
  })

  test('makes the request and reports status, type and body; an HTTP error status is not a tool error', async () => {
    const ctx = toolContext('.', { allowHttp: true })
    expect([
      await runTool(TOOLS.http_request, { url: `${base}/echo`, method: 'POST', body: 'hi', headers: { 'x-test': 'yes' } }, ctx),
      await runTool(TOOLS.http_request, { url: `${base}/missing` }, ctx),
      await runTool(TOOLS.http_request, { url: 'file:///etc/passwd' }, ctx),
      await runTool(TOOLS.http_request, { url: 'not a url' }, ctx),
    ]).toEqual([
      { ok: true, output: 'HTTP 200 OK\ncontent-type: application/json;charset=utf-8\n\n{"method":"POST","body":"hi","header":"yes"}' },
      { ok: true, output: 'HTTP 404 Not Found\ncontent-type: text/plain;charset=utf-8\n\nnope' },
      { ok: false, output: 'only http and https URLs are allowed, not file:' },
      { ok: false, output: 'not a valid URL: not a url' },
    ])
  })

  test('cuts a large response', async () => {
    const { output } = await runTool(TOOLS.http_request, { url: `${base}/big` }, toolContext('.', { allowHttp: true }))
    expect(output).toBe(`HTTP 200 OK\ncontent-type: text/plain\n\n${'z'.repeat(HTTP_RESPONSE_LIMIT)}\n… [response cut after ${HTTP_RESPONSE_LIMIT} bytes]`)
  })
})
