import { Type } from '@sinclair/typebox'
import { Elysia } from 'elysia'
import { listProviders, ProviderInfo } from '../../harvest'
import type { AppDeps } from '../deps'
import { COMMON_ERRORS, Ok, ok } from '../envelope'

/** `GET /api/providers`: every supported provider with live detection. */
export const providerRoutes = ({ chasm, harvest }: AppDeps) =>
  new Elysia({ name: 'routes-providers' }).get(
    '/api/providers',
    async () => ok(await listProviders(chasm, harvest.providers, harvest.context)),
    {
      response: { 200: Ok(Type.Array(ProviderInfo)), ...COMMON_ERRORS },
      detail: { tags: ['System'], summary: 'Supported providers and their detection status' },
    },
  )
