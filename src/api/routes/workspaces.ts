import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { getWorkspace, listWorkspaces, PAGE_SIZES, Workspace, WorkspaceDetail } from '../../db'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS, Ok, ok, Paged, paged } from '../envelope'
import { pageOf, PageParams, QueryObject, TextParam } from './query'

const WorkspaceQuery = QueryObject({
  provider: TextParam('only workspaces of this provider'),
  q: TextParam('substring of the name or path'),
  ...PageParams(PAGE_SIZES.workspaces),
})

/** `/api/workspaces`: list and detail. */
export const workspaceRoutes = ({ chasm }: AppDeps) =>
  new Elysia({ name: 'routes-workspaces', prefix: '/api/workspaces', detail: { tags: ['Workspaces'] } })
    .get(
      '',
      ({ query }) =>
        paged(listWorkspaces(chasm.sqlite, { provider: query.provider, q: query.q }, pageOf(query, PAGE_SIZES.workspaces))),
      { query: WorkspaceQuery, response: { 200: Paged(Workspace), ...COMMON_ERRORS }, detail: { summary: 'List workspaces, newest first' } },
    )
    .get('/:id', ({ params }) => ok(getWorkspace(chasm.sqlite, params.id)), {
      params: Type.Object({ id: Type.String() }),
      response: { 200: Ok(WorkspaceDetail), ...COMMON_ERRORS },
      detail: { summary: 'A workspace with its sessions' },
    })
