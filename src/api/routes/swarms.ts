import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { Run, RunListItem, RunStart, RunStarted, Swarm, SwarmCreate, SwarmUpdate, Deleted } from '../../agency'
import type { AppDeps } from '../deps'
import { refuseConversionTraps } from '../body-guard'
import { COMMON_ERRORS, ErrorBody, Ok, ok, Paged, paged } from '../envelope'
import { PAGE_SIZES } from '../../db'
import { pageOf, PageParams, QueryObject } from './query'

const SwarmPage = QueryObject(PageParams(PAGE_SIZES.swarms))
const RunPage = QueryObject(PageParams(PAGE_SIZES.runs))
const IdParams = Type.Object({ id: Type.String() })
const WITH_CONFLICT = { ...COMMON_ERRORS, 409: ErrorBody }

/** `/api/v1/swarms`: CRUD, the run controls (start, pause, resume, stop) and run history. */
export const swarmRoutes = ({ agency }: AppDeps) =>
  new Elysia({ name: 'routes-swarms', prefix: '/api/v1/swarms', detail: { tags: ['Swarms'] } })
    .onTransform(refuseConversionTraps)
    .get('', ({ query }) => paged(agency.listSwarms(pageOf(query, PAGE_SIZES.swarms))), {
      query: SwarmPage,
      response: { 200: Paged(Swarm), ...COMMON_ERRORS },
      detail: { summary: 'List swarms by name' },
    })
    .post('', ({ body, set }) => {
      set.status = 201
      return ok(agency.createSwarm(body))
    }, {
      body: SwarmCreate,
      response: { 201: Ok(Swarm), ...WITH_CONFLICT },
      detail: { summary: 'Create a swarm; coordinator and workers are agent names (or ids)' },
    })
    .get('/:id', ({ params }) => ok(agency.getSwarm(params.id)), {
      params: IdParams,
      response: { 200: Ok(Swarm), ...COMMON_ERRORS },
      detail: { summary: 'A swarm with its status and last run' },
    })
    .put('/:id', ({ params, body }) => ok(agency.updateSwarm(params.id, body)), {
      params: IdParams,
      body: SwarmUpdate,
      response: { 200: Ok(Swarm), ...WITH_CONFLICT },
      detail: { summary: 'Update a swarm (partial); a live run keeps the agents it started with' },
    })
    .delete('/:id', async ({ params }) => {
      await agency.deleteSwarm(params.id)
      return ok({ id: params.id, deleted: true as const })
    }, {
      params: IdParams,
      response: { 200: Ok(Deleted), ...COMMON_ERRORS },
      detail: { summary: 'Delete a swarm and its runs, stopping a live run first' },
    })
    .post('/:id/start', ({ params, body, set }) => {
      set.status = 202
      return ok(agency.startRun(params.id, body).run)
    }, {
      params: IdParams,
      body: RunStart,
      response: { 202: Ok(RunStarted), ...WITH_CONFLICT },
      detail: {
        summary: 'Start a run in the background (from idle, completed, failed or stopped)',
        description:
          'Watch it live: subscribe to `sessionId` on /ws/recording, or poll GET /:id/runs/:runId. 400 PROVIDER_NOT_CONFIGURED when a model lacks credentials.',
      },
    })
    .post('/:id/pause', ({ params }) => ok(agency.pause(params.id)), {
      params: IdParams,
      response: { 200: Ok(Swarm), ...WITH_CONFLICT },
      detail: { summary: 'Pause at the next step boundary (from running)' },
    })
    .post('/:id/resume', ({ params }) => ok(agency.resume(params.id)), {
      params: IdParams,
      response: { 200: Ok(Swarm), ...WITH_CONFLICT },
      detail: { summary: 'Resume where the run paused (from paused)' },
    })
    .post('/:id/stop', async ({ params }) => ok(await agency.stop(params.id)), {
      params: IdParams,
      response: { 200: Ok(Swarm), ...WITH_CONFLICT },
      detail: { summary: 'Stop the run, aborting in-flight calls (from running or paused)' },
    })
    .get('/:id/runs', ({ params, query }) => paged(agency.listRuns(params.id, pageOf(query, PAGE_SIZES.runs))), {
      params: IdParams,
      query: RunPage,
      response: { 200: Paged(RunListItem), ...COMMON_ERRORS },
      detail: { summary: "A swarm's runs, newest first" },
    })
    .get('/:id/runs/:runId', ({ params }) => ok(agency.getRun(params.id, params.runId)), {
      params: Type.Object({ id: Type.String(), runId: Type.String() }),
      response: { 200: Ok(Run), ...COMMON_ERRORS },
      detail: { summary: 'A run with every step: model calls, tool calls, tokens, timing' },
    })
