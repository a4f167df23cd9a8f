import type { HarvestStatus } from '../../harvest'
import { api, call } from '../api/client'
import { useLoad } from '../components/load'
import { SessionRow } from '../components/session-row'
import { Empty, Status } from '../components/status'
import { formatAgo, formatBytes, formatCount, formatDateTime } from '../render/format'
import { useTitle } from './title'

type HarvestRun = HarvestStatus['runs'][number]

/** The problems of one run: where (provider, file) and what, as text. */
function RunProblems({ run, open }: { run: HarvestRun; open: boolean }) {
  const more = run.problems - run.problemList.length
  return (
    <details class="run-problems" open={open}>
      <summary>
        {formatCount(run.problems)} problem{run.problems === 1 ? '' : 's'} in the harvest of {formatDateTime(run.startedAt)}
      </summary>
      <ul>
        {run.problemList.map((problem, i) => (
          <li key={i}>
            <span class="tag soft">{problem.provider}</span> <span class="path">{problem.source}</span>
            <div dir="auto">{problem.message}</div>
          </li>
        ))}
      </ul>
      {more > 0 && (
        <p class="hint">
          and {formatCount(more)} more: <code>chasm harvest run --json</code> lists them all.
        </p>
      )}
    </details>
  )
}

/** The recent harvest runs, newest first, with their problems (the newest run's unfolded). */
function HarvestRuns({ runs }: { runs: HarvestRun[] }) {
  if (runs.length === 0) return <p class="note">No harvest has run yet.</p>
  const [last] = runs
  const lastAt = last!.endedAt ?? last!.startedAt
  return (
    <>
      <p>
        Last harvest: <time dateTime={lastAt ?? undefined}>{formatAgo(lastAt)}</time>
        {lastAt && ` (${formatDateTime(lastAt)})`}.
      </p>
      <div class="table-wrap">
        <table aria-label="Recent harvests">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">Problems</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run, i) => (
              <tr key={i}>
                <td>
                  <time dateTime={run.startedAt ?? undefined}>{formatDateTime(run.startedAt)}</time>
                </td>
                <td>
                  <span class={`tag status-${run.status}`}>{run.status}</span>
                  {run.error && <div class="note error">{run.error}</div>}
                </td>
                <td class="num">{formatCount(run.problems)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {last!.problems === 0 && <p class="note">No problems reported by the last harvest.</p>}
      {runs
        .filter((run) => run.problems > 0)
        .map((run, i) => (
          <RunProblems key={i} run={run} open={run === last} />
        ))}
    </>
  )
}

/** `/`: totals, providers on this machine, the harvest's state and problems, recent sessions. */
export function OverviewPage() {
  useTitle('Overview')
  const stats = useLoad(() => call(() => api.api.stats.get()), [])
  const health = useLoad(() => call(() => api.api.health.get()), [])
  const runs = useLoad(() => call(() => api.api.harvest.status.get()), [])
  const providers = useLoad(() => call(() => api.api.providers.get()), [])
  const recent = useLoad(() => call(() => api.api.sessions.get({ query: { limit: 8 } })), [])
  return (
    <>
      <h1>Overview</h1>
      <Status of={stats} what="totals">
        {({ data }) => (
          <dl class="cards" aria-label="Totals">
            <div class="card">
              <dt>Sessions</dt>
              <dd>{formatCount(data.totalSessions)}</dd>
            </div>
            <div class="card">
              <dt>Messages</dt>
              <dd>{formatCount(data.totalMessages)}</dd>
            </div>
            <div class="card">
              <dt>Workspaces</dt>
              <dd>{formatCount(data.totalWorkspaces)}</dd>
            </div>
            <div class="card">
              <dt>Tool calls</dt>
              <dd>{formatCount(data.totalToolInvocations)}</dd>
            </div>
            <div class="card">
              <dt>Database</dt>
              <dd>{formatBytes(data.databaseBytes)}</dd>
            </div>
          </dl>
        )}
      </Status>
      <div class="columns">
        <section aria-labelledby="harvest-title">
          <h2 id="harvest-title">Harvest</h2>
          <Status of={health} what="the server's health">
            {({ data }) => (
              <div class="panel">
                <p>
                  {data.harvest.state === 'running' ? <strong>Harvesting now. </strong> : null}
                  chasm {data.version}, database {data.database}.
                </p>
                {data.harvest.lastError && (
                  <p class="note error" role="alert">
                    Last harvest error: {data.harvest.lastError}
                  </p>
                )}
              </div>
            )}
          </Status>
          <Status of={runs} what="the recent harvests">
            {({ data }) => <HarvestRuns runs={data.runs} />}
          </Status>
          <h2 id="providers-title">Assistants on this machine</h2>
          <Status of={providers} what="providers">
            {({ data }) => (
              <div class="table-wrap">
                <table aria-labelledby="providers-title">
                  <thead>
                    <tr>
                      <th scope="col">Assistant</th>
                      <th scope="col">Found</th>
                      <th scope="col" class="num">Sessions</th>
                      <th scope="col">Harvested</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.map((p) => (
                      <tr key={p.id}>
                        <td>
                          <a href={`/sessions?provider=${encodeURIComponent(p.id)}`}>{p.name}</a>
                        </td>
                        <td>{p.detected ? 'yes' : 'no'}{p.kind === 'detect-only' ? ' (detect only)' : ''}</td>
                        <td class="num">{formatCount(p.sessions)}</td>
                        <td>{formatAgo(p.lastHarvestAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Status>
        </section>
        <section aria-labelledby="recent-title">
          <h2 id="recent-title">Recent sessions</h2>
          <Status of={recent} what="recent sessions">
            {({ data }) =>
              data.length === 0 ? (
                <Empty>No sessions yet. chasm harvests the assistants it finds in the background; they appear here as they arrive.</Empty>
              ) : (
                <ul class="plain-list">
                  {data.map((s) => (
                    <li key={s.id}>
                      <SessionRow session={s} />
                    </li>
                  ))}
                </ul>
              )
            }
          </Status>
          <p>
            <a href="/sessions">All sessions →</a>
          </p>
        </section>
      </div>
    </>
  )
}
