import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { findSecrets, maskSecret, redactDeep, redactText, SECRET_KINDS, shannonEntropy } from '../../src/redact'
import { buildCorpus } from './corpus'

const SEED = Number(process.env.CHASM_REDACT_SEED ?? 20260108)
console.log(`redaction corpus seed: ${SEED} (replay with CHASM_REDACT_SEED=${SEED})`)
const { planted, lookalikes: generated } = buildCorpus(SEED)
// Real text full of near misses: this product's own code and docs speak of tokens, keys and passwords.
const root = join(import.meta.dir, '..', '..')
const ownText = ['src/**/*.ts', 'README.md', 'docs/*.md']
  .flatMap((pattern) => [...new Bun.Glob(pattern).scanSync({ cwd: root })])
  .map((file) => readFileSync(join(root, file), 'utf8'))
const lookalikes = [...generated, ...ownText]

describe('the corpus of fake secrets and look-alikes', () => {
  test('covers every kind the detector knows', () => {
    const kinds = new Set(SECRET_KINDS.map((k) => k.kind))
    expect([...kinds].filter((kind) => !planted.some((p) => p.kind === kind))).toEqual([])
  })

  test('precision and recall clear their bars', () => {
    let truePositives = 0
    let falsePositives = 0
    let found = 0
    let rightKind = 0
    const missed: string[] = []
    const wrong: string[] = []
    for (const { kind, text, secret } of planted) {
      const start = text.indexOf(secret)
      const end = start + secret.length
      const findings = findSecrets(text)
      for (const finding of findings) {
        if (finding.start < end && finding.end > start) truePositives++
        else {
          falsePositives++
          wrong.push(`${kind} context: ${text.slice(finding.start, finding.end)}`)
        }
      }
      const covered = findings.some((f) => f.start <= start && f.end >= end)
      if (covered) found++
      else missed.push(`${kind}: ${text}`)
      if (findings.some((f) => f.start <= start && f.end >= end && f.kind === kind)) rightKind++
      expect(redactText(text)).not.toContain(secret)
    }
    for (const text of lookalikes) {
      for (const finding of findSecrets(text)) {
        falsePositives++
        wrong.push(`look-alike: ${text.slice(finding.start, finding.end)} (${finding.kind})`)
      }
    }
    const precision = truePositives / (truePositives + falsePositives)
    const recall = found / planted.length
    console.log(
      `redaction corpus: ${planted.length} planted secrets of ${new Set(planted.map((p) => p.kind)).size} kinds; ${generated.length} look-alike texts and ${ownText.length} source files → ` +
        `precision ${(precision * 100).toFixed(1)} %, recall ${(recall * 100).toFixed(1)} %, kind named right ${((rightKind / planted.length) * 100).toFixed(1)} %`,
    )
    expect({ missed, wrong }).toEqual({ missed: [], wrong: [] })
    expect(precision).toBeGreaterThanOrEqual(0.98)
    expect(recall).toBeGreaterThanOrEqual(0.98)
    expect(rightKind / planted.length).toBeGreaterThanOrEqual(0.95)
  })

  test('each look-alike comes back unchanged', () => {
    for (const text of lookalikes) expect(redactText(text)).toBe(text)
  })
})

