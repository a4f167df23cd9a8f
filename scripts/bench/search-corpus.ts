/**
 * The search-quality corpus: chat sessions with a Zipf vocabulary (scripts/bench/corpus.ts), two
 * planted words found in most messages ('return', 'error'), a share of Chinese, Japanese, Korean and
 * Thai text, providers of very different sizes harvested smallest first (so row order and relevance
 * disagree), some messages without timestamps. Written like a bulk harvest: index deferred, then
 * rebuilt once (as a first harvest does). Cached in `.bench/`.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { deferFullText, indexDeferred, openDatabase, replaceSessions, type MessageInput, type SessionInput } from '../../src/db'
import { textSource } from './corpus'

/** Share of messages each planted word is added to (independently): both are in ~64 % of messages. */
export const DENSE_SHARE = 0.8
/** Share of messages given a sentence in a script written without spaces (or Korean). */
export const UNSPACED_SHARE = 0.03
/** Rare words planted in 5 to 120 messages each (the vocabulary's own rarest words are in hundreds). */
export const RARE_WORDS = Array.from({ length: 24 }, (_, i) => ({ word: `zyxrare${String.fromCharCode(97 + i)}`, messages: 5 + i * 5 }))

/** Real words (Zipf-picked, most frequent first) from which unspaced sentences are made. */
export const UNSPACED_WORDS: Record<string, string[]> = {
  zh: ['检查', '数据库', '连接', '失败', '函数', '问题', '代码', '服务器', '配置', '测试', '部署', '错误', '缓存', '接口', '日志', '权限', '索引', '事务'],
  ja: ['日本語', 'コード', '確認', 'テスト', 'エラー', '設定', '関数', '修正', 'サーバー', 'データ', '実装', '変更', '削除', '追加'],
  ko: ['코드', '한국어', '검사', '데이터베이스', '서버', '오류', '테스트', '설정', '함수', '배포'],
  th: ['ตรวจสอบ', 'โค้ด', 'ข้อมูล', 'ฐานข้อมูล', 'เซิร์ฟเวอร์', 'ทดสอบ', 'ข้อผิดพลาด', 'ฟังก์ชัน'],
}

// Sessions per provider, smallest harvested first: its rows get the lowest ids.
const PROVIDERS: [string, number][] = [
  ['copilot', 0.02],
  ['gemini-cli', 0.05],
  ['cursor', 0.1],
  ['codex', 0.18],
  ['claude-code', 0.65],
]

/** Builds `.bench/search-quality-<messages>.db` unless it exists; returns its path. */
export function searchCorpus(messages: number, log: (line: string) => void = console.log): string {
  const path = join(import.meta.dir, '..', '..', '.bench', `search-quality-${messages}.db`)
  if (existsSync(path)) return path
  mkdirSync(dirname(path), { recursive: true })
  const partial = `${path}.partial`
  for (const suffix of ['', '-wal', '-shm']) rmSync(partial + suffix, { force: true })
  const chasm = openDatabase(partial)
  deferFullText(chasm.sqlite)
  const { random, pick, sentence } = textSource(1616)
  const zipf = (words: string[]) => words[Math.floor(random() ** 2.2 * words.length)]!
  const unspaced = () => {
    const language = ['zh', 'zh', 'ja', 'ja', 'ko', 'th'][Math.floor(random() * 6)]!
    const words = Array.from({ length: 3 + Math.floor(random() * 5) }, () => zipf(UNSPACED_WORDS[language]!))
    return language === 'ko' ? words.join(' ') : words.join('')
  }
  const start = Date.parse('2025-06-01T00:00:00Z')
  let written = 0
  let sessionNo = 0
  const started = performance.now()
  for (const [provider, share] of PROVIDERS) {
    const target = Math.round(messages * share)
    let batch: SessionInput[] = []
    for (let done = 0; done < target; ) {
      const count = Math.min(target - done, 1 + Math.floor(random() ** 2 * 40))
      const updated = start + Math.floor(random() * 365 * 86_400_000)
      const list: MessageInput[] = []
      for (let m = 0; m < count; m++) {
        const assistant = m % 2 === 1
        let content = assistant ? `${sentence(15 + Math.floor(random() * 50))}.` : `${sentence(5 + Math.floor(random() * 20))}?`
        if (random() < DENSE_SHARE) content += ' return'
        if (random() < DENSE_SHARE) content += ' error'
        if (random() < UNSPACED_SHARE) content += ` ${unspaced()}`
        for (const rare of RARE_WORDS) if (random() * messages < rare.messages) content += ` ${rare.word}`
        list.push({
          id: `m${m}`,
          role: assistant ? 'assistant' : 'user',
          content,
          timestamp: random() < 0.02 ? null : updated - (count - m) * 30_000,
          model: null,
        })
      }
      const id = `${provider}-${sessionNo++}`
      batch.push({
        id,
        provider,
        origin: 'harvest',
        title: random() < 0.1 ? null : sentence(3 + Math.floor(random() * 4)),
        model: null,
        created: updated - count * 30_000,
        updated,
        workspace: { provider, key: `/home/dev/project-${sessionNo % 500}`, name: `project-${sessionNo % 500}`, path: `/home/dev/project-${sessionNo % 500}` },
        messages: list,
      })
      done += count
      written += count
      if (batch.length === 500) {
        replaceSessions(chasm.sqlite, batch)
        batch = []
      }
      if (written % 100_000 < count) log(`  generated ${written}/${messages} messages (${((performance.now() - started) / 1000).toFixed(0)} s)`)
    }
    if (batch.length > 0) replaceSessions(chasm.sqlite, batch)
  }
  log('  building the full-text index…')
  indexDeferred(chasm.sqlite, Number.MAX_SAFE_INTEGER, { finish: true })
  chasm.close()
  renameSync(partial, path)
  return path
}
