import { Elysia } from 'elysia'
import { getStats, Stats } from '../../db'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS, Ok, ok } from '../envelope'

/** `GET /api/stats`. */
export const statsRoutes = ({ chasm }: AppDeps) =>
  new Elysia({ name: 'routes-stats' }).get('/api/stats', () => ok(getStats(chasm.sqlite, chasm.path)), {
    response: { 200: Ok(Stats), ...COMMON_ERRORS },
    detail: { tags: ['System'], summary: 'Aggregate database statistics' },
  })
