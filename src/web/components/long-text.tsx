import { useState } from 'preact/hooks'
import { formatBytes } from '../render/format'

/** Shown at first of a long text; the rest waits for the reader (a megabyte of text costs layout time). */
const PREVIEW = 20_000

/** Plain text, cut to a preview when long, with a button for the rest. Never parsed as markup. */
export function LongText({ text, class: className = 'raw' }: { text: string; class?: string }) {
  const [whole, setWhole] = useState(false)
  const cut = !whole && text.length > PREVIEW
  return (
    <>
      <div class={className} dir="auto">
        {cut ? `${text.slice(0, PREVIEW)}…` : text}
      </div>
      {cut && (
        <button type="button" class="link-button" onClick={() => setWhole(true)}>
          Show all {formatBytes(new Blob([text]).size)}
        </button>
      )}
    </>
  )
}