describe('redactText', () => {
  test('replaces the secret with its kind and keeps the rest', () => {
    const key = planted.find((p) => p.kind === 'github-token')!
    expect(redactText(`token ${key.secret} here`)).toBe('token [REDACTED:github-token] here')
    const url = planted.find((p) => p.kind === 'url-password')!
    expect(redactText(url.text)).toBe(url.text.replace(url.secret, '[REDACTED:url-password]'))
  })

  test('a whole PEM block goes, a key in a URL password is named by its own kind', () => {
    const pem = planted.find((p) => p.kind === 'private-key')!
    expect(redactText(pem.text)).toBe('Here is the deploy key I use:\n\n[REDACTED:private-key]\n\nit lives in ~/.ssh/deploy.')
    const github = planted.find((p) => p.kind === 'github-token')!
    expect(redactText(github.text)).toBe('git remote set-url origin https://x-access-token:[REDACTED:github-token]@github.com/acme/app.git')
  })

  test('a GitHub token with a wrong checksum is left alone, the same with a right one is not', () => {
    const token = planted.find((p) => p.kind === 'github-token')!.secret
    const broken = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
    expect(redactText(broken)).toBe(broken)
    expect(redactText(token)).toBe('[REDACTED:github-token]')
  })

  test('two secrets side by side are both replaced', () => {
    const [a, b] = [planted.find((p) => p.kind === 'anthropic-api-key')!.secret, planted.find((p) => p.kind === 'google-api-key')!.secret]
    expect(redactText(`${a} ${b}`)).toBe('[REDACTED:anthropic-api-key] [REDACTED:google-api-key]')
  })

  test('text without secrets is returned as the same string', () => {
    const text = 'nothing to see here, just a long message about authentication and tokens'
    expect(redactText(text)).toBe(text)
  })
})

describe('redactDeep', () => {
  test('redacts every string of a nested value, object keys included, and keeps other values', () => {
    const key = planted.find((p) => p.kind === 'stripe-key')!.secret
    expect(redactDeep({ a: [key, 1, null, true], [key]: { b: `x ${key}` } })).toEqual({
      a: ['[REDACTED:stripe-key]', 1, null, true],
      '[REDACTED:stripe-key]': { b: 'x [REDACTED:stripe-key]' },
    })
  })

  test('a value under a key that names a secret is judged with its key', () => {
    expect(redactDeep({ user: 'ada', password: 'hunter22', headers: { 'X-Api-Key': 'a8f3k29dkq01mzp4x7vb2nq8' } })).toEqual({
      user: 'ada',
      password: '[REDACTED:password]',
      headers: { 'X-Api-Key': '[REDACTED:secret]' },
    })
    expect(redactDeep({ password: 'string', token: 'refreshTokenFromCookie', key: 'sessions' })).toEqual({
      password: 'string',
      token: 'refreshTokenFromCookie',
      key: 'sessions',
    })
  })
})

describe('maskSecret and entropy', () => {
  test('a preview never shows the whole secret', () => {
    for (const { secret } of planted) {
      const preview = maskSecret(secret)
      expect(preview).not.toContain(secret)
      expect(preview.split('…')[0]!.length).toBeLessThanOrEqual(Math.min(6, secret.length / 3))
    }
    expect(maskSecret('hunter22')).toBe('h… (8 chars)')
  })

  test('Shannon entropy: none for one repeated character, log2(n) for n equally frequent ones', () => {
    expect(shannonEntropy('')).toBe(0)
    expect(shannonEntropy('aaaa')).toBe(0)
    expect(shannonEntropy('abcd')).toBe(2)
    expect(shannonEntropy('0123456789abcdef')).toBe(4)
  })
})

describe('hostile text', () => {
  // A harvested file is untrusted: no input may make detection take more than linear time.
  // Each case is ~200 KB; linear work takes milliseconds, the bound only catches a blow-up.
  const cases: Record<string, string> = {
    'BEGIN lines without END': '-----BEGIN PRIVATE KEY-----\nabc\n'.repeat(6000),
    'JWT-looking runs': 'eyJabcdefghij.'.repeat(15000),
    'one long identifier before a key name': `${'a-'.repeat(100000)}password: "x"`,
    'password= over and over': 'password='.repeat(25000),
    'token: over and over': 'token: '.repeat(30000),
    'Slack-like digits and dashes': `xoxb-${'1-'.repeat(100000)}!`,
    'URLs that never reach @': 'http://a:'.repeat(25000),
  }
  for (const [name, text] of Object.entries(cases)) {
    test(name, () => {
      const started = performance.now()
      findSecrets(text)
      expect(performance.now() - started).toBeLessThan(2000)
    })
  }
})
