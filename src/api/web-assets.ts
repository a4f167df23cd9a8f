import { basename } from 'node:path'
// The web app (docs/web.md): `bun build --compile` bundles this HTML import and embeds its files.
import shell from '../web/index.html'

/** One servable file of the web app, with its gzip variant. */
export interface WebAsset {
  body: Uint8Array<ArrayBuffer>
  gzip: Uint8Array<ArrayBuffer>
  type: string
  etag: string
}

/** The app's shell (index.html) and its assets by file name. */
export interface WebAssets {
  shell: WebAsset
  files: Map<string, WebAsset>
}

/** Where the shell finds its assets. */
export const ASSETS_PREFIX = '/assets/'

const asset = (body: Uint8Array<ArrayBuffer>, type: string): WebAsset => ({
  body,
  gzip: Bun.gzipSync(body, { level: 9 }),
  type,
  etag: `"${Bun.hash(body).toString(36)}"`,
})

/** Points the shell's references to its own files at `/assets/<name>`, whatever prefix the bundler wrote. */
function relink(html: string, names: Iterable<string>): string {
  let out = html
  for (const name of names) out = out.replace(new RegExp(`(src|href)="(?:\\.?/)?${name.replace(/[.$]/g, '\\$&')}"`, 'g'), `$1="${ASSETS_PREFIX}${name}"`)
  return out
}

interface Built {
  name: string
  type: string
  html: boolean
  bytes: () => Promise<Uint8Array<ArrayBuffer>>
}

/** The compiled binary carries the bundle (`shell.files`); from source it is bundled now, in memory. */
async function builtFiles(): Promise<Built[]> {
  if (shell.files) {
    return shell.files.map((file) => ({
      name: basename(file.path),
      type: file.headers['content-type'],
      html: file.loader === 'html',
      bytes: async () => new Uint8Array(await Bun.file(file.path).arrayBuffer()),
    }))
  }
  const result = await Bun.build({ entrypoints: [shell.index], minify: true, naming: '[name]-[hash].[ext]', target: 'browser' })
  if (!result.success) throw new AggregateError(result.logs, 'the web app failed to bundle')
  return result.outputs.map((output) => ({
    name: basename(output.path),
    type: output.type,
    html: output.path.endsWith('.html'),
    bytes: async () => new Uint8Array(await output.arrayBuffer()),
  }))
}

/** Loads (once) the shell and assets, gzipped ahead so each request only picks a variant. */
export async function loadWebAssets(): Promise<WebAssets> {
  const built = await builtFiles()
  const files = new Map<string, WebAsset>()
  let shellHtml: string | null = null
  for (const file of built) {
    if (file.html) shellHtml = new TextDecoder().decode(await file.bytes())
    else files.set(file.name, asset(await file.bytes(), file.type))
  }
  if (shellHtml === null) throw new Error('the web bundle has no HTML entry')
  return { shell: asset(new TextEncoder().encode(relink(shellHtml, files.keys())), 'text/html;charset=utf-8'), files }
}
