import type { Message, ToolInvocation } from '../db'
import { cleanerFor, type ExportHead, type RenderOptions } from './head'
import { escapeHtml, readableTime, turnNotes } from './text'

/** Nothing may load or run: no script, no fetch, no font, no image; only the inline style below. */
export const HTML_EXPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'"

const STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --panel: #f6f8fa; --line: #d1d9e0; --user: #0969da; --assistant: #1a7f37; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d; --user: #4493f8; --assistant: #3fb950; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 4rem; }
h1 { font-size: 1.5rem; margin: 0 0 .75rem; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0 0 1.5rem; color: var(--muted); font-size: .875rem; }
dd { margin: 0; overflow-wrap: anywhere; }
article { border-top: 1px solid var(--line); padding: 1rem 0; }
h2 { font-size: .95rem; margin: 0 0 .5rem; }
h2 .role { font-weight: 600; }
.user h2 .role { color: var(--user); }
.assistant h2 .role { color: var(--assistant); }
h2 .meta { color: var(--muted); font-weight: 400; margin-left: .5rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; margin: .5rem 0; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; overflow-x: auto; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; margin: .5rem 0; }
details pre { background: var(--bg); }
summary { cursor: pointer; color: var(--muted); }
.error { border-left: 3px solid #cf222e; padding: .25rem .75rem; margin: .5rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: .75rem 0 .25rem; }
`

const ROLE_TITLE: Record<Message['role'], string> = { user: 'User', assistant: 'Assistant', system: 'System', tool: 'Tool' }
const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/

/** Message content as HTML: fenced code blocks as `<pre><code>`, the rest as preformatted text; all escaped. */
function htmlContent(content: string): string {
  const out: string[] = []
  let text: string[] = []
  let code: { fence: string; language: string; lines: string[] } | null = null
  const flushText = () => {
    const joined = text.join('\n').replace(/^\n+|\n+$/g, '')
    if (joined !== '') out.push(`<div class="text">${escapeHtml(joined)}</div>`)
    text = []
  }
  const flushCode = () => {
    const language = code!.language ? ` class="language-${escapeHtml(code!.language)}"` : ''
    out.push(`<pre><code${language}>${escapeHtml(code!.lines.join('\n'))}</code></pre>`)
    code = null
  }
  for (const line of content.split('\n')) {
    const fence = FENCE.exec(line)
    if (code) {
      if (fence && fence[1]![0] === code.fence[0] && fence[1]!.length >= code.fence.length && line.trim() === fence[1]) flushCode()
      else code.lines.push(line)
    } else if (fence) {
      flushText()
      code = { fence: fence[1]!, language: fence[2] ?? '', lines: [] }
    } else text.push(line)
  }
  if (code) flushCode()
  flushText()
  return out.join('\n')
}

function htmlTool(tool: ToolInvocation): string {
  const parts = [`<details><summary>Tool call <code>${escapeHtml(tool.name)}</code>${tool.status ? ` · ${escapeHtml(tool.status)}` : ''}</summary>`]
  if (tool.input !== null && tool.input !== undefined) {
    const input = typeof tool.input === 'string' ? tool.input : JSON.stringify(tool.input, null, 2)
    parts.push(`<h3>Input</h3><pre><code>${escapeHtml(input)}</code></pre>`)
  }
  if (tool.output !== null && tool.output !== '') parts.push(`<h3>Output</h3><pre><code>${escapeHtml(tool.output)}</code></pre>`)
  parts.push('</details>')
  return parts.join('\n')
}

function htmlMessage(message: Message): string {
  const meta = [message.model, readableTime(message.timestamp), ...turnNotes(message)]
    .filter(Boolean)
    .map((part) => escapeHtml(part!))
    .join(' · ')
  return [
    `<article class="message ${message.role}" id="m-${escapeHtml(message.id)}">`,
    `<h2><span class="role">${ROLE_TITLE[message.role]}</span>${meta ? `<span class="meta">${meta}</span>` : ''}</h2>`,
    message.error ? `<p class="error"><strong>Error:</strong> ${escapeHtml(message.error)}</p>` : '',
    htmlContent(message.content),
    ...message.toolInvocations.map(htmlTool),
    '</article>',
  ]
    .filter((part) => part !== '')
    .join('\n')
}

function htmlHead(head: ExportHead): string {
  const title = escapeHtml(head.title?.trim() || 'Untitled session')
  const facts: [string, string | null][] = [
    ['Provider', head.provider],
    ['Workspace', head.workspace && (head.workspace.path ? `${head.workspace.name} (${head.workspace.path})` : head.workspace.name)],
    ['Model', head.model],
    ['Created', readableTime(head.created)],
    ['Updated', readableTime(head.updated)],
    ['Messages', String(head.messageCount)],
    ['Origin', head.origin + (head.sourceDeleted ? ' (source deleted by the provider; kept by chasm)' : '')],
    ['Session id', head.id],
  ]
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${HTML_EXPORT_CSP}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title} · chasm</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<header>',
    `<h1>${title}</h1>`,
    '<dl>',
    ...facts.filter(([, value]) => value !== null).map(([name, value]) => `<dt>${name}</dt><dd>${escapeHtml(value!)}</dd>`),
    '</dl>',
    '</header>',
  ].join('\n')
}

/**
 * A session as one self-contained HTML page: inline CSS, no script at all, a Content-Security-Policy
 * that forbids loading anything, and every piece of session text escaped.
 */
export function* htmlDocument(head: ExportHead, messages: Iterable<Message>, options: RenderOptions): Generator<string> {
  const clean = cleanerFor(options)
  yield htmlHead(clean.head(head))
  for (const message of messages) yield `\n${htmlMessage(clean.message(message))}`
  yield '\n</main>\n</body>\n</html>\n'
}
