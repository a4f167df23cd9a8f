import DOMPurify, { type Config } from 'dompurify'
import { Marked } from 'marked'
import { escapeHtml } from './escape'
import { highlight } from './highlight'

// Message text is untrusted. Raw HTML in it is shown as text (the way the assistant's user typed it),
// images are shown as their address (nothing is fetched), and DOMPurify has the last word on the result.
const marked = new Marked({
  gfm: true,
  async: false,
  renderer: {
    html: ({ text }) => escapeHtml(text),
    image: ({ href, text }) => `<span class="image-ref">[image: ${escapeHtml(text || 'untitled')}] ${escapeHtml(href)}</span>`,
    code({ text, lang }) {
      const language = (lang ?? '').trim().split(/\s+/)[0]!.toLowerCase()
      const highlighted = language ? highlight(text, language) : null
      const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : ''
      return `<div class="code">${label}<pre><code class="hljs">${highlighted ?? escapeHtml(text)}</code></pre></div>`
    },
  },
})

const PURIFY: Config = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'img', 'video', 'audio', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style', 'id', 'name', 'srcset'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
}

const BLOCKS = new Set(['P', 'LI', 'BLOCKQUOTE', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TD', 'TH'])

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.hasAttribute('href')) {
    node.setAttribute('target', '_blank')
    node.setAttribute('rel', 'noopener noreferrer nofollow')
  }
  // Each block finds its own direction, so Arabic or Hebrew paragraphs read right to left among English ones.
  if (BLOCKS.has(node.tagName)) node.setAttribute('dir', 'auto')
})

/** Messages longer than this are shown as plain text, first part only, until the reader asks for all of it. */
export const MARKDOWN_LIMIT = 100_000

const cache = new Map<string, string>()

/** Sanitized HTML for a message's Markdown; cached by text, since virtualized lists draw the same message again. */
export function renderMarkdown(text: string): string {
  const hit = cache.get(text)
  if (hit !== undefined) return hit
  const html = DOMPurify.sanitize(marked.parse(text) as string, PURIFY) as unknown as string
  if (cache.size > 2000) cache.delete(cache.keys().next().value!)
  cache.set(text, html)
  return html
}

// Rendering is time-sliced: a burst of messages (a fast scroll, a jump) renders what fits in a few
// milliseconds at once and the rest in later slices, so no frame is held for long.
const SLICE_MS = 8
let burstStart = 0
let burstSpent = 0

/** The HTML now if it is cached or fits in this moment's budget; null means "ask `renderSoon`". */
export function renderIfCheap(text: string): string | null {
  const hit = cache.get(text)
  if (hit !== undefined) return hit
  const now = performance.now()
  if (now - burstStart > 2 * SLICE_MS) {
    burstStart = now
    burstSpent = 0
  }
  if (burstSpent >= SLICE_MS) return null
  const html = renderMarkdown(text)
  burstSpent += performance.now() - now
  return html
}

interface Job {
  text: string
  done: (html: string) => void
  cancelled: boolean
}

const jobs: Job[] = []
let pumping = false

function pump(): void {
  const started = performance.now()
  // Newest first: what was drawn last is what the reader is looking at.
  while (jobs.length > 0 && performance.now() - started < SLICE_MS) {
    const job = jobs.pop()!
    if (!job.cancelled) job.done(renderMarkdown(job.text))
  }
  if (jobs.length > 0) setTimeout(pump)
  else pumping = false
}

/** Renders in a later slice and hands the HTML to `done`; returns a function that cancels it. */
export function renderSoon(text: string, done: (html: string) => void): () => void {
  const job: Job = { text, done, cancelled: false }
  jobs.push(job)
  if (!pumping) {
    pumping = true
    setTimeout(pump)
  }
  return () => {
    job.cancelled = true
  }
}
