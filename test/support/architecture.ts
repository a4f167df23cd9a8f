import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'

/** One broken dependency rule: which rule, in which file, about which import (or `sql`). */
export interface Violation {
  rule: 'elysia' | 'clipanion' | 'direction' | 'door' | 'provider' | 'sql' | 'web'
  file: string
  target: string
}

/** Which modules each module may import (README "Architecture"); a module not listed is free. */
export const ALLOWED: Record<string, readonly string[]> = {
  main: ['cli', 'shared'],
  cli: ['server', 'api', 'db', 'harvest', 'search', 'recording', 'agency', 'usage', 'mcp', 'export', 'redact', 'shared'],
  // The running server: the HTTP app with the database, recorder, agency and worker threads behind it.
  server: ['api', 'db', 'harvest', 'recording', 'agency', 'usage', 'workers', 'shared'],
  api: ['db', 'harvest', 'search', 'recording', 'agency', 'usage', 'mcp', 'export', 'redact', 'shared', 'web'],
  // The web app is a leaf: it takes only types from the server (see the 'web' rule).
  web: ['api', 'db', 'harvest', 'search', 'recording', 'agency', 'usage'],
  mcp: ['db', 'search', 'export', 'redact', 'shared'],
  export: ['db', 'redact', 'shared'],
  redact: ['shared'],
  usage: ['db', 'shared'],
  harvest: ['db', 'shared'],
  search: ['db', 'shared'],
  recording: ['db', 'shared', 'search'],
  agency: ['db', 'shared', 'recording'],
  // Worker threads' entries and the server's side of them: they run harvest and search on connections of their own.
  workers: ['db', 'harvest', 'search', 'shared'],
  db: ['shared'],
  shared: [],
}

/** Modules with one door: other modules import their `index.ts` and nothing else. */
const DOORS = ['db', 'harvest', 'search', 'recording', 'agency', 'usage', 'mcp', 'export', 'redact', 'workers', 'api', 'server']

/**
 * An import of a file: the specifier as written, for a relative one the src-relative path it names
 * (`db/open`, `api/index`, `web/index.html`), and whether it brings types only (`import type`).
 */
interface Import {
  specifier: string
  path: string | null
  typeOnly: boolean
}

// Static imports and re-exports (`import type` too, over several lines), side-effect imports, dynamic
// imports; group 1 is `type` when the whole statement imports types, group 2 the specifier.
const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\s(type\s)?[^'"]*?\sfrom\s+['"]([^'"]+)['"]/gm,
  /^\s*import\s()['"]([^'"]+)['"]/gm,
  /\bimport\(()\s*['"]([^'"]+)['"]\s*\)/g,
]

/** Every import of `file` (a path relative to `root`, under `src/`). */
export function importsOf(root: string, file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8')
  const found = IMPORT_PATTERNS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => ({ specifier: match[2]!, typeOnly: Boolean(match[1]) })))
  return found.map(({ specifier, typeOnly }) => {
    if (!specifier.startsWith('.')) return { specifier, path: null, typeOnly }
    const absolute = join(root, dirname(file), specifier)
    // `../api` is the folder's door, `../db/open` (or `../db/open.ts`) a file inside it.
    const target = existsSync(join(absolute, 'index.ts')) ? join(absolute, 'index') : absolute.replace(/\.tsx?$/, '')
    return { specifier, path: relative(join(root, 'src'), target).split(sep).join('/'), typeOnly }
  })
}

/** `harvest/providers/x` → `harvest`; `main` → `main`. */
export const moduleOf = (path: string): string => path.split('/')[0]!

/** Every violation of the dependency rules in the `src/` tree under `root`. */
export function checkArchitecture(root: string): Violation[] {
  const files = [...new Bun.Glob('src/**/*.{ts,tsx}').scanSync({ cwd: root })].map((f) => f.split(sep).join('/')).filter((f) => !f.endsWith('.d.ts')).sort()
  const violations: Violation[] = []
  for (const file of files) {
    const own = file.slice('src/'.length).replace(/\.tsx?$/, '')
    const from = moduleOf(own)
    for (const { specifier, path, typeOnly } of importsOf(root, file)) {
      if (path === null) {
        // The web app talks to the API through Eden, Elysia's typed client (a browser library).
        const eden = from === 'web' && specifier === '@elysiajs/eden'
        if ((specifier.startsWith('elysia') || specifier.startsWith('@elysiajs')) && from !== 'api' && !eden) violations.push({ rule: 'elysia', file, target: specifier })
        if ((specifier === 'clipanion' || specifier === 'typanion') && from !== 'cli') violations.push({ rule: 'clipanion', file, target: specifier })
        continue
      }
      // Outside src/ (package.json for the version): not a module.
      if (path.startsWith('..')) continue
      const to = moduleOf(path)
      if (to === from) continue
      if (from in ALLOWED && to in ALLOWED && !ALLOWED[from]!.includes(to)) violations.push({ rule: 'direction', file, target: path })
      if (DOORS.includes(to) && path !== `${to}/index`) violations.push({ rule: 'door', file, target: path })
      // The web app is a leaf: it takes only types from the server, and only the assets loader imports it (its page).
      if (from === 'web' && to in ALLOWED && !typeOnly) violations.push({ rule: 'web', file, target: path })
      if (to === 'web' && !(own === 'api/web-assets' && path === 'web/index.html')) violations.push({ rule: 'web', file, target: path })
    }
    if (own.startsWith('harvest/providers/')) {
      for (const { path } of importsOf(root, file)) {
        if (path === null || path.startsWith('..') || !['harvest', 'db', 'api', 'cli'].includes(moduleOf(path))) continue
        const ok = path === 'harvest/provider' || path.startsWith('harvest/read/') || path.startsWith('harvest/providers/')
        if (!ok) violations.push({ rule: 'provider', file, target: path })
      }
    }
    // Providers read other tools' SQLite files; chasm's own database is queried only in db/ and in a module's
    // store: its `store.ts`, or the files of its `store/` folder when the store is split (`agency/store/`).
    const sqlAllowed = own.startsWith('db/') || /^[^/]+\/store(\/[^/]+)?$/.test(own) || /^harvest\/(read|providers)\//.test(own)
    if (!sqlAllowed && /\.(prepare|query|run|exec)\(\s*[`'"](\s*)(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|BEGIN)/i.test(readFileSync(join(root, file), 'utf8'))) {
      violations.push({ rule: 'sql', file, target: 'sql' })
    }
  }
  return violations
}
