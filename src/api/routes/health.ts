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
  }),
})

const HealthResponse = Ok(Health)
type HealthResponse = Static<typeof HealthResponse>

/** The health answer of a running server, computed per call. */
export function healthReport({ chasm, version, clock, startedAt, harvest }: AppDeps): () => HealthResponse {
  const databaseState = databaseProbe(chasm, clock)
  return () => {
    const { state, lastRunAt, lastError } = harvest.state()
    return ok({
      status: 'healthy' as const,
      version,
      uptimeSeconds: Math.floor((clock() - startedAt) / 1000),
      database: databaseState() ? ('ok' as const) : ('error' as const),
      harvest: { state, lastRunAt: toIso(lastRunAt), lastError },
    })
  }
}

/**
 * `GET /api/health`: liveness, version, database and harvest state. The hottest route: its answer
 * is checked against the schema by the compiler (`Static`), not per request, and the schema is
 * published for OpenAPI through `detail`. A listening server answers it natively too (`app.ts`).
 */
export const healthRoutes = (report: () => HealthResponse) =>
  new Elysia({ name: 'routes-health' }).get('/api/health', report, {
    detail: {
      tags: ['System'],
      summary: 'Server health and version',
      responses: { 200: jsonResponse(HealthResponse, 'The server is up') },
    },
  })
