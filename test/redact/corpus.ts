import { crc32 } from 'node:zlib'
import { rng } from '../../scripts/bench/corpus'

/**
 * A corpus of real-shaped FAKE secrets of every kind the detector knows, each inside the kind of
 * text it turns up in (shell lines, config files, JSON, chat prose), and of look-alikes that must
 * stay untouched. Generated from a seed, so a run can be replayed.
 */

export interface PlantedSecret {
  kind: string
  /** The text the secret sits in. */
  text: string
  /** The secret itself (a substring of `text`). */
  secret: string
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const HEX = '0123456789abcdef'
const B64 = `${ALNUM}+/`
const B64URL = `${ALNUM}-_`
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
const BECH32 = 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L'
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

const b64url = (text: string) => Buffer.from(text).toString('base64url')

/** Planted secrets and look-alikes for one seed. */
export function buildCorpus(seed: number): { planted: PlantedSecret[]; lookalikes: string[] } {
  const random = rng(seed)
  const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')
  const digits = (n: number) => pick('0123456789', n)
  const checksummed = (prefix: string) => {
    const body = pick(ALNUM, 30)
    let value = crc32(body)
    let check = ''
    while (value > 0) {
      check = BASE62[value % 62] + check
      value = Math.floor(value / 62)
    }
    return `${prefix}${body}${check.padStart(6, '0')}`
  }
  const pem = (label: string, escaped = false) => {
    const lines = Array.from({ length: 8 }, () => pick(B64, 64))
    const nl = escaped ? '\\n' : '\n'
    return [`-----BEGIN ${label}-----`, ...lines, `${pick(B64, 20)}==`, `-----END ${label}-----`].join(nl)
  }
  const jwt = () =>
    `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify({ sub: digits(8), name: 'Ada', iat: 1767225600 }))}.${pick(B64URL, 43)}`

  const planted: PlantedSecret[] = []
  const plant = (kind: string, secret: string, context: (secret: string) => string) => planted.push({ kind, secret, text: context(secret) })

  plant('private-key', pem('RSA PRIVATE KEY'), (s) => `Here is the deploy key I use:\n\n${s}\n\nit lives in ~/.ssh/deploy.`)
  plant('private-key', pem('OPENSSH PRIVATE KEY'), (s) => `cat ~/.ssh/id_ed25519\n${s}\n`)
  plant('private-key', pem('EC PRIVATE KEY', true), (s) => `{"key": "${s}", "alg": "ES256"}`)
  plant('private-key', pem('PRIVATE KEY').split('-----END')[0]!.trimEnd(), (s) => `output was cut off:\n${s}`)
  plant('anthropic-api-key', `sk-ant-api03-${pick(B64URL, 93)}AA`, (s) => `export ANTHROPIC_API_KEY=${s}`)
  plant('anthropic-api-key', `sk-ant-admin01-${pick(B64URL, 93)}AA`, (s) => `I pasted ${s} into the admin console`)
  plant('openrouter-api-key', `sk-or-v1-${pick(HEX, 64)}`, (s) => `OPENROUTER_API_KEY="${s}"`)
  plant('openai-api-key', `sk-proj-${pick(B64URL, 74)}T3BlbkFJ${pick(B64URL, 74)}`, (s) => `client = OpenAI(api_key="${s}")`)
  plant('openai-api-key', `sk-${pick(ALNUM, 20)}T3BlbkFJ${pick(ALNUM, 20)}`, (s) => `My key is ${s}, why does it 401?`)
  plant('openai-api-key', `sk-svcacct-${pick(B64URL, 74)}T3BlbkFJ${pick(B64URL, 74)}`, (s) => `OPENAI_API_KEY=${s}`)
  plant('openai-api-key', `sk-${pick(HEX, 32)}`, (s) => `deepseek client uses ${s} as the key`)
  plant('google-api-key', `AIza${pick(B64URL, 35)}`, (s) => `const firebaseConfig = { apiKey: "${s}", projectId: "demo" }`)
  plant('google-oauth-secret', `GOCSPX-${pick(B64URL, 28)}`, (s) => `"client_secret":"${s}"`)
  plant('google-oauth-token', `ya29.${pick(B64URL, 120)}`, (s) => `gcloud auth print-access-token → ${s}`)
  for (const prefix of ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_']) {
    plant('github-token', checksummed(prefix), (s) => `git remote set-url origin https://x-access-token:${s}@github.com/acme/app.git`)
  }
  plant('github-token', checksummed('ghp_'), (s) => `GITHUB_TOKEN=${s} gh pr list`)
  plant('github-token', `github_pat_${pick(ALNUM, 22)}_${pick(ALNUM, 59)}`, (s) => `token: ${s}`)
  plant('gitlab-token', `glpat-${pick(B64URL, 20)}`, (s) => `curl --header "PRIVATE-TOKEN: ${s}" https://gitlab.com/api/v4/projects`)
  plant('npm-token', checksummed('npm_'), (s) => `//registry.npmjs.org/:_authToken=${s}`)
  plant('pypi-token', `pypi-AgEIcHlwaS5vcmc${pick(B64URL, 120)}`, (s) => `[pypi]\nusername = __token__\npassword = ${s}`)
  plant('aws-access-key-id', `AKIA${pick(BASE32, 16)}`, (s) => `aws_access_key_id = ${s}`)
  plant('aws-access-key-id', `ASIA${pick(BASE32, 16)}`, (s) => `"AccessKeyId": "${s}",`)
  plant('aws-secret-access-key', pick(B64, 40), (s) => `[default]\naws_secret_access_key = ${s}\nregion = eu-west-1`)
  plant('aws-secret-access-key', pick(B64, 40), (s) => `{"SecretAccessKey": "${s}", "SessionToken": null}`)
  plant('slack-token', `xoxb-${digits(11)}-${digits(13)}-${pick(ALNUM, 24)}`, (s) => `SLACK_BOT_TOKEN=${s}`)
  plant('slack-token', `xoxp-${digits(11)}-${digits(11)}-${digits(13)}-${pick(HEX, 32)}`, (s) => `the user token ${s} expired`)
  plant('slack-token', `xapp-1-A${pick(BASE32, 10)}-${digits(13)}-${pick(HEX, 64)}`, (s) => `app-level token: ${s}`)
  plant('slack-webhook', `https://hooks.slack.com/services/T${pick(BASE32, 8)}/B${pick(BASE32, 10)}/${pick(ALNUM, 24)}`, (s) => `curl -X POST -d '{"text":"hi"}' ${s}`)
  plant('stripe-key', `sk_live_${pick(ALNUM, 99)}`, (s) => `stripe.api_key = "${s}"`)
  plant('stripe-key', `rk_live_${pick(ALNUM, 24)}`, (s) => `restricted key ${s}`)
  plant('stripe-key', `sk_test_${pick(ALNUM, 24)}`, (s) => `STRIPE_SECRET_KEY=${s}`)
  plant('stripe-key', `whsec_${pick(ALNUM, 32)}`, (s) => `endpointSecret = '${s}';`)
  plant('twilio-api-key', `SK${pick(HEX, 32)}`, (s) => `client = Client("${s}", api_secret)`)
  plant('sendgrid-api-key', `SG.${pick(B64URL, 22)}.${pick(B64URL, 43)}`, (s) => `sgMail.setApiKey('${s}')`)
  plant('huggingface-token', `hf_${pick(LETTERS, 34)}`, (s) => `huggingface-cli login --token ${s}`)
  plant('groq-api-key', `gsk_${pick(ALNUM, 52)}`, (s) => `GROQ_API_KEY=${s}`)
  plant('xai-api-key', `xai-${pick(ALNUM, 80)}`, (s) => `XAI_API_KEY=${s}`)
  plant('perplexity-api-key', `pplx-${pick(ALNUM, 48)}`, (s) => `Authorization header built from ${s}`)
  plant('replicate-token', `r8_${pick(ALNUM, 37)}`, (s) => `REPLICATE_API_TOKEN=${s}`)
  plant('digitalocean-token', `dop_v1_${pick(HEX, 64)}`, (s) => `doctl auth init -t ${s}`)
  plant('shopify-token', `shpat_${pick(HEX, 32)}`, (s) => `X-Shopify-Access-Token: ${s}`)
  plant('databricks-token', `dapi${pick(HEX, 32)}`, (s) => `DATABRICKS_TOKEN=${s}`)
  plant('linear-api-key', `lin_api_${pick(ALNUM, 40)}`, (s) => `LINEAR_API_KEY=${s}`)
  plant('notion-token', `ntn_${pick(ALNUM, 46)}`, (s) => `const notion = new Client({ auth: "${s}" })`)
  plant('notion-token', `secret_${pick(ALNUM, 43)}`, (s) => `NOTION_TOKEN=${s}`)
  plant('age-secret-key', `AGE-SECRET-KEY-1${pick(BECH32, 58)}`, (s) => `# created: 2026-01-08\n# public key: age1${pick(BECH32.toLowerCase(), 58)}\n${s}`)
  plant('telegram-bot-token', `${digits(10)}:AA${pick(B64URL, 33)}`, (s) => `bot = telebot.TeleBot("${s}")`)
  plant('azure-storage-key', `${pick(B64, 86)}==`, (s) => `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${s};EndpointSuffix=core.windows.net`)
  plant('jwt', jwt(), (s) => `the cookie holds ${s} and expires hourly`)
  plant('jwt', jwt(), (s) => `{"id_token": "${s}"}`)
  plant('basic-auth', Buffer.from(`admin:${pick(ALNUM, 12)}`).toString('base64'), (s) => `curl -H "Authorization: Basic ${s}" http://localhost:9200`)
  plant('bearer-token', pick(B64URL, 40), (s) => `curl -H "Authorization: Bearer ${s}" https://api.acme.dev/v1/me`)
  plant('bearer-token', `${pick(ALNUM, 24)}.${pick(ALNUM, 16)}`, (s) => `headers = {"Authorization": "Bearer ${s}"}`)
  plant('url-password', `S3cr3t!${pick(ALNUM, 6)}`, (s) => `DATABASE_URL=postgres://app:${s}@db.internal:5432/app`)
  plant('url-password', `p4ss${digits(4)}`, (s) => `redis-cli -u redis://:${s}@localhost:6379/0`)
  plant('url-password', `hunter${digits(3)}`, (s) => `mongodb+srv://admin:${s}@cluster0.ab1cd.mongodb.net/?retryWrites=true`)
  plant('url-password', pick(ALNUM, 10), (s) => `pip install git+https://build:${s}@git.acme.dev/tools.git`)
  plant('password', `Tr0ub4dor&${digits(1)}`, (s) => `DB_PASSWORD=${s}`)
  plant('password', `hunter${digits(2)}!`, (s) => `{"username": "ada", "password": "${s}"}`)
  plant('password', `letmein${digits(3)}`, (s) => `spring:\n  datasource:\n    password: "${s}"`)
  plant('password', `s3cr3t-${pick(ALNUM, 4)}`, (s) => `PGPASSWORD=${s} psql -h localhost -U app`)
  plant('password', `Sup3rS3cret${digits(2)}`, (s) => `mysql --user=root --password=${s} shop`)
  plant('password', `x9!k2m${digits(2)}`, (s) => `the body was {\\"user\\": \\"ada\\", \\"password\\": \\"${s}\\"}`)
  plant('password', `Pa55w0rd${digits(2)}`, (s) => `smtp:\n  user: mailer\n  password: ${s}\n`)
  plant('password', `${pick(ALNUM, 6)}#${digits(2)}`, (s) => `const config = { host: "db", passwd: '${s}' }`)
  plant('secret', pick(HEX, 32), (s) => `api_key = "${s}"`)
  plant('secret', pick(ALNUM, 40), (s) => `client_secret: ${s}`)
  plant('secret', pick(B64URL, 48), (s) => `{"access_token": "${s}", "token_type": "bearer"}`)
  plant('secret', pick(ALNUM, 50), (s) => `SECRET_KEY=${s}`)
  plant('secret', pick(ALNUM, 32), (s) => `MAPBOX_TOKEN='${s}'`)

  const uuid = () => `${pick(HEX, 8)}-${pick(HEX, 4)}-4${pick(HEX, 3)}-a${pick(HEX, 3)}-${pick(HEX, 12)}`
  const lookalikes = [
    // identifiers of every kind
    `session ${uuid()} was harvested from ${uuid()}.jsonl`,
    `commit ${pick(HEX, 40)} (HEAD -> main), parent ${pick(HEX, 7)}`,
    `git cherry-pick ${pick(HEX, 40)} ${pick(HEX, 40)}`,
    `sha256: ${pick(HEX, 64)}  chasm-linux-x64.tar.gz`,
    `md5 ${pick(HEX, 32)}`,
    `image: ghcr.io/acme/app@sha256:${pick(HEX, 64)}`,
    `<script src="/app.js" integrity="sha384-${pick(B64, 64)}" crossorigin="anonymous"></script>`,
    `![chart](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAA${pick(B64, 400)}=)`,
    `background: url("data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxNiIgaGVpZ2h0PSIxNiI+PC9zdmc+")`,
    `"integrity": "sha512-${pick(B64, 86)}=="`,
    `the etag was W/"${pick(HEX, 40)}"`,
    `request id req_${pick(ALNUM, 24)} failed`,
    `msg_${pick(ALNUM, 24)} and toolu_${pick(ALNUM, 24)} are Anthropic ids`,
    `chatcmpl-${pick(ALNUM, 29)} finished with stop`,
    `Cursor composer ${uuid()} bubble ${uuid()}`,
    `#ff8800 #${pick(HEX, 6)} rgb(1, 2, 3)`,
    `ipv6 fe80::${pick(HEX, 4)}:${pick(HEX, 4)}:${pick(HEX, 4)}:${pick(HEX, 4)}`,
    // words and code
    'pneumonoultramicroscopicsilicovolcanoconiosis and antidisestablishmentarianism are long words',
    'internationalization localization authentication authorization configuration',
    'const getUserAccountSettingsHandler = createAuthenticatedRequestHandler(userRepository)',
    'function validatePasswordStrengthAndComplexityRequirements(password: string): boolean',
    'interface LoginForm { username: string; password: string; rememberMe?: boolean }',
    'def login(username: str, password: str) -> Token:',
    'password = getpass.getpass("Password: ")',
    "const password = process.env.DB_PASSWORD ?? ''",
    'db.connect({ user, password: config.database.password })',
    'connect(host=host, user=user, password=db_password)',
    'if (password !== confirmPassword) setError("password", "Passwords must match")',
    'errors = { password: "must be at least 8 characters" }',
    'password: ${{ secrets.DB_PASSWORD }}',
    'PASSWORD=<your-password-here>',
    'password: "********"',
    'const token = await getAccessToken(); headers.Authorization = `Bearer ${token}`',
    'Authorization: Bearer <token>',
    'Authorization: Bearer $GITHUB_TOKEN',
    'headers: { Authorization: "Bearer " + apiKey }',
    'the Bearer authentication scheme is described in RFC 6750',
    'token: string | null',
    'api_key = os.environ["OPENAI_API_KEY"]',
    'OPENAI_API_KEY=sk-...',
    'client = OpenAI(api_key=settings.openai_api_key)',
    'secret_key: Optional[str] = None',
    'refresh_token: refreshTokenFromCookie',
    'access_token = response.json()["access_token"]',
    'const apiKey = "YOUR_API_KEY"',
    'task-management-dashboard-component and risk-assessment-report-generator',
    'npm i sk-learn-wrapper@2.0.1 ask-question-tool',
    'ghp_abcdefghijklmnopqrstuvwxyzABCD012345 is the example token from the docs',
    'hf_hub_download(repo_id="bert-base-uncased", filename="config.json")',
    'the column secret_santa_assignment_table stores pairs',
    'AKIAEXAMPLE is not long enough, AKIA-style ids have 20 characters',
    'rk_live is a Stripe prefix, as is sk_live_ (see the docs)',
    'version 1.2.3-beta.4+build.5678 and 2026.01.08',
    // URLs without passwords
    'https://github.com/acme/app/pull/1234#issuecomment-567890',
    'postgres://localhost:5432/app?sslmode=disable',
    'https://user@github.com/acme/app.git',
    'ssh://git@github.com:22/acme/app.git and git@github.com:acme/app.git',
    'http://[::1]:8787/api/sessions?limit=50&offset=0',
    'http://localhost:8787/@vite/client',
    'mailto:ada@example.com and ada.lovelace+chasm@example.co.uk',
    'https://example.com/search?q=a:b@c',
    // JWT-looking text that is not a JWT: the header has no alg
    `${b64url('{"foo":"bar"}')}.${b64url('{"x":1}')}.${pick(B64URL, 10)}`,
    'file.name.ext and a.b.c.d dotted.property.chain.value',
    'timestamps 2026-01-08T12:00:00.000Z and 1767225600000',
  ]
  return { planted, lookalikes }
}
