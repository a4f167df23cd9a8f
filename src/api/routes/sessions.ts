import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { getSession, listSessions, PAGE_SIZES, SessionDetail, SessionOrigin, SessionSummary } from '../../db'
import { MAX_QUERY_CHARS, MAX_QUERY_TERMS, SearchResult, SearchSort } from '../../search'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS, Ok, ok, Paged, paged } from '../envelope'
import { LimitParam, pageOf, PageParams, QueryObject, TextParam, TimeParam } from './query'

const SessionQuery = QueryObject({
  workspace: TextParam('only sessions of this workspace id'),
  provider: TextParam('only sessions of this provider'),
  origin: Type.Optional(SessionOrigin),
  from: TimeParam('from', 'only sessions updated at or after this time (ISO-8601 or epoch ms)'),
  to: TimeParam('to', 'only sessions updated before this time (ISO-8601 or epoch ms)'),
  ...PageParams(PAGE_SIZES.sessions),
})

const SearchQuery = QueryObject({
  q: Type.String({
    minLength: 1,
    maxLength: MAX_QUERY_CHARS,
    pattern: '\\S',
    description: `words (all must match), "exact phrase", prefix*; case- and accent-insensitive; at most ${MAX_QUERY_TERMS} terms`,
  }),
  limit: LimitParam(PAGE_SIZES.search),
  workspace: TextParam('only sessions of this workspace id'),
  provider: TextParam('only sessions of this provider'),
  sort: Type.Optional(SearchSort),
})

/** `/api/sessions`: list, full-text search, detail. */
export const sessionRoutes = ({ chasm, search }: AppDeps) =>
  new Elysia({ name: 'routes-sessions', prefix: '/api/sessions', detail: { tags: ['Sessions'] } })
    .get(
      '',
      ({ query }) =>
        paged(
          listSessions(
            chasm.sqlite,
            { workspace: query.workspace, provider: query.provider, origin: query.origin, from: query.from, to: query.to },
            pageOf(query, PAGE_SIZES.sessions),
          ),
        ),
      { query: SessionQuery, response: { 200: Paged(SessionSummary), ...COMMON_ERRORS }, detail: { summary: 'List sessions, newest first' } },
    )
    .get(
      '/search',
      async ({ query }) =>
        ok(await search(query.q, { limit: query.limit ?? PAGE_SIZES.search.default, workspace: query.workspace, provider: query.provider, sort: query.sort })),
      {
        query: SearchQuery,
        response: { 200: Ok(Type.Array(SearchResult)), ...COMMON_ERRORS },
        detail: { summary: 'Full-text search (BM25), one result per session' },
      },
    )
    .get('/:id', ({ params }) => ok(getSession(chasm.sqlite, params.id)), {
      params: Type.Object({ id: Type.String() }),
      response: { 200: Ok(SessionDetail), ...COMMON_ERRORS },
      detail: { summary: 'A full session with its messages' },
    })
