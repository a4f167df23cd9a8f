import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { databaseProbe } from '../../db'
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
    lastRunAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    live: Type.Union(
      [
        Type.Object({
          mode: Type.Union([Type.Literal('events'), Type.Literal('polling'), Type.Literal('off')], {
            description: 'events: native file events on every watched location; polling: some are rescanned periodically; off: nothing to watch',
          }),
          roots: Type.Integer({ minimum: 0, description: 'provider locations watched' }),
          passes: Type.Integer({ minimum: 0, description: 'live passes since start (each reads one provider’s changed files)' }),
          lastPassAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        }),
        Type.Null(),
      ],
      { description: "live harvest: the providers' files are watched and read as they change; null when not watching" },
    ),
  }),
})

/** `GET /api/health`: liveness, version, database and harvest state. */
export const healthRoutes = ({ chasm, version, clock, startedAt, harvest }: AppDeps) => {
  const databaseState = databaseProbe(chasm)
  return new Elysia({ name: 'routes-health' }).get(
    '/api/health',
    () => {
      const { state, lastRunAt, lastError, live } = harvest.state()
      return ok({
        status: 'healthy' as const,
        version,
        uptimeSeconds: Math.floor((clock() - startedAt) / 1000),
        database: databaseState() ? ('ok' as const) : ('error' as const),
        harvest: { state, lastRunAt: toIso(lastRunAt), lastError, live: live && { ...live, lastPassAt: toIso(live.lastPassAt) } },
      })
    },
    { response: { 200: Ok(Health) }, detail: { tags: ['System'], summary: 'Server health and version' } },
  )
}
