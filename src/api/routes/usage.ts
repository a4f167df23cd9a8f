import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { PAGE_SIZES, UsageGroup, UsageRow } from '../../db'
import { EMBEDDED_PRICES, usageReport } from '../../usage'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS, Paged, paged } from '../envelope'
import { pageOf, PageParams, QueryObject, TextParam } from './query'

const DateParam = (description: string) =>
  Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: `a date as YYYY-MM-DD (UTC); ${description}` }))

const UsageQuery = QueryObject({
  groupBy: Type.Optional(Type.Union(UsageGroup.anyOf, { default: 'day', description: 'what one row sums: day (UTC), model, provider, workspace or session' })),
  from: DateParam('the first day counted'),
  to: DateParam('the last day counted'),
  provider: TextParam('only usage of this provider'),
  workspace: TextParam('only usage of this workspace id'),
  ...PageParams(PAGE_SIZES.usage),
})

/** `GET /api/usage`: tokens and cost per day, model, provider, workspace or session (docs/usage.md). */
export const usageRoutes = ({ chasm, prices }: AppDeps) =>
  new Elysia({ name: 'routes-usage' }).get(
    '/api/usage',
    ({ query }) =>
      paged(
        usageReport(
          chasm.sqlite,
          {
            groupBy: query.groupBy ?? 'day',
            from: query.from,
            to: query.to,
            provider: query.provider,
            workspace: query.workspace,
            ...pageOf(query, PAGE_SIZES.usage),
          },
          prices ?? EMBEDDED_PRICES,
        ),
      ),
    {
      query: UsageQuery,
      response: { 200: Paged(UsageRow), ...COMMON_ERRORS },
      detail: {
        tags: ['System'],
        summary: 'Token usage and cost',
        description:
          'Tokens the harvested and recorded messages used, summed per group, and what they cost by the price table (the embedded one, or `--prices FILE`). ' +
          'A row whose usage includes a model without a price has costUsd null and lists that model in unpricedModels: a partial sum is never given as a cost.',
      },
    },
  )
