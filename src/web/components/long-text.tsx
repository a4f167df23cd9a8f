import { useState } from 'preact/hooks'
import { formatBytes } from '../render/format'

/** Characters per block: the browser lays out only the blocks on screen (`content-visibility`). */
const CHUNK = 4000
/** Blocks shown before the reader asks for the rest. */
const PREVIEW_CHUNKS = 2

/** Cuts text into blocks of about CHUNK characters, at a line end when one is near (a 1 MB single line is cut anywhere). */
export function chunks(text: string): string[] {
  const out: string[] = []
  let start = 0
  while (start < text.length) {
    let end = Math.min(text.length, start + CHUNK)
    if (end < text.length) {
      const newline = text.lastIndexOf('\n', end)
      if (newline > start + CHUNK / 2) end = newline + 1
    }
    out.push(text.slice(start, end))
    start = end
  }
  return out
}

/**
 * Plain text, never parsed as markup. Long text comes in blocks, the first few at once and the rest
 * on request; off-screen blocks are not laid out, so even a megabyte does not hold the page.
 */
export function LongText({ text, class: className = 'raw' }: { text: string; class?: string }) {
  const [whole, setWhole] = useState(false)
  if (text.length <= CHUNK) {
    return (
      <div class={className} dir="auto">
        {text}
      </div>
    )
  }
  const blocks = chunks(text)
  const shown = whole ? blocks : blocks.slice(0, PREVIEW_CHUNKS)
  return (
    <>
      <div class={`${className} chunked`} dir="auto">
        {shown.map((block, i) => (
          <div key={i} class="chunk">
            {block}
          </div>
        ))}
        {!whole && shown.length < blocks.length && '…'}
      </div>
      {!whole && shown.length < blocks.length && (
        <button type="button" class="link-button" onClick={() => setWhole(true)}>
          Show all {formatBytes(new Blob([text]).size)}
        </button>
      )}
    </>
  )
}
