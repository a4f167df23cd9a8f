import { describe, expect, test } from 'bun:test'
import { deferFullText, indexDeferred, replaceSession } from '../../src/db'
import { searchSessions } from '../../src/search'
import { event, testRecorder } from '../recording/support'
import { openTestDb } from '../support/db'
import { QUERIES, random, randomCorpus, referenceSearch, session } from './support'

// The ranking must equal the documented scoring computed the obvious way, for every kind of query,
// filter and order, whatever state the index is in (many segments, deletions, a bulk rebuild).
describe('search equals the exhaustive reference (issue 16)', () => {
  const seed = Number(process.env.CHASM_SEARCH_SEED ?? Date.now() % 100_000)
  console.log(`exact.test.ts seed ${seed} (CHASM_SEARCH_SEED to replay)`)

  const check = (sqlite: Parameters<typeof searchSessions>[0], label: string) => {
    const next = random(seed + 7)
    for (const q of QUERIES) {
      for (const sort of ['relevance', 'recent'] as const) {
        const roll = next()
        const options = {
          limit: 1 + Math.floor(next() * 12),
          sort,
          ...(roll < 0.25 ? { provider: 'copilot' } : roll < 0.4 ? { workspace: 'nope' } : {}),
          // Both walks: titles first (the default for short title lists) and the plain threshold walk.
          titlesFirst: next() < 0.5 ? 0 : undefined,
        }
        const got = searchSessions(sqlite, q, options).map((r) => ({ sessionId: r.sessionId, score: r.score }))
        expect({ label, q, options, got }).toEqual({ label, q, options, got: referenceSearch(sqlite, q, options) })
      }
    }
  }

  test('on a corpus written session by session (many small segments)', () => {
    using db = openTestDb()
    randomCorpus(db.sqlite, seed, 400, 12)
    check(db.sqlite, 'incremental')
  })

  test('after re-harvests (deleted and re-inserted rows) and a bulk rebuild', () => {
    using db = openTestDb()
    randomCorpus(db.sqlite, seed, 300, 12)
    const next = random(seed + 1)
    // Re-harvest a third of the sessions with other text: their old rows are deleted from the index.
    for (let s = 0; s < 300; s += 3) {
      replaceSession(db.sqlite, session(`s${s}`, 'codex', next() < 0.5 ? 'error widget' : null, ['widget error fix', 'the return'], 1_700_000_500_000 + s))
    }
    check(db.sqlite, 're-harvested')
    deferFullText(db.sqlite)
    randomCorpus(db.sqlite, seed + 2, 100, 8)
    indexDeferred(db.sqlite, Number.MAX_SAFE_INTEGER, { finish: true })
    check(db.sqlite, 'indexed after a deferral')
  })

  test('on an index the reader does not know (secure-delete), through FTS5 itself', () => {
    using db = openTestDb()
    randomCorpus(db.sqlite, seed, 150, 8)
    db.sqlite.run("INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1)")
    db.sqlite.run("INSERT INTO sessions_fts(sessions_fts, rank) VALUES ('secure-delete', 1)")
    for (let s = 0; s < 150; s += 4) replaceSession(db.sqlite, session(`s${s}`, 'codex', 'widget', ['error widget'], 1_700_000_900_000 + s))
    check(db.sqlite, 'secure-delete')
  })

  test('recorded sessions whose messages interleave with others', () => {
    using t = testRecorder()
    const next = random(seed + 5)
    for (let i = 0; i < 120; i++) {
      const id = `live-${Math.floor(next() * 12)}`
      t.recorder.apply(event(id, 'message', { role: i % 2 ? 'assistant' : 'user', content: `${['error', 'widget', 'the', 'return'][Math.floor(next() * 4)]} ${i}` }))
      t.clock.advance(1000)
    }
    check(t.db.sqlite, 'interleaved')
  })

  test('thousands of messages tying with the k-th score (resolved by update time)', () => {
    using db = openTestDb()
    const next = random(seed + 9)
    // 3,000 sessions saying exactly the same thing, some twice, at clashing update times.
    for (let s = 0; s < 3_000; s++) {
      const texts = next() < 0.3 ? ['continue please', 'continue please'] : ['continue please']
      const updated = next() < 0.05 ? null : 1_700_000_000_000 + Math.floor(next() * 500) * 60_000
      replaceSession(db.sqlite, session(`t${s}`, s % 3 ? 'codex' : 'copilot', null, texts, updated))
    }
    replaceSession(db.sqlite, session('better', 'codex', null, ['continue'], 1_600_000_000_000))
    for (const options of [{ limit: 20 }, { limit: 7, provider: 'copilot' }, { limit: 3, sort: 'recent' as const }]) {
      const got = searchSessions(db.sqlite, 'continue', options).map((r) => ({ sessionId: r.sessionId, score: r.score }))
      expect({ options, got }).toEqual({ options, got: referenceSearch(db.sqlite, 'continue', options) })
    }
  })

  test('with more hits than are looked up one by one (lengths read from the end tokens)', () => {
    using db = openTestDb()
    const next = random(seed + 3)
    for (let s = 0; s < 250; s++) {
      const texts = Array.from(
        { length: 12 },
        () =>
          `error ${next() < 0.5 ? 'the' : 'return'} ${'token '.repeat(Math.floor(next() * 6))}` +
          `${next() < 0.3 ? 'alpha '.repeat(1 + Math.floor(next() * 3)) : ''}${next() < 0.2 ? 'beta ' : ''}${next() < 0.02 ? 'zeta' : ''}`,
      )
      replaceSession(db.sqlite, session(`d${s}`, s % 2 ? 'copilot' : 'codex', next() < 0.3 ? 'error' : 'other', texts, 1_700_000_000_000 + Math.floor(next() * 1e9)))
    }
    // After the first query every length is at hand: one- and two-word queries are then scored in one
    // pass, the shorter list stepping through the longer one either way round.
    for (const q of ['error', 'alpha', 'beta', 'alpha beta', 'beta alpha', 'error the', 'the error', 'token', 'alpha zeta', 'zeta alpha', '"error the"', 'tok*']) {
      for (const sort of ['relevance', 'recent'] as const) {
        for (const provider of [undefined, 'copilot']) {
          const options = { limit: 10, sort, provider }
          const got = searchSessions(db.sqlite, q, options).map((r) => ({ sessionId: r.sessionId, score: r.score }))
          expect({ q, options, got }).toEqual({ q, options, got: referenceSearch(db.sqlite, q, options) })
        }
      }
    }
  })
})
