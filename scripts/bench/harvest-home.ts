/**
 * Generated homes for the harvest benchmarks (Claude Code and Codex files), and the minimal ingest
 * every harvest figure is compared with.
 */
import { Database } from 'bun:sqlite'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { readJsonLines } from '../../src/harvest/read/jsonl'
import { textSource } from './corpus'

/** Bumped when the generated files change shape, so a home cached by an older version is rewritten. */
const HOME_VERSION = 'token-usage'

/** Writes `sessions` sessions, alternating Claude Code and Codex files, `messages` messages each (reused once complete). */
export async function generateHome(home: string, sessions: number, messages: number): Promise<void> {
  const done = join(home, '.done')
  if (existsSync(done) && readFileSync(done, 'utf8') === HOME_VERSION) return
  rmSync(home, { recursive: true, force: true })
  const { pick, sentence, random } = textSource(7)
  // Token counts as the tools record them: Claude Code's per-message usage with the cache split,
  // Codex's token_count event after each answer with the turn's and the running totals.
  const tokens = (n: number) => Math.floor(random() * n)
  const base = Date.parse('2026-03-01T00:00:00Z')
  for (let s = 0; s < sessions; s++) {
    const id = `${s.toString(16).padStart(8, '0')}-0000-4000-8000-${(s * 7919).toString(16).padStart(12, '0')}`
    const cwd = `/home/dev/project-${s % 200}`
    const lines: string[] = []
    let t = base + s * 3_600_000
    const time = () => new Date((t += 1500)).toISOString()
    if (s % 2 === 0) {
      const dir = join(home, '.claude', 'projects', cwd.replaceAll('/', '-'))
      mkdirSync(dir, { recursive: true })
      let parent: string | null = null
      for (let m = 0; m < messages; m++) {
        const uuid = `${id}-${m}`
        const common = { parentUuid: parent, isSidechain: false, userType: 'external', cwd, sessionId: id, version: '2.1.40', uuid, timestamp: time() }
        parent = uuid
        if (m % 2 === 0) lines.push(JSON.stringify({ ...common, type: 'user', message: { role: 'user', content: `${sentence(12 + Math.floor(random() * 20))}?` } }))
        else {
          const content: object[] = [{ type: 'text', text: `${sentence(30 + Math.floor(random() * 60))}.\n\n\`\`\`ts\nconst ${pick()} = ${pick()}()\n\`\`\`` }]
          const [written5m, written1h] = [tokens(2000), m % 10 === 1 ? tokens(4000) : 0]
          const usage = {
            input_tokens: 1 + tokens(10), cache_creation_input_tokens: written5m + written1h, cache_read_input_tokens: 10_000 + tokens(50_000),
            cache_creation: { ephemeral_5m_input_tokens: written5m, ephemeral_1h_input_tokens: written1h }, output_tokens: 20 + tokens(800), service_tier: 'standard',
          }
          lines.push(JSON.stringify({ ...common, type: 'assistant', message: { id: `msg_${uuid}`, type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content, stop_reason: 'end_turn', usage } }))
        }
      }
      await Bun.write(join(dir, `${id}.jsonl`), `${lines.join('\n')}\n`)
    } else {
      const day = new Date(t).toISOString().slice(0, 10).split('-')
      const dir = join(home, '.codex', 'sessions', ...day)
      mkdirSync(dir, { recursive: true })
      lines.push(JSON.stringify({ timestamp: time(), type: 'session_meta', payload: { id, timestamp: time(), cwd, originator: 'codex_cli_rs', cli_version: '0.60.1' } }))
      lines.push(JSON.stringify({ timestamp: time(), type: 'turn_context', payload: { cwd, model: 'gpt-5-codex' } }))
      const total = { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 }
      for (let m = 0; m < messages; m++) {
        const user = m % 2 === 0
        const text = user ? `${sentence(12 + Math.floor(random() * 20))}?` : `${sentence(30 + Math.floor(random() * 60))}.`
        lines.push(JSON.stringify({ timestamp: time(), type: 'response_item', payload: { type: 'message', role: user ? 'user' : 'assistant', content: [{ type: user ? 'input_text' : 'output_text', text }] } }))
        if (user) continue
        const cached = tokens(20_000)
        const last = { input_tokens: cached + 500 + tokens(5000), cached_input_tokens: cached, output_tokens: 20 + tokens(800), reasoning_output_tokens: tokens(400), total_tokens: 0 }
        last.total_tokens = last.input_tokens + last.output_tokens
        for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += last[key]
        const info = { total_token_usage: { ...total }, last_token_usage: last, model_context_window: 272_000 }
        lines.push(JSON.stringify({ timestamp: time(), type: 'event_msg', payload: { type: 'token_count', info, rate_limits: { primary: { used_percent: 4, window_minutes: 300 } } } }))
      }
      await Bun.write(join(dir, `rollout-${new Date(t).toISOString().slice(0, 19).replaceAll(':', '-')}-${id}.jsonl`), `${lines.join('\n')}\n`)
    }
  }
  await Bun.write(done, HOME_VERSION)
}

/** Every transcript file under a home. */
export const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.jsonl')).map((e) => join(e.parentPath, e.name))

/** Every string under `text`/`content` keys of a record: what a minimal ingest would index. */
function textOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) textOf(item, out)
  else if (value && typeof value === 'object') {
    for (const [key, field] of Object.entries(value)) {
      if ((key === 'text' || key === 'content') && typeof field === 'string') out.push(field)
      else if (typeof field === 'object') textOf(field, out)
    }
  }
  return out
}

/** The minimal ingest baseline: plain table + FTS5 (porter unicode61), one transaction per file, WAL. */
export async function baseline(files: string[], dbPath: string): Promise<{ seconds: number; records: number }> {
  rmSync(dbPath, { force: true })
  const db = new Database(dbPath, { create: true })
  db.run('PRAGMA journal_mode = WAL')
  db.run('PRAGMA synchronous = NORMAL')
  db.run('CREATE TABLE texts (id INTEGER PRIMARY KEY, file TEXT, body TEXT)')
  db.run("CREATE VIRTUAL TABLE texts_fts USING fts5(body, content='texts', content_rowid='id', tokenize='porter unicode61')")
  db.run('CREATE TRIGGER texts_ai AFTER INSERT ON texts BEGIN INSERT INTO texts_fts(rowid, body) VALUES (new.id, new.body); END')
  const insert = db.prepare('INSERT INTO texts (file, body) VALUES (?, ?)')
  let records = 0
  const started = performance.now()
  for (const file of files) {
    const rows: string[] = []
    for await (const line of readJsonLines(file)) if ('value' in line) rows.push(textOf(line.value).join('\n'))
    db.transaction(() => {
      for (const body of rows) if (body) (insert.run(file, body), (records += 1))
    })()
  }
  const seconds = (performance.now() - started) / 1000
  db.close()
  return { seconds, records }
}
