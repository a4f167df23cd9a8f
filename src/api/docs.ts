import { openapi } from '@elysiajs/openapi'
import { Elysia } from 'elysia'
// Embedded in the compiled binary: the docs page must work offline, never from a CDN.
import swaggerBundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'file' }
import swaggerCss from 'swagger-ui-dist/swagger-ui.css' with { type: 'file' }

const ASSETS = '/swagger/assets'

/** OpenAPI 3.1 at `/swagger/json` and Swagger UI at `/swagger`, with locally served assets. */
export const docs = (version: string) =>
  new Elysia({ name: 'chasm-docs' })
    .get(`${ASSETS}/swagger-ui-bundle.js`, () => new Response(Bun.file(swaggerBundle), { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' } }), { detail: { hide: true } })
    .get(`${ASSETS}/swagger-ui.css`, () => new Response(Bun.file(swaggerCss), { headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' } }), { detail: { hide: true } })
    .use(
      openapi({
        path: '/swagger',
        specPath: '/swagger/json',
        provider: 'swagger-ui',
        embedSpec: true,
        exclude: { paths: [`${ASSETS}/swagger-ui-bundle.js`, `${ASSETS}/swagger-ui.css`] },
        swagger: { cdn: `${ASSETS}/swagger-ui-bundle.js`, theme: `${ASSETS}/swagger-ui.css`, validatorUrl: 'none', autoDarkMode: false },
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
            securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Needed for non-loopback clients or when --token is set' } },
          },
        },
      }),
    )
