import { describe, expect, test } from 'bun:test'
import { replaceSession } from '../../src/db'
import { redactSnippet } from '../../src/mcp/snippets'
import { searchSessions } from '../../src/search'
import { openTestDb } from '../support/db'
import { sampleSession } from '../support/sessions'
import { PLANTED } from '../export/fixture'

const filler = (words: number) => Array.from({ length: words }, (_, i) => `word${i}`).join(' ')

describe('redactSnippet', () => {
  test('plain text with hits in bold, entities decoded', () => {
    expect(redactSnippet('use &lt;b&gt; and <mark>tokens</mark> &amp; more', 'use <b> and tokens & more')).toBe('use <b> and **tokens** & more')
  })

  test('a secret cut in two by the snippet edge is still replaced', () => {
    const content = `${filler(40)} deploy with ${PLANTED.githubToken} then ${filler(40)}`
    // FTS5 cuts snippets at token boundaries: here after the first half of the token.
    const half = PLANTED.githubToken.slice(0, 20)
    const snippet = `…word38 word39 <mark>deploy</mark> with ${half}…`
    expect(redactSnippet(snippet, content)).toBe('…word38 word39 **deploy** with [REDACTED:github-token]…')
    const tail = PLANTED.githubToken.slice(20)
    expect(redactSnippet(`…${tail} then <mark>word0</mark>…`, content)).toBe('…[REDACTED:github-token] then **word0**…')
  })

  test('a hit inside a secret loses its bold with the secret', () => {
    const content = `key ${PLANTED.anthropicKey} here`
    expect(redactSnippet(`key <mark>${PLANTED.anthropicKey.slice(0, 6)}</mark>${PLANTED.anthropicKey.slice(6)} here`, content)).toBe('key [REDACTED:anthropic-api-key] here')
  })

  test('the middle of a private key block far above is still known for what it is', () => {
    const body = Array.from({ length: 200 }, () => 'QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB').join('\n')
    const key = `-----BEGIN ${'RSA PRIVATE KEY'}-----\n${body}\n-----END ${'RSA PRIVATE KEY'}-----`
    const content = `here is my key\n${key}\ndone`
    const middle = body.slice(6000, 6100)
    expect(redactSnippet(`…${middle}…`, content)).toBe('…[REDACTED:private-key]…')
  })

  test('when the snippet is not in the text given, long tokens at its cut edges are masked (and hits shown plain)', () => {
    expect(redactSnippet(`…Fx7kQ2mZ9pL4vB8nR1 and <mark>more</mark> text ab12cd34ef…`, 'other text')).toBe('… and more text …')
    expect(redactSnippet(`…Fx7kQ2mZ9pL4vB8nR1 and <mark>more</mark> text ab12cd34ef…`, null)).toBe('… and more text …')
  })

  test('over a real search: no part of a planted secret reaches a snippet', () => {
    using db = openTestDb()
    const words = filler(30)
    replaceSession(
      db.sqlite,
      sampleSession({
        id: 'leaky',
        messages: [{ role: 'user', content: `${words} rotate ${PLANTED.githubToken} and ${PLANTED.awsKeyId} ${words}`, timestamp: null, model: null }],
      }),
    )
    const [result] = searchSessions(db.sqlite, 'rotate', { limit: 5 })
    const raw = result!.matches[0]!.snippet
    const redacted = redactSnippet(raw, `${words} rotate ${PLANTED.githubToken} and ${PLANTED.awsKeyId} ${words}`)
    for (const secret of [PLANTED.githubToken, PLANTED.awsKeyId]) {
      for (let i = 0; i + 6 <= secret.length; i++) expect(redacted).not.toContain(secret.slice(i, i + 6))
    }
    expect(redacted).toContain('**rotate**')
  })
})
