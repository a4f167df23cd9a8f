import { validBasicCredentials, validCrc32Token, validGenericSecret, validJwt, validPassword, validUrlPassword } from './checks'
import { looksRandom } from './entropy'

/** One kind of secret the detector knows. */
export interface SecretKind {
  /** The name in `[REDACTED:<kind>]`. */
  readonly kind: string
  /**
   * Must occur in a text for `pattern` to possibly match there: a cheap test that lets most texts
   * skip the full pattern.
   */
  readonly hint: RegExp
  /** Finds candidates; flags `dg` (group indices, global), plus `i` where case does not matter. */
  readonly pattern: RegExp
  /** The capture groups that hold the secret, first defined wins; none = the whole match. */
  readonly groups?: readonly string[]
  /** A check beyond the pattern (checksum, decoding, entropy); `group` names the group that matched. */
  readonly valid?: (secret: string, group: string | null) => boolean
}

// Token edges: a key must not be the middle of a longer word or token.
const START = String.raw`(?<![A-Za-z0-9_-])`
const END = String.raw`(?![A-Za-z0-9_-])`
const re = (source: string, flags = 'dg') => new RegExp(source, flags)

/**
 * A key assignment: `KEY=value`, `key: value`, `"key": "value"` (JSON-escaped quotes too). A colon
 * needs a space or a quote after it, so `user:pass@host` and `scheme:rest` are no assignments; an
 * unquoted value ends where a query string's next `&name=` starts.
 */
const assignment = (keys: string) =>
  re(
    String.raw`(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]*?(?:${keys})\\?["']?(?:\s*(?:=(?![=>~])|=>|:=)\s*|\s*:(?=\s|\\?["'])\s*)(?:\\?"(?<dq>[^"\\\n]{1,256})\\?"|'(?<sq>[^'\n]{1,256})'|(?<bare>(?:[^\s"'\\,;&|)}\]]|&(?![A-Za-z_][\w.-]*=)){1,256}))`,
    'dgi',
  )

/**
 * Every kind, most specific first: when two findings cover the same text, the earlier kind names it.
 * Formats are the vendors' published ones; checksums are verified where the format has one.
 */
