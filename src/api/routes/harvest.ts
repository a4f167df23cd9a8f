import { Elysia } from 'elysia'
import { harvestStatus, HarvestStatus } from '../../harvest'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS, Ok, ok } from '../envelope'

/** `GET /api/harvest/status`: recent runs with their problems and the sources per provider, as `chasm harvest status --json`. */
export const harvestRoutes = ({ chasm }: AppDeps) =>
  new Elysia({ name: 'routes-harvest' }).get('/api/harvest/status', () => ok(harvestStatus(chasm)), {
    response: { 200: Ok(HarvestStatus), ...COMMON_ERRORS },
    detail: {
      tags: ['System'],
      summary: 'Recent harvest runs and their problems',
      description: "The newest runs first, each with how many problems it met and the first of them (provider, source, message); then each provider's sources.",
    },
  })
