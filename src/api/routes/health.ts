import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { databaseProbe, IsoTime, Nullable } from '../../db'
import { toIso } from '../../shared/time'
import type { AppDeps } from '../deps'
import { Ok, ok } from '../envelope'

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

/** `GET /api/health`: liveness, version, database and harvest state. */
export const healthRoutes = ({ chasm, version, clock, startedAt, harvest }: AppDeps) => {
  const databaseState = databaseProbe(chasm)
  return new Elysia({ name: 'routes-health' }).get(
    '/api/health',
    () => {
      const { state, lastRunAt, lastError } = harvest.state()
      return ok({
        status: 'healthy' as const,
        version,
        uptimeSeconds: Math.floor((clock() - startedAt) / 1000),
        database: databaseState() ? ('ok' as const) : ('error' as const),
        harvest: { state, lastRunAt: toIso(lastRunAt), lastError },
      })
    },
    { response: { 200: Ok(Health) }, detail: { tags: ['System'], summary: 'Server health and version' } },
  )
}
