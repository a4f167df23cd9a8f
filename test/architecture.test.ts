import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join, relative, dirname } from 'node:path'

const root = join(import.meta.dir, '..')
const files = [...new Bun.Glob('src/**/*.{ts,tsx}').scanSync({ cwd: root })].filter((f) => !f.endsWith('.d.ts'))

/** Every import of a file: its specifier resolved to a src-relative module path (or kept as a package name), and whether it imports types only. */
function importStatementsOf(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(join(root, file), 'utf8')
  return [...text.matchAll(/^\s*(import|export)\s(type\s)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => {
    const s = m[3]!
    return { target: s.startsWith('.') ? relative(join(root, 'src'), join(root, dirname(file), s)) : s, typeOnly: m[2] !== undefined }
  })
}

const importsOf = (file: string): string[] => importStatementsOf(file).map((i) => i.target)

/** The top-level folders (and files) of src/. */
const MODULES = Object.fromEntries(files.map((f) => [f.replace(/^src\//, '').split('/')[0]!.replace(/\.tsx?$/, ''), true]))

const moduleOf = (path: string) => path.replace(/^src\//, '').split('/')[0]!.replace(/\.tsx?$/, '')

describe('dependency rules (README "Architecture")', () => {
  test('only src/api imports elysia; only src/cli imports clipanion', () => {
    for (const file of files) {
      const imports = importsOf(file)
      // The web app talks to the API through Eden, Elysia's typed client (a browser library).
      const framework = imports.filter((i) => (i.startsWith('elysia') || i.startsWith('@elysiajs')) && !(file.startsWith('src/web/') && i === '@elysiajs/eden'))
      if (!file.startsWith('src/api/')) expect({ file, elysia: framework.length > 0 }).toEqual({ file, elysia: false })
      if (!file.startsWith('src/cli/')) expect({ file, clipanion: imports.some((i) => i === 'clipanion' || i === 'typanion') }).toEqual({ file, clipanion: false })
    }
  })

  test('modules import each other only in the allowed directions', () => {
    const allowed: Record<string, string[]> = {
      main: ['cli', 'shared'],
      cli: ['api', 'db', 'harvest', 'search', 'recording', 'agency', 'shared'],
      api: ['db', 'harvest', 'search', 'recording', 'agency', 'shared', 'web'],
      web: ['api', 'db', 'harvest', 'search', 'recording', 'agency'],
      harvest: ['db', 'shared'],
      search: ['db', 'shared'],
      recording: ['db', 'shared', 'search'],
      agency: ['db', 'shared', 'recording'],
      db: ['shared'],
      shared: [],
    }
    for (const file of files) {
      const from = moduleOf(file)
      for (const target of importsOf(file).filter((i) => !i.startsWith('@') && !i.includes(':') && i.includes('/') || i.endsWith('.json'))) {
        if (target.startsWith('..')) continue
        const to = moduleOf(target)
        if (to === from || !(to in allowed)) continue
        expect({ file, imports: to, allowed: allowed[from]!.includes(to) }).toEqual({ file, imports: to, allowed: true })
      }
    }
  })

  test('the web app is a leaf: it takes only types from the server, and only the web assets loader imports it', () => {
    for (const file of files) {
      for (const { target, typeOnly } of importStatementsOf(file)) {
        const to = moduleOf(target)
        const from = moduleOf(file)
        if (from === 'web' && to !== 'web' && to in MODULES) expect({ file, target, typeOnly }).toEqual({ file, target, typeOnly: true })
        if (to === 'web' && from !== 'web') expect({ file, target }).toEqual({ file: 'src/api/web-assets.ts', target: 'web/index.html' })
      }
    }
  })

  test('other modules enter harvest, search, recording and agency only through index.ts', () => {
    for (const file of files) {
      for (const target of importsOf(file)) {
        const to = moduleOf(target)
        if (!['harvest', 'search', 'recording', 'agency'].includes(to) || moduleOf(file) === to) continue
        expect({ file, target }).toEqual({ file, target: to })
      }
    }
  })

  test('providers import only the provider contract, readers and shared code', () => {
    for (const file of files.filter((f) => f.startsWith('src/harvest/providers/'))) {
      for (const target of importsOf(file).filter((t) => t.startsWith('harvest/') || t.startsWith('db') || t.startsWith('shared') || t.startsWith('api') || t.startsWith('cli'))) {
        const ok = target === 'harvest/provider' || target.startsWith('harvest/read/') || target.startsWith('harvest/providers/') || target.startsWith('shared/')
        expect({ file, target, ok }).toEqual({ file, target, ok: true })
      }
    }
  })

  // Providers read other tools' SQLite files; chasm's own database is queried only in db/ and store.ts files.
  test('SQL lives in src/db and in store.ts files', () => {
    const sqlCall = /\.(prepare|query|run|exec)\(\s*[`'"](\s*)(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|BEGIN)/i
    for (const file of files) {
      if (file.startsWith('src/db/') || file.endsWith('store.ts') || /^src\/harvest\/(read|providers)\//.test(file)) continue
      const text = readFileSync(join(root, file), 'utf8')
      expect({ file, sql: sqlCall.test(text) }).toEqual({ file, sql: false })
    }
  })
})