export const SECRET_KINDS: readonly SecretKind[] = [
  {
    kind: 'private-key',
    hint: /PRIVATE KEY/,
    // The whole block; a block cut short (no END line) is redacted as far as its base64 runs, and
    // a bare BEGIN line (code that looks for one) is no key. The search for END stops at the next
    // BEGIN, so text full of BEGIN lines costs time in proportion to its length.
    pattern: re(
      String.raw`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:(?:(?!-----BEGIN)[\s\S]){0,32768}?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|(?=(?:\s|\\[nr])*[A-Za-z0-9+/]{20})(?:[A-Za-z0-9+/=:,.\r\n-]|\\[nr]|: )*)`,
    ),
  },
  { kind: 'anthropic-api-key', hint: /sk-ant-/, pattern: re(String.raw`${START}sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{32,200}${END}`) },
  { kind: 'openrouter-api-key', hint: /sk-or-/, pattern: re(String.raw`${START}sk-or-v\d-[a-f0-9]{64}${END}`) },
  {
    kind: 'openai-api-key',
    hint: /sk-/,
    pattern: re(String.raw`${START}sk-(?:(?<project>(?:proj|svcacct|admin)-)?)[A-Za-z0-9_-]{20,200}${END}`),
    // Legacy and project keys carry "T3BlbkFJ" (base64 of "OpenAI"); other sk- keys must look random.
    valid: (key) => key.includes('T3BlbkFJ') || looksRandom(key.replace(/^sk-(?:proj|svcacct|admin)?-?/, ''), 32),
  },
  { kind: 'google-api-key', hint: /AIza/, pattern: re(String.raw`${START}AIza[0-9A-Za-z_-]{35}${END}`) },
  { kind: 'google-oauth-secret', hint: /GOCSPX-/, pattern: re(String.raw`${START}GOCSPX-[A-Za-z0-9_-]{28}${END}`) },
  { kind: 'google-oauth-token', hint: /ya29\./, pattern: re(String.raw`${START}ya29\.[0-9A-Za-z_-]{30,2048}${END}`) },
  {
    kind: 'github-token',
    hint: /gh[pousr]_/,
    pattern: re(String.raw`(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9_])`),
    valid: validCrc32Token,
  },
  { kind: 'github-token', hint: /github_pat_/, pattern: re(String.raw`${START}github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}${END}`) },
  { kind: 'gitlab-token', hint: /gl[a-z]{1,6}-/, pattern: re(String.raw`${START}gl(?:pat|dt|rt|ptt|cbt|oas|ft|imt|soat|agent)-[A-Za-z0-9_.-]{20,200}${END}`) },
  { kind: 'npm-token', hint: /npm_/, pattern: re(String.raw`(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])`), valid: validCrc32Token },
  { kind: 'pypi-token', hint: /pypi-AgE/, pattern: re(String.raw`${START}pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,}${END}`) },
  {
    kind: 'aws-access-key-id',
    hint: /A[KS]IA/,
    pattern: re(String.raw`(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])`),
  },
  {
    kind: 'aws-secret-access-key',
    hint: /secret_?access_?key|aws_?secret/i,
    pattern: re(
      String.raw`(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)\\?["']?\s*(?:=|:|=>)\s*\\?["']?(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      'dgi',
    ),
    groups: ['secret'],
  },
  { kind: 'slack-token', hint: /xox[abposre]-/, pattern: re(String.raw`${START}xox[abposre]-(?:\d+-)+[0-9A-Za-z-]{10,200}${END}`) },
  { kind: 'slack-token', hint: /xapp-/, pattern: re(String.raw`${START}xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}${END}`) },
  {
    kind: 'slack-webhook',
    hint: /hooks\.slack\.com/,
    pattern: re(String.raw`https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]+/[A-Z0-9]+/[A-Za-z0-9]{20,}`),
  },
  { kind: 'stripe-key', hint: /[sr]k_(?:live|test)_/, pattern: re(String.raw`(?<![A-Za-z0-9_])[sr]k_(?:live|test)_[0-9A-Za-z]{20,247}(?![A-Za-z0-9_])`) },
  { kind: 'stripe-key', hint: /whsec_/, pattern: re(String.raw`(?<![A-Za-z0-9_])whsec_[A-Za-z0-9]{32,}(?![A-Za-z0-9_])`) },
  { kind: 'twilio-api-key', hint: /SK[0-9a-f]{32}/, pattern: re(String.raw`(?<![A-Za-z0-9])SK[0-9a-f]{32}(?![A-Za-z0-9])`), valid: (k) => looksRandom(k.slice(2)) },
  { kind: 'sendgrid-api-key', hint: /SG\./, pattern: re(String.raw`${START}SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}${END}`) },
  {
    kind: 'huggingface-token',
    hint: /hf_/,
    pattern: re(String.raw`(?<![A-Za-z0-9_])hf_[A-Za-z]{34}(?![A-Za-z0-9_])`),
    valid: (t) => /[A-Z]/.test(t.slice(3)) && /[a-z]/.test(t) && !/[a-z]{13,}/.test(t),
  },
  { kind: 'groq-api-key', hint: /gsk_/, pattern: re(String.raw`(?<![A-Za-z0-9_])gsk_[A-Za-z0-9]{52}(?![A-Za-z0-9_])`) },
  { kind: 'xai-api-key', hint: /xai-/, pattern: re(String.raw`${START}xai-[A-Za-z0-9]{80}${END}`) },
  { kind: 'perplexity-api-key', hint: /pplx-/, pattern: re(String.raw`${START}pplx-[A-Za-z0-9]{48}${END}`) },
  { kind: 'replicate-token', hint: /r8_/, pattern: re(String.raw`(?<![A-Za-z0-9_])r8_[A-Za-z0-9]{37}(?![A-Za-z0-9_])`) },
  { kind: 'digitalocean-token', hint: /do[opr]_v1_/, pattern: re(String.raw`(?<![A-Za-z0-9_])do[opr]_v1_[a-f0-9]{64}(?![A-Za-z0-9_])`) },
  { kind: 'shopify-token', hint: /shp(?:at|ca|pa|ss)_/, pattern: re(String.raw`(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9_])`) },
  { kind: 'databricks-token', hint: /dapi/, pattern: re(String.raw`(?<![A-Za-z0-9_])dapi[a-f0-9]{32}(?:-\d)?(?![A-Za-z0-9_])`), valid: (t) => looksRandom(t.slice(4)) },
  { kind: 'linear-api-key', hint: /lin_api_/, pattern: re(String.raw`(?<![A-Za-z0-9_])lin_api_[A-Za-z0-9]{40}(?![A-Za-z0-9_])`) },
  { kind: 'notion-token', hint: /ntn_|secret_/, pattern: re(String.raw`(?<![A-Za-z0-9_])(?:ntn_[A-Za-z0-9]{46}|secret_[A-Za-z0-9]{43})(?![A-Za-z0-9_])`), valid: (t) => looksRandom(t.slice(t.indexOf('_') + 1)) },
  { kind: 'age-secret-key', hint: /AGE-SECRET-KEY-1/, pattern: re(String.raw`AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}`) },
  { kind: 'telegram-bot-token', hint: /:AA/, pattern: re(String.raw`(?<![A-Za-z0-9_:-])\d{8,10}:AA[A-Za-z0-9_-]{33}${END}`) },
  {
    kind: 'azure-storage-key',
    hint: /AccountKey=/,
    pattern: re(String.raw`AccountKey=(?<secret>[A-Za-z0-9+/]{86}==)`),
    groups: ['secret'],
  },
  {
    kind: 'jwt',
    hint: /eyJ/,
    pattern: re(String.raw`${START}eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*${END}`),
    valid: validJwt,
  },
  {
    kind: 'basic-auth',
    hint: /basic\s+[A-Za-z0-9+/]{8}/i,
    pattern: re(String.raw`authorization\\?["']?\s*[:=]\s*\\?["']?\s*basic\s+(?<secret>[A-Za-z0-9+/]{8,}={0,2})`, 'dgi'),
    groups: ['secret'],
    valid: validBasicCredentials,
  },
  {
    kind: 'bearer-token',
    hint: /bearer\s+[A-Za-z0-9._~+/-]{16}/i,
    pattern: re(String.raw`(?<![A-Za-z])bearer\s+(?<secret>[A-Za-z0-9._~+/-]{16,4096}=*)(?![A-Za-z0-9._~+/=-])`, 'dgi'),
    groups: ['secret'],
    valid: (token) => validJwt(token) || looksRandom(token, 16),
  },
  {
    kind: 'url-password',
    hint: /:\/\/[^\s/?#@]*:[^\s/?#@]*@/,
    pattern: re(String.raw`\b[a-z][a-z0-9+.-]{1,20}://[^\s:/?#@"'<>\[\]]{0,128}:(?<secret>[^\s/?#@"'<>]{1,256})@(?=[A-Za-z0-9\[])`, 'dgi'),
    groups: ['secret'],
    valid: (password) => validUrlPassword(password),
  },
  {
    kind: 'password',
    hint: /pass(?:word|wd|phrase)\\?["']?\s*[:=]/i,
    pattern: assignment('password|passwd|passphrase'),
    groups: ['dq', 'sq', 'bare'],
    valid: (value, group) => validPassword(value, group !== 'bare'),
  },
  {
    kind: 'secret',
    hint: /(?:secret|token|key)\\?["']?\s*[:=]/i,
    pattern: assignment('secret|client_secret|secret_key|api_?key|api-key|access_?key|access_token|auth_token|refresh_token|token|private_key'),
    groups: ['dq', 'sq', 'bare'],
    valid: (value) => validGenericSecret(value),
  },
]

/**
 * Changes whenever a kind's pattern or hint changes, so what was redacted with an older table can
 * be told apart (exports rewrite their files). Changes to a check's code alone do not show here.
 */
export const DETECTOR_SIGNATURE = Bun.hash(SECRET_KINDS.map((k) => `${k.kind} ${k.hint.source} ${k.pattern.source} ${k.groups ?? ''}`).join('\n')).toString(16)
