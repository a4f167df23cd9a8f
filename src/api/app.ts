import { Elysia } from 'elysia'
import './minified-names'
import type { AppDeps } from './deps'
import { agentRoutes } from './routes/agents'
import { docs } from './docs'
import { errorHandling } from './errors'
import { exportRoutes } from './routes/export'
import { harvestRoutes } from './routes/harvest'
import { healthReport, healthRoutes } from './routes/health'
import { mcpRoutes } from './routes/mcp'
import { providerRoutes } from './routes/providers'
import { recordingRoutes } from './routes/recording'
import { sessionRoutes } from './routes/sessions'
import { statsRoutes } from './routes/stats'
import { usageRoutes } from './routes/usage'
import { swarmRoutes } from './routes/swarms'
import { webRoutes } from './routes/web'
import { workspaceRoutes } from './routes/workspaces'
import { createGuard, guardPublic, security } from './security'
import { routeMethods } from './route-methods'
import { recordingSocket } from './ws/recording'

/**
 * The HTTP app: cross-cutting plugins first, then one plugin per resource. Health checks come from
 * monitors thousands of times a second, so a listening server also answers `GET /api/health` in
 * Bun's own router, through the same guard and report, without Elysia's per-request work (without
 * CORS only: its headers come from Elysia's hook).
 */
/** How Bun's own `Response.json` labels its answers. */
const JSON_TEXT = { headers: { 'content-type': 'application/json;charset=utf-8' } }

export function createApp(deps: AppDeps) {
  const methods = routeMethods()
  const guard = createGuard(deps.security, deps.peerAddress, deps.ownPort)
  const health = healthReport(deps)
  // Bun's router matched GET /api/health: a public path, so the public check is the whole guard.
  const native = (request: Request) => guardPublic(request.url) ?? new Response(health.json(), JSON_TEXT)
  const serve = deps.security.corsOrigins.length === 0 ? { routes: { '/api/health': { GET: native } } } : {}
  const app = new Elysia({ normalize: false, serve })
    .use(security(guard))
    .use(errorHandling(deps.log, methods.forPath))
    .use(docs(deps.version))
    .use(healthRoutes(health))
    .use(harvestRoutes(deps))
    .use(workspaceRoutes(deps))
    .use(sessionRoutes(deps))
    .use(exportRoutes(deps))
    .use(statsRoutes(deps))
    .use(usageRoutes(deps))
    .use(providerRoutes(deps))
    .use(recordingRoutes(deps))
    .use(recordingSocket(deps))
    .use(agentRoutes(deps))
    .use(swarmRoutes(deps))
    .use(mcpRoutes(deps))
    .use(webRoutes())
  methods.register(app.routes)
  return app
}

export type App = ReturnType<typeof createApp>
