import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { Agent, AgentClone, AgentCreate, AgentUpdate, Deleted } from '../../agency'
import type { AppDeps } from '../deps'
import { refuseConversionTraps } from '../body-guard'
import { COMMON_ERRORS, ErrorBody, Ok, ok, Paged, paged } from '../envelope'
import { PAGE_SIZES } from '../../db'
import { pageOf, PageParams, QueryObject } from './query'

const PageQuery = QueryObject(PageParams(PAGE_SIZES.agents))
const IdParams = Type.Object({ id: Type.String() })
const WITH_CONFLICT = { ...COMMON_ERRORS, 409: ErrorBody }

/** `/api/v1/agents`: CRUD and clone; the rules live in the agency module. */
export const agentRoutes = ({ agency }: AppDeps) =>
  new Elysia({ name: 'routes-agents', prefix: '/api/v1/agents', detail: { tags: ['Agents'] } })
    .onTransform(refuseConversionTraps)
    .get('', ({ query }) => paged(agency.listAgents(pageOf(query, PAGE_SIZES.agents))), {
      query: PageQuery,
      response: { 200: Paged(Agent), ...COMMON_ERRORS },
      detail: { summary: 'List agents by name' },
    })
    .post('', ({ body, set }) => {
      set.status = 201
      return ok(agency.createAgent(body))
    }, {
      body: AgentCreate,
      response: { 201: Ok(Agent), ...WITH_CONFLICT },
      detail: { summary: 'Create an agent (the provider is inferred from the model unless given)' },
    })
    .get('/:id', ({ params }) => ok(agency.getAgent(params.id)), {
      params: IdParams,
      response: { 200: Ok(Agent), ...COMMON_ERRORS },
      detail: { summary: 'An agent' },
    })
    .put('/:id', ({ params, body }) => ok(agency.updateAgent(params.id, body)), {
      params: IdParams,
      body: AgentUpdate,
      response: { 200: Ok(Agent), ...WITH_CONFLICT },
      detail: { summary: 'Update an agent (partial); returns the updated agent' },
    })
    .delete('/:id', ({ params }) => {
      agency.deleteAgent(params.id)
      return ok({ id: params.id, deleted: true as const })
    }, {
      params: IdParams,
      response: { 200: Ok(Deleted), ...WITH_CONFLICT },
      detail: { summary: 'Delete an agent (409 while a swarm uses it)' },
    })
    .post('/:id/clone', ({ params, body, set }) => {
      set.status = 201
      return ok(agency.cloneAgent(params.id, body ?? {}))
    }, {
      params: IdParams,
      body: Type.Optional(AgentClone),
      response: { 201: Ok(Agent), ...WITH_CONFLICT },
      detail: { summary: 'Copy an agent, as `name` or `<name>-copy`, `-copy-2`, …' },
    })
