/** The environment variables a child process of a tool receives, whatever else the server has (docs/security.md, "Agency tools"). */
const CHILD_VARIABLES = ['PATH', 'HOME', 'LANG', 'TERM', 'TMPDIR', 'USER', 'SHELL']
// cmd.exe and most programs on Windows do not start without these; none of them holds a secret.
const WINDOWS_CHILD_VARIABLES = ['SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR', 'COMSPEC', 'PATHEXT', 'TEMP', 'TMP', 'USERPROFILE', 'USERNAME']

/**
 * The environment for terminal commands: exactly PATH, HOME, LANG, LC_*, TERM, TMPDIR, USER, SHELL
 * (plus the system variables Windows needs) — no credential, token or cloud variable ever passes.
 */
export function childEnvironment(env: Record<string, string | undefined>, platform: NodeJS.Platform = process.platform): Record<string, string> {
  const windows = platform === 'win32'
  const allowed = new Set(windows ? [...CHILD_VARIABLES, ...WINDOWS_CHILD_VARIABLES] : CHILD_VARIABLES)
  const child: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    // Windows variable names are case-insensitive (`Path`, `SystemRoot`).
    const key = windows ? name.toUpperCase() : name
    if (value !== undefined && (allowed.has(key) || key.startsWith('LC_'))) child[name] = value
  }
  return child
}

// Model credentials and chasm's token, by name; other names that look like a credential, by pattern.
const SECRET_NAMES = new Set(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'CHASM_API_TOKEN'])
const SECRET_PATTERN = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)/i

/** True for a variable whose value is a credential (model keys, chasm's token, `*_TOKEN`, `*SECRET*`, `*_API_KEY`, …). */
export const isSecretVariable = (name: string): boolean => SECRET_NAMES.has(name.toUpperCase()) || SECRET_PATTERN.test(name)

/**
 * Moves the credentials out of a live environment (the server's `process.env`): returns a full copy
 * for the agency (which reads model keys from it at each run start) and deletes the secret variables
 * from `env`, so nothing that inherits or prints the process environment later sees them.
 */
export function withdrawSecrets(env: Record<string, string | undefined>): Record<string, string | undefined> {
  const copy = { ...env }
  for (const name of Object.keys(env)) if (isSecretVariable(name)) delete env[name]
  return copy
}

// Shorter values are too likely to occur in ordinary output to be masked.
const MIN_SECRET_LENGTH = 8

/** The values of the secret variables of `env`, plus `extra` (e.g. the API token), worth masking. */
export function secretValues(env: Record<string, string | undefined>, extra: readonly string[] = []): string[] {
  const values = Object.entries(env)
    .filter(([name, value]) => value !== undefined && isSecretVariable(name))
    .map(([, value]) => value!.trim())
  return [...new Set([...values, ...extra])].filter((value) => value.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length)
}

/** Masks every occurrence of `secrets` in a text (longest first, so a secret containing another is masked whole). */
export function redactor(secrets: readonly string[]): (text: string) => string {
  if (secrets.length === 0) return (text) => text
  return (text) => secrets.reduce((masked, secret) => masked.split(secret).join('[redacted]'), text)
}
