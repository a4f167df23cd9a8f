import { Elysia } from 'elysia'
import './minified-names'
import type { AppDeps } from './deps'
import { agentRoutes } from './routes/agents'
import { docs } from './docs'
import { errorHandling } from './errors'
import { healthRoutes } from './routes/health'
import { providerRoutes } from './routes/providers'
import { recordingRoutes } from './routes/recording'
import { sessionRoutes } from './routes/sessions'
import { statsRoutes } from './routes/stats'
import { swarmRoutes } from './routes/swarms'
import { webRoutes } from './routes/web'
import { workspaceRoutes } from './routes/workspaces'
import { security } from './security'
import { routeMethods } from './route-methods'
import { recordingSocket } from './ws/recording'

/** The HTTP app: cross-cutting plugins first, then one plugin per resource. */
export function createApp(deps: AppDeps) {
  const methods = routeMethods()
  const app = new Elysia({ normalize: false })
    .use(security(deps.security, deps.peerAddress, deps.ownPort))
    .use(errorHandling(deps.log, methods.forPath))
    .use(docs(deps.version))
    .use(healthRoutes(deps))
    .use(workspaceRoutes(deps))
    .use(sessionRoutes(deps))
    .use(statsRoutes(deps))
    .use(providerRoutes(deps))
    .use(recordingRoutes(deps))
    .use(recordingSocket(deps))
    .use(agentRoutes(deps))
    .use(swarmRoutes(deps))
    .use(webRoutes())
  methods.register(app.routes)
  return app
}

export type App = ReturnType<typeof createApp>
