import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join, relative, dirname } from 'node:path'

const root = join(import.meta.dir, '..')
const files = [...new Bun.Glob('src/**/*.ts').scanSync({ cwd: root })].filter((f) => !f.endsWith('.d.ts'))

/** Every import specifier of a file, resolved to a src-relative module path or kept as a package name. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8')
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!)
  return specifiers.map((s) => (s.startsWith('.') ? relative(join(root, 'src'), join(root, dirname(file), s)) : s))
}

const moduleOf = (path: string) => path.replace(/^src\//, '').split('/')[0]!.replace(/\.ts$/, '')

describe('dependency rules (README "Architecture")', () => {
  test('only src/api imports elysia; only src/cli imports clipanion', () => {
    for (const file of files) {
      const imports = importsOf(file)
      if (!file.startsWith('src/api/')) expect({ file, elysia: imports.some((i) => i.startsWith('elysia') || i.startsWith('@elysiajs')) }).toEqual({ file, elysia: false })
      if (!file.startsWith('src/cli/')) expect({ file, clipanion: imports.some((i) => i === 'clipanion' || i === 'typanion') }).toEqual({ file, clipanion: false })
    }
  })

  test('modules import each other only in the allowed directions', () => {
    const allowed: Record<string, string[]> = {
      main: ['cli', 'shared'],
      cli: ['api', 'db', 'harvest', 'search', 'recording', 'agency', 'mcp', 'export', 'redact', 'shared'],
      api: ['db', 'harvest', 'search', 'recording', 'agency', 'mcp', 'export', 'redact', 'shared'],
      mcp: ['db', 'search', 'export', 'redact', 'shared'],
      export: ['db', 'redact', 'shared'],
      redact: ['shared'],
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

  test('other modules enter harvest, search, recording, agency, mcp, export and redact only through index.ts', () => {
    for (const file of files) {
      for (const target of importsOf(file)) {
        const to = moduleOf(target)
        if (!['harvest', 'search', 'recording', 'agency', 'mcp', 'export', 'redact'].includes(to) || moduleOf(file) === to) continue
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
