import { Command, Option, UsageError } from 'clipanion'
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as t from 'typanion'
import { isLoopbackHost } from '../../../shared/net'
import { workspaceRoot } from '../../../agency'
import { DEFAULT_IDLE_SECONDS } from '../../../recording'
import { streamLogger } from '../../../shared/log'
import { VERSION } from '../../../shared/version'
import { BaseCommand } from '../../base-command'
import { pricesFrom } from '../../prices'

const isPort = t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(0, 65535)])

export class ApiServeCommand extends BaseCommand {
  static override paths = [['api', 'serve']]
  static override usage = Command.Usage({
    category: 'Server',
    description: 'Serve the REST + WebSocket API (and harvest in the background)',
    details: `
      Listens on 127.0.0.1:8787 by default; loopback clients need no token. Binding another address
      without --token generates a token, stores it in <data dir>/api-token and prints it once.
      Swagger UI: /swagger · OpenAPI: /swagger/json. Stops cleanly on Ctrl-C / SIGTERM.
    `,
    examples: [
      ['Serve on the default address', '$0 api serve'],
      ['Serve on the LAN with a token', '$0 api serve --host 0.0.0.0 --port 8787 --token "$(openssl rand -hex 32)"'],
      ['Serve a test database without harvesting', '$0 api serve --db ./test.db --no-harvest --port 0'],
    ],
  })

  host = Option.String('--host', '127.0.0.1', { description: 'Address to bind (default 127.0.0.1)' })
  port = Option.String('--port', '8787', { validator: isPort, description: 'Port (default 8787; 0 = any free port)' })
  token = Option.String('--token', { description: 'Bearer token required from clients (visible in the process list: prefer --token-file or CHASM_API_TOKEN)' })
  tokenFile = Option.String('--token-file', { description: 'Read the bearer token from this file (first line)' })
  corsOrigin = Option.Array('--cors-origin', { description: 'Allow this browser origin (repeatable)' })
  allowHost = Option.Array('--allow-host', { description: 'Accept this Host header from clients without a token (repeatable)' })
  noHarvest = Option.Boolean('--no-harvest', false, { description: 'Do not harvest in the background' })
  noWatch = Option.Boolean('--no-watch', false, { description: "Harvest periodically only: do not watch the assistants' files for changes" })
  allowTerminal = Option.Boolean('--allow-terminal', false, { description: "Let agents' terminal tool run shell commands in a run's workspace" })
  allowHttpTool = Option.Boolean('--allow-http-tool', false, { description: "Let agents' http_request tool make HTTP requests (public addresses only)" })
  workspaceRoot = Option.String('--workspace-root', { description: 'Workspaces given to a swarm run must lie inside this folder' })
  harvestInterval = Option.String('--harvest-interval', '300', {
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(0)]),
    description: 'Seconds between background harvests (default 300; 0 = only at start)',
  })
  prices = Option.String('--prices', { description: 'Price table of /api/usage instead of the embedded one (JSON)' })
  recordingIdle = Option.String('--recording-idle', String(DEFAULT_IDLE_SECONDS), {
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(1)]),
    description: `Seconds without events after which a recorded session is idle (default ${DEFAULT_IDLE_SECONDS})`,
  })

  override async execute(): Promise<number> {
    const { stdout, stderr } = this.context
    const log = streamLogger((line) => stderr.write(line))
    const { token, generated } = this.resolveToken()
    const prices = await pricesFrom(this.prices)
    const root = this.workspaceRoot === undefined ? null : workspaceRoot(this.workspaceRoot)
    const busyTimeoutMs = this.busyTimeoutMs()
    if (this.allowTerminal && this.token) log.warn('--token is readable in the process list, by terminal commands too; prefer --token-file or CHASM_API_TOKEN')
    // Loaded here so other commands never pay for the HTTP stack at startup.
    const { startServer } = await import('../../../server')
    const server = await startServer({
      dbPath: this.dbPath,
      busyTimeoutMs,
      dataDir: this.dataDirectory,
      host: this.host,
      port: Number(this.port),
      security: {
        token,
        tokenGenerated: generated,
        allowHosts: (this.allowHost ?? []).map((h) => h.toLowerCase()),
        corsOrigins: this.corsOrigin ?? [],
        maxBodyBytes: 10 * 1024 * 1024,
      },
      env: this.context.runtime.env,
      providerContext: this.providerContext(),
      harvest: !this.noHarvest,
      harvestIntervalSeconds: Number(this.harvestInterval),
      watch: !this.noWatch,
      recordingIdleSeconds: Number(this.recordingIdle),
      agency: { workspaceRoot: root, allowTerminal: this.allowTerminal, allowHttpTool: this.allowHttpTool },
      prices,
      log,
    })
    stdout.write(`chasm ${VERSION} listening on ${server.url.origin} (database ${server.deps.chasm.path})\n`)
    if (generated && token) {
      stdout.write(`API token for non-loopback clients (stored in ${this.generatedTokenPath()}):\n  ${token}\n`)
    }
    const signal = await this.shutdown()
    stderr.write(`received ${signal}, shutting down\n`)
    await server.stop()
    return 0
  }

  private generatedTokenPath(): string {
    return join(this.dataDirectory, 'api-token')
  }

  /** The token in `--token-file` (its first line), or null without the flag; a missing or empty file is an error. */
  private readTokenFile(): string | null {
    if (this.tokenFile === undefined) return null
    let text: string
    try {
      text = readFileSync(this.tokenFile, 'utf8')
    } catch (error) {
      throw new UsageError(`cannot read --token-file ${this.tokenFile}: ${(error as Error).message}`)
    }
    const token = text.split(/\r?\n/)[0]!.trim()
    if (!token) throw new UsageError(`--token-file ${this.tokenFile} is empty: put the token on its first line`)
    return token
  }

  /** The explicit token (flag, file or variable), or for a non-loopback bind a stored/generated one (mode 0600). */
  private resolveToken(): { token: string | null; generated: boolean } {
    const explicit = this.token || this.readTokenFile() || this.context.runtime.env.CHASM_API_TOKEN
    if (explicit) return { token: explicit, generated: false }
    if (isLoopbackHost(this.host)) return { token: null, generated: false }
    const file = this.generatedTokenPath()
    if (existsSync(file)) {
      const stored = readFileSync(file, 'utf8').trim()
      if (stored) return { token: stored, generated: true }
    }
    const token = randomBytes(32).toString('hex')
    mkdirSync(this.dataDirectory, { recursive: true })
    writeFileSync(file, `${token}\n`, { mode: 0o600 })
    chmodSync(file, 0o600)
    return { token, generated: true }
  }
}
