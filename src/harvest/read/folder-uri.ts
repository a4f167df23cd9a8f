/**
 * A folder as VS Code-family tools record it (`file://` URI, remote URI or plain path) → a path.
 * `file:///home/u/p` → `/home/u/p`; `file:///c%3A/Users/p` → `c:\Users\p` (drive letter lower-cased,
 * as VS Code's `fsPath`); `file://srv/share/p` → `\\srv\share\p`; `vscode-remote://ssh-remote%2Bbox/srv/app`
 * → `ssh-remote+box:/srv/app` (a remote identifier, not a local path). Null for an empty or unparsable value.
 */
export function folderPath(value: string): string | null {
  const text = value.trim()
  if (text === '') return null
  if (!/^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(text)) return trimSeparators(text)
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return null
  }
  const path = safeDecode(url.pathname)
  if (url.protocol === 'file:') {
    if (url.host !== '' && url.host !== 'localhost') return trimSeparators(`\\\\${url.host}${path.replaceAll('/', '\\')}`)
    const drive = /^\/([A-Za-z]):/.exec(path)
    if (drive) return trimSeparators(`${drive[1]!.toLowerCase()}${path.slice(2).replaceAll('/', '\\')}`)
    return trimSeparators(path)
  }
  return `${safeDecode(url.host)}:${trimSeparators(path) || '/'}`
}

/** Drops trailing separators, keeping a root (`/`, `c:\`). */
const trimSeparators = (path: string) => (/^[\\/]+$/.test(path) || /^[A-Za-z]:[\\/]$/.test(path) ? path : path.replace(/[\\/]+$/, ''))

const safeDecode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
