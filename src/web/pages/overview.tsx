import { api, call } from '../api/client'
import { useLoad } from '../components/load'
import { SessionRow } from '../components/session-row'
import { Empty, Status } from '../components/status'
import { formatAgo, formatBytes, formatCount, formatDateTime } from '../render/format'
import { useTitle } from './title'

/** `/`: totals, providers on this machine, the harvest's state and problems, recent sessions. */
export function OverviewPage() {
  useTitle('Overview')
  const stats = useLoad(() => call(() => api.api.stats.get()), [])
  const health = useLoad(() => call(() => api.api.health.get()), [])
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
                  Last harvest: <time dateTime={data.harvest.lastRunAt ?? undefined}>{formatAgo(data.harvest.lastRunAt)}</time>
                  {data.harvest.lastRunAt && ` (${formatDateTime(data.harvest.lastRunAt)})`}. chasm {data.version}, database {data.database}.
                </p>
                {data.harvest.lastError ? (
                  <p class="note error" role="alert">
                    Last harvest problem: {data.harvest.lastError}
                  </p>
                ) : (
                  <p class="note">No problems reported by the last harvest.</p>
                )}
              </div>
            )}
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
