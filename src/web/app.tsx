import type { ComponentChildren } from 'preact'
import { SearchBox } from './components/search-box'
import { TokenDialog } from './components/token-dialog'
import { AgentsPage } from './pages/agents'
import { LivePage } from './pages/live'
import { NotFoundPage } from './pages/not-found'
import { OverviewPage } from './pages/overview'
import { SearchPage } from './pages/search'
import { SessionPage } from './pages/session'
import { SessionsPage } from './pages/sessions'
import { SwarmPage } from './pages/swarm'
import { SwarmsPage } from './pages/swarms'
import { UsagePage } from './pages/usage'
import { WorkspacePage } from './pages/workspace'
import { WorkspacesPage } from './pages/workspaces'
import { match, place } from './router'

const NAV = [
  ['/', 'Overview'],
  ['/sessions', 'Sessions'],
  ['/workspaces', 'Workspaces'],
  ['/live', 'Live'],
  ['/agents', 'Agents'],
  ['/swarms', 'Swarms'],
  ['/usage', 'Usage'],
] as const

/** Every page and the path it answers; parameters are decoded. */
const ROUTES: [string, (params: Record<string, string>) => ComponentChildren][] = [
  ['/', () => <OverviewPage />],
  ['/sessions', () => <SessionsPage />],
  ['/sessions/:id', ({ id }) => <SessionPage key={id} id={id!} />],
  ['/search', () => <SearchPage />],
  ['/workspaces', () => <WorkspacesPage />],
  ['/workspaces/:id', ({ id }) => <WorkspacePage key={id} id={id!} />],
  ['/live', () => <LivePage />],
  ['/agents', () => <AgentsPage />],
  ['/swarms', () => <SwarmsPage />],
  ['/swarms/:id', ({ id }) => <SwarmPage key={id} id={id!} />],
  ['/usage', () => <UsagePage />],
]

const section = (path: string) => '/' + (path.split('/')[1] ?? '')

function Page() {
  const { path } = place.value
  for (const [pattern, render] of ROUTES) {
    const params = match(pattern, path.length > 1 ? path.replace(/\/$/, '') : path)
    if (params) return <>{render(params)}</>
  }
  return <NotFoundPage />
}

/** The frame of every page: banner with navigation and search, the page, the token dialog. */
export function App() {
  const current = section(place.value.path)
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="banner">
        <a class="brand" href="/" aria-label="chasm overview">
          chasm
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map(([to, label]) => (
              <li key={to}>
                <a href={to} aria-current={current === to ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <SearchBox />
      </header>
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
      <TokenDialog />
    </>
  )
}
