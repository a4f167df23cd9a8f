import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { getWorkspace, listWorkspaces, Workspace, WorkspaceDetail } from '../../db'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS, Ok, ok, Paged, paged } from '../envelope'
import { IntParam, QueryObject, TextParam } from './query'

const WorkspaceQuery = QueryObject({
  provider: TextParam('only workspaces of this provider'),
  q: TextParam('substring of the name or path'),
  limit: IntParam('limit', 1, 1000, 100, 'page size (1..1000)'),
  offset: IntParam('offset', 0, null, 0, 'items to skip'),
})

/** `/api/workspaces`: list and detail. */
export const workspaceRoutes = ({ chasm }: AppDeps) =>
  new Elysia({ name: 'routes-workspaces', prefix: '/api/workspaces', detail: { tags: ['Workspaces'] } })
    .get(
      '',
      ({ query }) =>
        paged(listWorkspaces(chasm.sqlite, { provider: query.provider, q: query.q }, { limit: query.limit ?? 100, offset: query.offset ?? 0 })),
      { query: WorkspaceQuery, response: { 200: Paged(Workspace), ...COMMON_ERRORS }, detail: { summary: 'List workspaces, newest first' } },
    )
    .get('/:id', ({ params }) => ok(getWorkspace(chasm.sqlite, params.id)), {
      params: Type.Object({ id: Type.String() }),
      response: { 200: Ok(WorkspaceDetail), ...COMMON_ERRORS },
      detail: { summary: 'A workspace with its sessions' },
    })
