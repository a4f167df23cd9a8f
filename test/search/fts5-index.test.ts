import { Database } from 'bun:sqlite'
import { describe, expect, test } from 'bun:test'
import { readPrefix, readSegments, readToken, readTotals, termKey, TooMuchToRead, UnreadableIndex } from '../../src/search/fts5-index'
import { indexSource } from '../../src/search/store'
import { random } from './support'

/** The shadow tables of FTS5 table `f`. */
const source = (db: Database) => indexSource(db, 'f')

/**
 * An FTS5 index in a random state: small or default pages, several segments (automerge settings
 * vary), documents long enough for position lists to run over pages, deletes, updates, merges.
 */
function randomIndex(seed: number) {
  const next = random(seed)
  const words = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}${i % 7 === 0 ? 'ing' : ''}`)
  const pick = () => words[Math.floor(next() ** 3 * words.length)]!
  const db = new Database(':memory:')
  db.run("CREATE VIRTUAL TABLE f USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2')")
  db.run(`INSERT INTO f(f, rank) VALUES ('pgsz', ${[64, 200, 1000, 4050][Math.floor(next() * 4)]})`)
  db.run(`INSERT INTO f(f, rank) VALUES ('automerge', ${[0, 2, 4, 8][Math.floor(next() * 4)]})`)
  db.run(`INSERT INTO f(f, rank) VALUES ('crisismerge', ${[2, 16][Math.floor(next() * 2)]})`)
  const docs = new Map<number, string>()
  const insert = db.prepare('INSERT INTO f (rowid, x) VALUES (?, ?)')
  const remove = db.prepare('DELETE FROM f WHERE rowid = ?')
  const update = db.prepare('UPDATE f SET x = ? WHERE rowid = ?')
  let rowid = 1
  for (let round = 0; round < 30; round++) {
    db.transaction(() => {
      for (let k = 0; k < 30; k++) {
        const roll = next()
        const ids = [...docs.keys()]
        if (roll < 0.7 || ids.length === 0) {
          const text = `${Array.from({ length: 1 + Math.floor(next() * (next() < 0.1 ? 1500 : 25)) }, pick).join(' ')} \u{10FFFD}`
          const id = next() < 0.05 ? rowid + 1_000_000 : rowid++
          if (docs.has(id)) continue
          insert.run(id, text)
          docs.set(id, text)
        } else if (roll < 0.85) {
          const id = ids[Math.floor(next() * ids.length)]!
          remove.run(id)
          docs.delete(id)
        } else {
          const id = ids[Math.floor(next() * ids.length)]!
          const text = `${Array.from({ length: 1 + Math.floor(next() * 20) }, pick).join(' ')} \u{10FFFD}`
          update.run(text, id)
          docs.set(id, text)
        }
      }
    })()
    if (next() < 0.05) db.run("INSERT INTO f(f, rank) VALUES ('merge', 50)")
    if (next() < 0.02) db.run("INSERT INTO f(f) VALUES ('optimize')")
  }
  db.run('CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, f, row)')
  db.run('CREATE VIRTUAL TABLE temp.instances USING fts5vocab(main, f, instance)')
  return { db, docs }
}

const NO_LIMIT = { bytes: 0, limit: Infinity }

describe('FTS5 index reader (differential against FTS5 itself)', () => {
  const base = Number(process.env.CHASM_SEARCH_SEED ?? Date.now() % 100_000)
  const seeds = Array.from({ length: 6 }, (_, i) => base + i)
  console.log(`fts5-index.test.ts seeds ${seeds.join(', ')} (CHASM_SEARCH_SEED=${base} to replay)`)

  test.each(seeds)('seed %d: every term, its rows, counts, offsets and row lengths', (seed) => {
    const { db, docs } = randomIndex(seed)
    const index = source(db)
    const segments = readSegments(index)
    expect(readTotals(index).rows).toBe(docs.size)
    const offsetsOf = db.prepare<{ doc: number; offset: number }, [string]>('SELECT doc, offset FROM temp.instances WHERE term = ? ORDER BY doc, offset')
    for (const { term } of db.query<{ term: string }, []>('SELECT term FROM temp.terms').all()) {
      const expected = new Map<number, number[]>()
      for (const row of offsetsOf.all(term)) expected.set(row.doc, [...(expected.get(row.doc) ?? []), row.offset])
      const withOffsets = readToken(index, segments, termKey(term), 'offsets', NO_LIMIT)
      const got = new Map<number, number[]>()
      for (let i = 0; i < withOffsets.length; i++) {
        got.set(withOffsets.rowids[i]!, [...withOffsets.offsets!.subarray(withOffsets.starts![i]!, withOffsets.starts![i + 1]!)])
      }
      expect({ term, got: [...got] }).toEqual({ term, got: [...expected] })
      const counts = readToken(index, segments, termKey(term), 'count', NO_LIMIT)
      expect({ term, counts: Array.from(counts.counts.subarray(0, counts.length)) }).toEqual({ term, counts: [...expected.values()].map((o) => o.length) })
    }
    // The end token's last offset + 1 is each row's length, as FTS5 stores it in %_docsize.
    const ends = readToken(index, segments, termKey('\u{10FFFD}'), 'end', NO_LIMIT)
    const sizes = db.query<{ id: number; sz: Uint8Array }, []>('SELECT id, sz FROM f_docsize ORDER BY id').all()
    const decode = (sz: Uint8Array) => [...sz].reduce((value, byte) => value * 128 + (byte & 0x7f), 0)
    expect(Array.from(ends.rowids.subarray(0, ends.length))).toEqual(sizes.map((row) => row.id))
    expect(Array.from(ends.counts.subarray(0, ends.length))).toEqual(sizes.map((row) => decode(row.sz)))
  })

  test.each(seeds)('seed %d: prefixes add up the occurrences of every term they start', (seed) => {
    const { db } = randomIndex(seed)
    const index = source(db)
    const segments = readSegments(index)
    const expected = db.prepare<{ doc: number; n: number }, [string, string]>(
      'SELECT doc, count(*) AS n FROM temp.instances WHERE term >= ? AND term < ? GROUP BY doc ORDER BY doc',
    )
    for (const prefix of ['w', 'w1', 'w2', 'wa', 'w1a', 'x', 'wz', 'w1ing']) {
      for (const detail of ['count', 'offsets'] as const) {
        const postings = readPrefix(index, segments, termKey(prefix), detail, NO_LIMIT)
        const got = Array.from({ length: postings.length }, (_, i) => ({ doc: postings.rowids[i]!, n: postings.counts[i]! }))
        expect({ prefix, detail, got }).toEqual({ prefix, detail, got: expected.all(prefix, `${prefix}\uffff`) })
      }
    }
  })

  test('a read that would pass its budget stops before loading anything', () => {
    const { db } = randomIndex(1)
    const index = source(db)
    expect(() => readPrefix(index, readSegments(index), termKey('w'), 'count', { bytes: 0, limit: 100 })).toThrow(TooMuchToRead)
  })

  test('an index in another format version is refused (search then asks FTS5 itself)', () => {
    const { db, docs } = randomIndex(2)
    db.run("INSERT INTO f(f, rank) VALUES ('secure-delete', 1)")
    expect(readSegments(source(db)).length).toBeGreaterThan(0)
    // The first deletion with the option on writes version 5: deletions then rewrite pages in place.
    db.query('DELETE FROM f WHERE rowid = ?').run([...docs.keys()][0]!)
    expect(() => readSegments(source(db))).toThrow(UnreadableIndex)
  })
})
