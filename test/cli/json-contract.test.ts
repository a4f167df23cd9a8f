import { describe, expect, test } from 'bun:test'
import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ErrorBody } from '../../src/api'
import { ReportCommand } from '../../src/cli/base-command'
import { envelopeOf, type JsonOutput } from '../../src/cli/json-output'
import { runChasm } from '../support/cli'
import { registered, runScenario, SCENARIOS, WITHOUT_JSON, worldOfFile } from './support/world'

// Times in every output are the API's: ISO-8601 UTC with milliseconds, as `toISOString` writes them.
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => !Number.isNaN(Date.parse(value)))
const isoTime = (value: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(value) && new Date(value).toISOString() === value

/** Every string a schema declares as `date-time`, with where it is. */
function dateTimes(schema: unknown, value: unknown, at = ''): Array<[string, string]> {
  const s = schema as Record<string, any>
  if (value === null || value === undefined) return []
  if (s.format === 'date-time' && typeof value === 'string') return [[at, value]]
  if (s.anyOf) return s.anyOf.flatMap((option: unknown) => (Value.Check(option as never, value) ? dateTimes(option, value, at) : []))
  if (s.type === 'array' && Array.isArray(value)) return value.flatMap((item, i) => dateTimes(s.items, item, `${at}/${i}`))
  if (s.type === 'object' && typeof value === 'object') {
    const properties = Object.entries((s.properties ?? {}) as Record<string, unknown>).flatMap(([key, sub]) => dateTimes(sub, (value as any)[key], `${at}/${key}`))
    const records = s.patternProperties ? Object.entries(value as object).flatMap(([key, item]) => dateTimes(Object.values(s.patternProperties)[0], item, `${at}/${key}`)) : []
    return [...properties, ...records]
  }
  return []
}

/** The first schema error of a value, for a failure message that says what is wrong. */
const firstError = (schema: JsonOutput['schema'], value: unknown) => {
  const error = Value.Errors(schema, value).First()
  return error ? `${error.path}: ${error.message} (got ${JSON.stringify(error.value)?.slice(0, 200)})` : null
}

const world = worldOfFile()

const reportCommands = registered().filter(({ command }) => command.prototype instanceof ReportCommand)

describe('issue 15: one JSON contract for every command', () => {
  test('every registered command prints data with a declared schema and a scenario, or is listed as having no --json', () => {
    const problems = registered().flatMap(({ command, path }) => {
      if (path in WITHOUT_JSON) return command.prototype instanceof ReportCommand ? [`${path}: listed without --json, but it has it`] : []
      if (!(command.prototype instanceof ReportCommand)) return [`${path}: no --json (extend ReportCommand) and not in WITHOUT_JSON`]
      const declared = (command as unknown as typeof ReportCommand).jsonOutput
      return [...(declared ? [] : [`${path}: declares no jsonOutput`]), ...(path in SCENARIOS ? [] : [`${path}: no scenario in test/cli/support/world.ts`])]
    })
    expect(problems).toEqual([])
  })

  for (const { command, path } of reportCommands) {
    test(`${path} --json prints the envelope around its declared schema, with ISO times`, async () => {
      const output = (command as unknown as typeof ReportCommand).jsonOutput!
      const result = await runScenario(world(), path, ['--json'])
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' })
      const documents: unknown[] =
        output.kind === 'lines' ? result.stdout.trimEnd().split('\n').map((line) => JSON.parse(line)) : [JSON.parse(result.stdout)]
      expect(documents.length).toBeGreaterThan(0)
      const envelope = envelopeOf(output)
      for (const document of documents) {
        expect({ path, problem: firstError(envelope, document) }).toEqual({ path, problem: null })
        expect(dateTimes(envelope, document).filter(([, value]) => !isoTime(value))).toEqual([])
      }
    }, 30_000)
  }
})

describe('issue 15: errors with --json are the error envelope on stdout, with the exit code', () => {
  const errorOf = (stdout: string) => {
    const body = JSON.parse(stdout)
    expect(firstError(ErrorBody, body)).toBeNull()
    return body.error
  }

  test('every command that prints data fails the same way on a file that is not a database', async () => {
    const garbage = join(world().dir, 'not-a-database.db')
    writeFileSync(garbage, 'this is not SQLite '.repeat(100))
    for (const { path } of reportCommands) {
      const scenario = SCENARIOS[path]!(world())
      const result = await runChasm([...path.split(' '), ...scenario.args, '--db', garbage, '--json'], { ...world().models.env(), HOME: world().dir })
      expect({ path, code: result.code, error: errorOf(result.stdout).code }).toEqual({ path, code: 1, error: 'INTERNAL_ERROR' })
      expect(result.stderr).toStartWith('chasm: ')
    }
  }, 60_000)

  test('not found, conflict, usage errors and unknown commands', async () => {
    const db = world().db()
    const run = (argv: string[]) => runChasm([...argv, '--json'], world().models.env())
    const missing = await run(['show', 'session', 'nope', '--db', db])
    expect([missing.code, errorOf(missing.stdout)]).toEqual([1, { code: 'NOT_FOUND', message: 'Session not found: nope' }])
    expect(missing.stderr).toBe('chasm: Session not found: nope\n')
    const taken = await run(['agents', 'create', 'tech-lead', '--model', 'gpt-4o', '--instruction', 'x', '--db', db])
    expect([taken.code, errorOf(taken.stdout)]).toEqual([1, { code: 'CONFLICT', message: "an agent named 'tech-lead' already exists" }])
    const idle = await run(['swarm', 'pause', 'dev-team', '--db', db])
    expect([idle.code, errorOf(idle.stdout).code]).toEqual([1, 'CONFLICT'])
    const badLimit = await run(['list', 'sessions', '--limit', 'abc', '--db', db])
    expect([badLimit.code, errorOf(badLimit.stdout).code]).toEqual([2, 'BAD_REQUEST'])
    expect(errorOf(badLimit.stdout).message).toStartWith('Invalid value for --limit')
    const badOption = await run(['agents', 'create', 'x', '--model', 'gpt-4o', '--instruction', 'y', '--tool', 'rm', '--db', db])
    expect([badOption.code, errorOf(badOption.stdout)]).toEqual([2, { code: 'BAD_REQUEST', message: 'Invalid --tool: must be one of "file_read", "file_write", "terminal", "code_search", "http_request", "calculator" (got "rm")' }])
    const unknown = await run(['frobnicate'])
    expect([unknown.code, errorOf(unknown.stdout)]).toEqual([2, { code: 'BAD_REQUEST', message: "unknown command 'frobnicate --json'" }])
    // Without --json, stdout stays empty: the error is only the line on stderr.
    expect((await runChasm(['show', 'session', 'nope', '--db', db])).stdout).toBe('')
  })
})
