import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'

/**
 * Copies text that is still being fetched. The clipboard item takes the promise, so the click's
 * permission to write holds however long the fetch takes. Served over plain HTTP on a LAN there is
 * no `navigator.clipboard`; the old way is tried then.
 */
async function copy(text: Promise<string>): Promise<void> {
  if (navigator.clipboard && typeof ClipboardItem === 'function') {
    const blob = text.then((value) => new Blob([value], { type: 'text/plain' }))
    return navigator.clipboard.write([new ClipboardItem({ 'text/plain': blob })])
  }
  if (navigator.clipboard) return navigator.clipboard.writeText(await text)
  const value = await text
  const area = document.createElement('textarea')
  area.value = value
  area.setAttribute('readonly', '')
  area.className = 'offscreen'
  document.body.append(area)
  area.select()
  const done = document.execCommand('copy')
  area.remove()
  if (!done) throw new Error('the browser refused to copy')
}

/**
 * A button that copies what `text()` gives and says whether it worked, with what `done(text)` adds
 * (e.g. a second button).
 */
export function CopyButton({ label, text, done }: { label: string; text: () => Promise<string>; done?: (copied: string) => ComponentChildren }) {
  const [state, setState] = useState<{ message: string; copied: string | null } | null>(null)
  const run = () => {
    const value = text()
    setState({ message: 'Copying…', copied: null })
    Promise.all([value, copy(value)]).then(
      ([copied]) => setState({ message: 'Copied', copied }),
      (error: Error) => setState({ message: `Not copied: ${error.message}`, copied: null }),
    )
  }
  return (
    <span class="copy">
      <button type="button" onClick={run}>
        {label}
      </button>
      <span role="status" class="copy-state">
        {state?.message}
        {state?.copied !== null && state?.copied !== undefined && done?.(state.copied)}
      </span>
    </span>
  )
}
