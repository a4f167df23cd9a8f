import { crc32 } from 'node:zlib'
import type { SessionInput } from '../../src/db'

/**
 * A session built to break exports: HTML and Markdown that could escape their place, fences inside
 * fences, a fence left open, failed, cancelled and hidden turns, Unicode, and secrets planted in
 * the places a person pastes them. The secrets are assembled here at run time, so no whole
 * real-shaped key sits in the repository (golden files hold only the redacted documents).
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const base62 = (value: number) => {
  let out = ''
  for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) out = BASE62[rest % 62] + out
  return out.padStart(6, '0')
}
const githubToken = (body: string) => `ghp_${body}${base62(crc32(body))}`

/** Secrets planted in the fixture session, by where they sit. */
export const PLANTED = {
  githubToken: githubToken('Fx7kQ2mZ9pL4vB8nR1tW6yH3jD5sA0'),
  awsKeyId: ['AKIA', 'Q3ZL7XW2M5PN4RTB'].join(''),
  dbPassword: 'Sup3r-Secret!',
  anthropicKey: ['sk-ant-api03-', 'x9Kq'.repeat(23), 'AA'].join(''),
  bearer: 'Zt8Kd02mXq7Lw4Nb9Rc6Vf1Hy5Js3Pg',
  toolPassword: 'correct-Horse9',
  privateKey: [
    ['-----BEGIN', 'OPENSSH PRIVATE KEY-----'].join(' '),
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
    'QyNTUxOQAAACBmZXhhbXBsZWtleWRhdGFvbmx5Zm9ydGVzdHNub3RyZWFsAAAAkA==',
    ['-----END', 'OPENSSH PRIVATE KEY-----'].join(' '),
  ].join('\n'),
}

const at = (time: string) => Date.parse(`2026-01-08T${time}Z`)

/** The fixture session (`export-fixture-0001`). */
export function exportFixture(overrides: Partial<SessionInput> = {}): SessionInput {
  return {
    id: 'export-fixture-0001',
    provider: 'claude-code',
    origin: 'harvest',
    title: 'Fix <script>alert(1)</script> login | "quotes" & `ticks` # ../../etc',
    model: 'claude-sonnet-4-5',
    created: at('10:00:00'),
    updated: at('10:09:30'),
    workspace: { provider: 'claude-code', key: '/home/ada/shop|app', name: 'shop', path: '/home/ada/shop|app' },
    messages: [
      { id: 'm-system', role: 'system', content: 'You are a careful coding assistant.', timestamp: at('10:00:00'), model: null },
      {
        id: 'm-user-1',
        role: 'user',
        content: [
          `My database is postgres://app:${PLANTED.dbPassword}@db.internal:5432/shop and the CI token is ${PLANTED.githubToken}.`,
          '',
          'Why does <details> swallow my page? <!-- this comment is never closed',
          `AWS says ${PLANTED.awsKeyId} is not authorized.`,
        ].join('\n'),
        timestamp: at('10:01:00'),
        model: null,
      },
      {
        id: 'm-assistant-1',
        role: 'assistant',
        content: [
          '## The cause',
          '',
          'An unclosed `<!--` comments out everything after it; `<details>` without `</details>` folds the rest.',
          '<img src=x onerror=alert(1)> is shown as text, not run.',
          '',
          '~~~~markdown',
          '```ts',
          'const html = "<script>alert(1)</script>"',
          '```',
          '~~~~',
          '',
          '    indented <b>code</b> stays verbatim',
          '',
          'Here is the start of a fix:',
          '',
          '```ts',
          'export function escape(text: string) {',
        ].join('\n'),
        timestamp: at('10:02:00'),
        model: 'claude-sonnet-4-5',
        usage: { inputTokens: 1200, outputTokens: 340, cacheReadTokens: 800, cacheWrite5mTokens: null, cacheWrite1hTokens: null },
      },
      {
        id: 'm-assistant-2',
        role: 'assistant',
        content: 'Let me run the request and save the config.',
        timestamp: at('10:03:00'),
        model: 'claude-sonnet-4-5',
        toolInvocations: [
          {
            id: 'call-bash',
            name: 'Bash',
            input: { command: `curl -s -H "Authorization: Bearer ${PLANTED.bearer}" https://api.shop.dev/v1/orders` },
            output: 'HTTP/1.1 200 OK\n```json\n{"orders": [], "note": "</details><script>alert(2)</script>"}\n```',
            status: 'completed',
          },
          {
            id: 'call-write',
            name: 'Write <file>',
            input: { path: '.env', password: PLANTED.toolPassword, content: `ANTHROPIC_API_KEY=${PLANTED.anthropicKey}\n` },
            output: null,
            status: 'error',
          },
        ],
      },
      {
        id: 'm-tool-1',
        role: 'tool',
        content: `cat ~/.ssh/id_ed25519\n${PLANTED.privateKey}`,
        timestamp: at('10:04:00'),
        model: null,
      },
      {
        id: 'm-assistant-3',
        role: 'assistant',
        content: 'Retrying…',
        timestamp: at('10:05:00'),
        model: 'claude-sonnet-4-5',
        state: 'failed',
        error: 'rate limited (429): retry after 30 s <b>',
      },
      {
        id: 'm-assistant-4',
        role: 'assistant',
        content: 'An answer the user undid.',
        timestamp: at('10:06:00'),
        model: 'claude-sonnet-4-5',
        state: 'cancelled',
        hidden: true,
      },
      { id: 'm-user-2', role: 'user', content: 'Danke! Grüße aus Köln 👋 — 日本語もOK', timestamp: at('10:09:30'), model: null },
    ],
    ...overrides,
  }
}
