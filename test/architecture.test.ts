import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { checkArchitecture } from './support/architecture'
import { tempDir, writeTree } from './support/temp'

const root = join(import.meta.dir, '..')

describe('dependency rules (README "Architecture")', () => {
  test('src/ keeps every rule: elysia only in api, clipanion only in cli, allowed directions, one door per module, providers, SQL', () => {
    expect(checkArchitecture(root)).toEqual([])
  })
})

// The rules run over a small fake tree with one broken rule each: a rule that cannot fail checks nothing.
describe('the rules catch what they forbid', () => {
  const base = {
    'src/shared/time.ts': 'export const now = () => 0\n',
    'src/db/index.ts': "export * from './open'\n",
    'src/db/open.ts': "import { now } from '../shared/time'\nexport const open = now\n",
    'src/recording/index.ts': "export { store } from './store'\n",
    'src/recording/store.ts': "export const store = (sqlite: any) => sqlite.prepare('SELECT 1')\n",
    'src/api/index.ts': "import { Elysia } from 'elysia'\nimport { open } from '../db'\nimport { store } from '../recording'\nexport type App = Elysia\nexport { open, store }\n",
    'src/cli/index.ts': "import { Cli } from 'clipanion'\nexport const load = () => import('../api')\nexport type C = Cli\n",
    'src/harvest/provider.ts': 'export interface Provider {}\n',
    'src/harvest/providers/demo.ts': "import type { Provider } from '../provider'\nexport const demo: Provider = {}\n",
    'src/web/index.html': '<!doctype html>\n',
    'src/web/app.tsx': "import type { App } from '../api'\nimport { treaty } from '@elysiajs/eden'\nexport const client = (url: string) => treaty<App>(url)\n",
    'src/api/web-assets.ts': "import page from '../web/index.html' with { type: 'file' }\nexport { page }\n",
  }
  const violationsWith = (files: Record<string, string>) => {
    using dir = tempDir('chasm-arch-')
    writeTree(dir.path, { ...base, ...files })
    return checkArchitecture(dir.path)
  }

  test('the fake tree itself is clean', () => {
    expect(violationsWith({})).toEqual([])
  })

  test("a module's store may be split into the files of its store/ folder", () => {
    const split = {
      'src/harvest/store/index.ts': "import { sources } from './sources'\nexport const store = sources\n",
      'src/harvest/store/sources.ts': "export const sources = (sqlite: any) => sqlite.prepare('SELECT key FROM harvest_sources')\n",
    }
    expect(violationsWith(split)).toEqual([])
  })

  test.each([
    ['a type-only import of a module index against the direction', { 'src/db/open.ts': "import type { App } from '../api'\nexport type A = App\n" }, [{ rule: 'direction', file: 'src/db/open.ts', target: 'api/index' }]],
    ['an import of another module index against the direction', { 'src/db/open.ts': "import { load } from '../cli'\nexport const l = load\n" }, [{ rule: 'direction', file: 'src/db/open.ts', target: 'cli/index' }]],
    ['an import over several lines', { 'src/db/open.ts': "import {\n  store,\n} from '../recording'\nexport const s = store\n" }, [{ rule: 'direction', file: 'src/db/open.ts', target: 'recording/index' }]],
    ['a dynamic import against the direction', { 'src/db/open.ts': "export const later = () => import('../api')\n" }, [{ rule: 'direction', file: 'src/db/open.ts', target: 'api/index' }]],
    ['an import past the door', { 'src/api/index.ts': "import { store } from '../recording/store'\nexport { store }\n" }, [{ rule: 'door', file: 'src/api/index.ts', target: 'recording/store' }]],
    ['elysia outside api', { 'src/db/open.ts': "import { t } from 'elysia'\nexport const x = t\n" }, [{ rule: 'elysia', file: 'src/db/open.ts', target: 'elysia' }]],
    ['clipanion outside cli', { 'src/api/index.ts': "import { Command } from 'clipanion'\nexport const c = Command\n" }, [{ rule: 'clipanion', file: 'src/api/index.ts', target: 'clipanion' }]],
    ['a provider importing db', { 'src/harvest/providers/demo.ts': "import { open } from '../../db'\nexport const o = open\n" }, [{ rule: 'provider', file: 'src/harvest/providers/demo.ts', target: 'db/index' }]],
    ['a value (not a type) the web app takes from the server', { 'src/web/app.tsx': "import { open } from '../db'\nexport const o = open\n" }, [{ rule: 'web', file: 'src/web/app.tsx', target: 'db/index' }]],
    ['the web app imported by anything but its assets loader', { 'src/web/app.tsx': 'export const app = 1\n', 'src/api/index.ts': "import { app } from '../web/app'\nexport { app }\n" }, [{ rule: 'web', file: 'src/api/index.ts', target: 'web/app' }]],
    ['SQL outside db and store.ts', { 'src/recording/handlers.ts': "export const apply = (sqlite: any) => sqlite.run('UPDATE sessions SET title = 1')\n" }, [{ rule: 'sql', file: 'src/recording/handlers.ts', target: 'sql' }]],
    ['SQL in a store.ts below the top of a module', { 'src/recording/live/store.ts': "export const q = (sqlite: any) => sqlite.prepare('SELECT 1')\n" }, [{ rule: 'sql', file: 'src/recording/live/store.ts', target: 'sql' }]],
    ['SQL in a file whose name only ends in store', { 'src/recording/restore.ts': "export const q = (sqlite: any) => sqlite.prepare('SELECT 1')\n" }, [{ rule: 'sql', file: 'src/recording/restore.ts', target: 'sql' }]],
    ['SQL in a folder below a store/ folder', { 'src/recording/store/runs/steps.ts': "export const q = (sqlite: any) => sqlite.prepare('SELECT 1')\n" }, [{ rule: 'sql', file: 'src/recording/store/runs/steps.ts', target: 'sql' }]],
  ] as const)('%s is a violation', (_, files, expected) => {
    expect(violationsWith(files)).toEqual([...expected])
  })
})
