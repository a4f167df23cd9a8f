import { Type, type Static } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { databaseProbe, IsoTime, Nullable } from '../../db'
import { toIso } from '../../shared/time'
import type { AppDeps } from '../deps'
import { Ok, ok } from '../envelope'
import { jsonResponse } from '../openapi-spec'

export const Health = Type.Object({
  status: Type.Literal('healthy'),
  version: Type.String(),
  uptimeSeconds: Type.Integer({ minimum: 0 }),
  database: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  harvest: Type.Object({
    state: Type.Union([Type.Literal('idle'), Type.Literal('running')]),
    lastRunAt: Nullable(IsoTime),
    lastError: Type.Union([Type.String(), Type.Null()]),
    live: Type.Union(
      [
        Type.Object({
          mode: Type.Union([Type.Literal('events'), Type.Literal('polling'), Type.Literal('off')], {
            description: 'events: native file events on every watched location; polling: some are rescanned periodically; off: nothing to watch',
          }),
          roots: Type.Integer({ minimum: 0, description: 'provider locations watched' }),
          passes: Type.Integer({ minimum: 0, description: 'live passes since start (each reads one provider’s changed files)' }),
          lastPassAt: Nullable(IsoTime),
        }),
        Type.Null(),
      ],
      { description: "live harvest: the providers' files are watched and read as they change; null when not watching" },
    ),
  }),
})

const HealthResponse = Ok(Health)
type HealthResponse = Static<typeof HealthResponse>

/** The health answer of a running server, as an object (Elysia's route) and as JSON text (Bun's). */
export interface HealthReport {
  answer(): HealthResponse
  json(): string
}

/**
 * The health answer, built again only when something in it changed: the uptime's second, the
 * harvest state (the harvest thread sends a new object when it changes) or the database probe.
 * Monitors ask thousands of times a second; most of them get the same text.
 */
export function healthReport({ chasm, version, clock, startedAt, harvest }: AppDeps): HealthReport {
  const databaseState = databaseProbe(chasm, clock)
  let last: { harvest: ReturnType<typeof harvest.state>; uptimeSeconds: number; database: boolean; answer: HealthResponse; json: string | null } | null = null
  const current = () => {
    const state = harvest.state()
    const uptimeSeconds = Math.floor((clock() - startedAt) / 1000)
    const database = databaseState()
    if (last && last.harvest === state && last.uptimeSeconds === uptimeSeconds && last.database === database) return last
    const { state: running, lastRunAt, lastError, live } = state
    const answer = ok({
      status: 'healthy' as const,
      version,
      uptimeSeconds,
      database: database ? ('ok' as const) : ('error' as const),
      harvest: { state: running, lastRunAt: toIso(lastRunAt), lastError, live: live && { ...live, lastPassAt: toIso(live.lastPassAt) } },
    })
    return (last = { harvest: state, uptimeSeconds, database, answer, json: null })
  }
  return {
    answer: () => current().answer,
    json() {
      const entry = current()
      return (entry.json ??= JSON.stringify(entry.answer))
    },
  }
}

/**
 * `GET /api/health`: liveness, version, database and harvest state. The hottest route: its answer
 * is checked against the schema by the compiler (`Static`), not per request, and the schema is
 * published for OpenAPI through `detail`. A listening server answers it natively too (`app.ts`).
 */
export const healthRoutes = (report: HealthReport) =>
  new Elysia({ name: 'routes-health' }).get('/api/health', () => report.answer(), {
    detail: {
      tags: ['System'],
      summary: 'Server health and version',
      responses: { 200: jsonResponse(HealthResponse, 'The server is up') },
    },
  })
