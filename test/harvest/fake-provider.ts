import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { existing, type Provider, type SessionPart, type Source } from '../../src/harvest/provider'
import { readJsonLines } from '../../src/harvest/read/jsonl'

/**
 * A minimal provider for engine tests: `<home>/.fake/<name>.jsonl`, one record per line:
 * `{"session": id, "title"?}`, `{"role", "content", "ts"?, "tools"?: [{id, name, input}]}`,
 * `{"result": callId, "output"}`, `{"title": "…"}` (late title), `{"throw": "message"}`.
 */
export const fakeProvider: Provider = {
  id: 'fake',
  name: 'Fake',
  kind: 'harvest',
  locate: (ctx) => existing([join(ctx.home, '.fake')]),
  async *discover(ctx) {
    const dir = join(ctx.home, '.fake')
    let names: string[] = []
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort()
    } catch {
      return
    }
    for (const name of names) yield { key: name, path: join(dir, name) } satisfies Source
  },
  async *read(source): AsyncIterable<SessionPart> {
    for await (const line of readJsonLines(source.path)) {
      if ('error' in line) {
        yield { kind: 'problem', message: `line ${line.line}: ${line.error}` }
        continue
      }
      const r = line.value as Record<string, any>
      if (r.throw) throw new Error(r.throw)
      if (r.session) yield { kind: 'session', session: { id: r.session, title: r.title ?? null, model: null, created: null, updated: null, workspace: { key: '/proj', name: 'proj', path: '/proj' } } }
      else if (r.result) yield { kind: 'tool-result', callId: r.result, output: r.output, status: 'ok' }
      else if (r.role) yield { kind: 'message', message: { role: r.role, content: r.content, timestamp: r.ts ?? null, model: null, toolInvocations: (r.tools ?? []).map((t: any) => ({ id: t.id, name: t.name, input: t.input, output: null, status: null })) } }
      else if (r.title) yield { kind: 'update', patch: { title: r.title } }
    }
  },
}

export const jsonl = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n'
