import { describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getSession, replaceSession } from '../../src/db'
import { attachment, exportBaseName, exportSession, HTML_EXPORT_CSP, slug, type ExportFormat } from '../../src/export'
import { openTestDb } from '../support/db'
import { exportFixture, PLANTED } from './fixture'

const GOLDEN = join(import.meta.dir, '..', 'fixtures', 'export')
// Regenerate after an intended change of the documents: CHASM_UPDATE_GOLDEN=1 bun test test/export
const UPDATE = process.env.CHASM_UPDATE_GOLDEN === '1'
const ID = 'export-fixture-0001'

function render(format: ExportFormat, redact = true, session = exportFixture()) {
  using db = openTestDb()
  replaceSession(db.sqlite, session)
  const exported = exportSession(db.sqlite, session.id, format, { redact })
  return { ...exported, text: [...exported.chunks].join('') }
}

describe('documents match their golden files', () => {
  for (const format of ['md', 'json', 'html'] as const) {
    test(format, () => {
      const { text, fileName } = render(format)
      const golden = join(GOLDEN, `session.${format}`)
      if (UPDATE) writeFileSync(golden, text)
      expect(text).toBe(readFileSync(golden, 'utf8'))
      expect(fileName).toBe(`2026-01-08-fix-script-alert-1-script-login-quotes-ticks-etc-e5ca4b55.${format}`)
    })
  }
})

describe('redaction', () => {
  test('no planted secret appears in any document by default; every one is there with redaction off', () => {
    // A multi-line secret (the private key) is checked line by line.
    const fragments = Object.values(PLANTED).flatMap((secret) => secret.split('\n').filter((line) => line.length >= 8))
    for (const format of ['md', 'json', 'html'] as const) {
      const redacted = render(format).text
      const raw = render(format, false).text
      expect({ format, leaked: fragments.filter((fragment) => redacted.includes(fragment)) }).toEqual({ format, leaked: [] })
      expect({ format, missing: fragments.filter((fragment) => !raw.includes(fragment)) }).toEqual({ format, missing: [] })
    }
  })

  test('unredacted JSON is the API session object, byte for byte as JSON.stringify prints it', () => {
    using db = openTestDb()
    replaceSession(db.sqlite, exportFixture())
    const text = [...exportSession(db.sqlite, ID, 'json', { redact: false }).chunks].join('')
    expect(text).toBe(`${JSON.stringify(getSession(db.sqlite, ID), null, 2)}\n`)
  })

  test('a session longer than a page of reading exports whole and in order', () => {
    using db = openTestDb()
    const messages = Array.from({ length: 1234 }, (_, i) => ({ id: `m${i}`, role: i % 2 ? ('assistant' as const) : ('user' as const), content: `message ${i}`, timestamp: null, model: null }))
    replaceSession(db.sqlite, exportFixture({ id: 'long-one', messages }))
    const text = [...exportSession(db.sqlite, 'long-one', 'json', { redact: false }).chunks].join('')
    expect(text).toBe(`${JSON.stringify(getSession(db.sqlite, 'long-one'), null, 2)}\n`)
    const md = [...exportSession(db.sqlite, 'long-one', 'md', { redact: true }).chunks]
    expect(md).toHaveLength(1 + 1234)
    expect(md.at(-1)).toContain('message 1233')
  })

  test('a session without messages is still one valid JSON object', () => {
    const text = render('json', true, exportFixture({ messages: [] })).text
    expect(JSON.parse(text)).toMatchObject({ id: ID, messages: [] })
  })
})

