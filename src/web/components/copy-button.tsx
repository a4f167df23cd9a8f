import { useState } from 'preact/hooks'

/** Copies text; the page may be served over plain HTTP on a LAN, where `navigator.clipboard` is missing. */
async function copy(text: string): Promise<void> {
  if (navigator.clipboard) return navigator.clipboard.writeText(text)
  const area = document.createElement('textarea')
  area.value = text
  area.setAttribute('readonly', '')
  area.className = 'offscreen'
  document.body.append(area)
  area.select()
  const done = document.execCommand('copy')
  area.remove()
  if (!done) throw new Error('the browser refused to copy')
}

/** A button that copies what `text()` gives and says whether it worked. */
export function CopyButton({ label, text }: { label: string; text: () => string }) {
  const [state, setState] = useState<string | null>(null)
  return (
    <span class="copy">
      <button
        type="button"
        onClick={() =>
          copy(text()).then(
            () => setState('Copied'),
            (error: Error) => setState(`Not copied: ${error.message}`),
          )
        }
      >
        {label}
      </button>
      <span role="status" class="copy-state">
        {state}
      </span>
    </span>
  )
}
