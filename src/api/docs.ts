import { openapi } from '@elysiajs/openapi'
import { Elysia } from 'elysia'
import { completeSpec, type OpenApiDocument } from './openapi-spec'
// Embedded in the compiled binary: the docs page must work offline, never from a CDN.
import swaggerBundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' }
import swaggerCss from 'swagger-ui-dist/swagger-ui.css' with { type: 'file' }

const ASSETS = '/swagger/assets'

const SPEC_PATH = '/swagger/json'

/**
 * OpenAPI 3.1 at `/swagger/json` and Swagger UI at `/swagger` (and `/swagger/`), with locally
 * served assets. The generated document is completed per request (`completeSpec`): operation ids,
 * security, error responses, and the server as the client reached it.
 */
export const docs = (version: string) =>
  new Elysia({ name: 'chasm-docs' })
    .onAfterHandle(({ path, request, response }) =>
      path === SPEC_PATH ? completeSpec(response as OpenApiDocument, new URL(request.url).origin) : undefined,
    )
    .get(`${ASSETS}/swagger-ui-bundle.js`, () => new Response(Bun.file(swaggerBundle), { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' } }), { detail: { hide: true } })
    .get(`${ASSETS}/swagger-ui.css`, () => new Response(Bun.file(swaggerCss), { headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' } }), { detail: { hide: true } })
    .use(
      openapi({
        path: '/swagger',
        specPath: SPEC_PATH,
        provider: 'swagger-ui',
        embedSpec: true,
        exclude: { paths: [`${ASSETS}/swagger-ui-bundle.js`, `${ASSETS}/swagger-ui.css`] },
        // An absolute spec URL: the plugin's relative one breaks at `/swagger/`. Authorization is kept
        // across reloads so a token entered once keeps working.
        swagger: { cdn: `${ASSETS}/swagger-ui-bundle.js`, theme: `${ASSETS}/swagger-ui.css`, validatorUrl: 'none', autoDarkMode: false, url: SPEC_PATH, persistAuthorization: true } as Record<string, unknown>,
        documentation: {
          info: {
            title: 'chasm API',
            version,
            description: 'Chat histories of AI coding assistants: harvest, record, search, and run agent swarms.',
          },
          tags: [
            { name: 'System', description: 'Health, statistics and providers' },
            { name: 'Workspaces', description: 'Project folders as each provider sees them' },
            { name: 'Sessions', description: 'Conversations and full-text search' },
            { name: 'Recording', description: 'Live recording of conversations: events, snapshots, recovery, WebSocket' },
          ],
          components: {
            securitySchemes: {
              bearer: {
                type: 'http',
                scheme: 'bearer',
                description:
                  'The token of `--token`, `--token-file` or `CHASM_API_TOKEN` (or the one generated for a non-loopback bind). ' +
                  'Loopback clients of a server started without a token need none, so every operation lists "bearer, or nothing". ' +
                  'Swagger UI: click Authorize, paste the token, and "Try it out" sends it.',
              },
            },
          },
        },
      }),
    )