describe('Markdown', () => {
  test('HTML in content is shown as text, tool calls are folded, fences outlast what they hold', () => {
    const { text } = render('md')
    expect(text.match(/^<details>$/gm)!.length).toBe(2)
    expect(text.match(/^<\/details>$/gm)!.length).toBe(2)
    expect(text).toContain('Why does &lt;details> swallow my page? &lt;!-- this comment is never closed')
    expect(text).not.toContain('<img')
    // Inline code and code blocks keep their text as written.
    expect(text).toContain('`<!--`')
    expect(text).toContain('const html = "<script>alert(1)</script>"')
    // The tool output holds a ``` fence, so it is wrapped in a longer one.
    expect(text).toContain('````\nHTTP/1.1 200 OK\n```json')
    // The fence the assistant left open is closed before the next message.
    expect(text).toContain('export function escape(text: string) {\n```\n\n---')
  })

  test('every fence opened in the document is closed', () => {
    const { text } = render('md')
    let open: string | null = null
    for (const line of text.split('\n')) {
      const fence = /^(`{3,}|~{3,})/.exec(line)?.[1]
      if (!fence) continue
      if (open === null) open = fence
      else if (fence[0] === open[0] && fence.length >= open.length && line.trim() === fence) open = null
    }
    expect(open).toBeNull()
  })
})

describe('HTML', () => {
  const { text } = render('html')
  const allowed = new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'h1', 'dl', 'dt', 'dd', 'article', 'h2', 'h3', 'span', 'div', 'p', 'strong', 'pre', 'code', 'details', 'summary'])

  test('only the page’s own elements and attributes: no script, no event handler, no URL', () => {
    // Session text has every `<` escaped, so each `<…>` left is an element the page wrote itself.
    const elements = [...text.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)]
    expect(elements.map((m) => m[1]!.toLowerCase()).filter((tag) => !allowed.has(tag))).toEqual([])
    const attributes = new Set(elements.flatMap((m) => [...m[2]!.matchAll(/([^\s=]+)="[^"]*"/g)].map((a) => a[1]!)))
    expect([...attributes].sort()).toEqual(['charset', 'class', 'content', 'http-equiv', 'id', 'lang', 'name'])
  })

  test('carries a Content-Security-Policy that loads and runs nothing', () => {
    expect(HTML_EXPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'")
    expect(text).toContain(`<meta http-equiv="Content-Security-Policy" content="${HTML_EXPORT_CSP}">`)
  })

  test('escapes every piece of session text', () => {
    expect(text).toContain('<h1>Fix &lt;script&gt;alert(1)&lt;/script&gt; login | &quot;quotes&quot; &amp; `ticks` # ../../etc</h1>')
    expect(text).toContain('&lt;/details&gt;&lt;script&gt;alert(2)&lt;/script&gt;')
    expect(text).toContain('<code>Write &lt;file&gt;</code>')
  })
})

describe('names', () => {
  test('slugs keep Unicode readable and never leave their folder', () => {
    expect(slug('../../etc/passwd', 'x')).toBe('etc-passwd')
    expect(slug('C:\\Windows\\System32', 'x')).toBe('c-windows-system32')
    expect(slug('Grüße aus Köln', 'x')).toBe('grüße-aus-köln')
    expect(slug('日本語のタイトル: テスト', 'x')).toBe('日本語のタイトル-テスト')
    expect(slug('ﬁle ＡＢＣ', 'x')).toBe('file-abc')
    expect(slug('.', 'x')).toBe('x')
    expect(slug('\u0000\u202e', 'x')).toBe('x')
    expect(slug(null, 'untitled')).toBe('untitled')
    expect(slug('con', 'x')).toBe('con-')
    for (const hostile of ['..', '../..', '/', '\\', 'a/../../b', '\u0000', '~', '.hidden']) {
      const result = slug(hostile, 'x')
      expect(result).toMatch(/^[\p{L}\p{M}\p{N}-]+$/u)
      expect(result).not.toContain('..')
    }
  })

  test('slugs are bounded in characters and UTF-8 bytes', () => {
    expect(slug('a'.repeat(500), 'x').length).toBe(60)
    expect(Buffer.byteLength(slug('語'.repeat(500), 'x'))).toBeLessThanOrEqual(120)
    expect(slug(`${'a'.repeat(59)} b`, 'x')).toBe('a'.repeat(59))
  })

  test('file names: date, title, the id start (or its hash when the id is not plain)', () => {
    const base = { title: 'Fix login', created: '2026-01-08T10:00:00.000Z', updated: null }
    expect(exportBaseName({ ...base, id: '6f1c2d3e-aaaa-bbbb-cccc-1234567890ab' })).toBe('2026-01-08-fix-login-6f1c2d3e')
    expect(exportBaseName({ ...base, id: 'ses_6f1c2d3e' })).toMatch(/^2026-01-08-fix-login-[0-9a-f]{8}$/)
    expect(exportBaseName({ id: 'abcdefgh1', title: null, created: null, updated: null })).toBe('undated-untitled-abcdefgh')
  })

  test('Content-Disposition: an ASCII name and the UTF-8 one', () => {
    expect(attachment('2026-01-08-grüße-abc.md')).toBe(`attachment; filename="2026-01-08-grue-abc.md"; filename*=UTF-8''2026-01-08-gr%C3%BC%C3%9Fe-abc.md`)
  })
})
