import type { Agent } from '../../agency'
import { api, call } from '../api/client'
import { useAction } from '../components/action'
import { FormEnd } from '../components/form-error'
import { useLoad } from '../components/load'
import { Empty, Status } from '../components/status'
import { formatDateTime } from '../render/format'
import { href, navigate } from '../router'
import { useTitle } from './title'

function CreateSwarm({ agents }: { agents: Agent[] }) {
  const { busy, error, run, refuse } = useAction()
  if (agents.length === 0) {
    return (
      <section class="panel" aria-labelledby="new-swarm">
        <h2 id="new-swarm">New swarm</h2>
        <p>
          A swarm is a coordinator agent and its workers. <a href="/agents">Create agents</a> first.
        </p>
      </section>
    )
  }
  return (
    <form
      class="panel stacked"
      aria-labelledby="new-swarm"
      onSubmit={async (event) => {
        event.preventDefault()
        const fields = new FormData(event.currentTarget)
        const workers = fields.getAll('workers').map(String)
        if (workers.length === 0) return refuse('Choose at least one worker.')
        await run(async () => {
          const swarm = await call(() =>
            api.api.v1.swarms.post({
              name: String(fields.get('name')),
              description: String(fields.get('description') ?? ''),
              coordinator: String(fields.get('coordinator')),
              workers,
            }),
          )
          navigate(href('/swarms', swarm.data.id))
        })
      }}
    >
      <h2 id="new-swarm">New swarm</h2>
      <label>
        Name
        <input name="name" required pattern="[A-Za-z0-9._\-]{1,64}" title="1 to 64 letters, digits, '-', '_' or '.'" />
      </label>
      <label>
        Description
        <input name="description" />
      </label>
      <label>
        Coordinator
        <select name="coordinator" required>
          {agents.map((a) => (
            <option key={a.id} value={a.name}>
              {a.name} ({a.model})
            </option>
          ))}
        </select>
      </label>
      <fieldset>
        <legend>Workers</legend>
        {agents.map((a) => (
          <label key={a.id} class="check">
            <input type="checkbox" name="workers" value={a.name} /> {a.name} ({a.role}, {a.model})
          </label>
        ))}
      </fieldset>
      <FormEnd error={error} busy={busy} label="Create swarm" />
    </form>
  )
}

/** `/swarms`: every swarm with its status and last run; create one. */
export function SwarmsPage() {
  useTitle('Swarms')
  const swarms = useLoad(() => call(() => api.api.v1.swarms.get({ query: { limit: 500 } })), [])
  const agents = useLoad(() => call(() => api.api.v1.agents.get({ query: { limit: 500 } })), [])
  return (
    <>
      <h1>Swarms</h1>
      <div class="columns">
        <section aria-labelledby="swarms-list">
          <h2 id="swarms-list">All swarms</h2>
          <Status of={swarms} what="swarms">
            {({ data }) =>
              data.length === 0 ? (
                <Empty>No swarms yet.</Empty>
              ) : (
                <ul class="plain-list">
                  {data.map((swarm) => (
                    <li key={swarm.id}>
                      <a class="item-row" data-nav href={href('/swarms', swarm.id)}>
                        <span class="item-title">{swarm.name}</span>
                        <span class="item-meta">
                          <span class={`tag status-${swarm.status}`}>{swarm.status}</span>
                          <span>
                            {swarm.coordinator} → {swarm.workers.join(', ')}
                          </span>
                          {swarm.lastRun && <span>last run {formatDateTime(swarm.lastRun.startedAt)}</span>}
                        </span>
                      </a>
                    </li>
                  ))}
                </ul>
              )
            }
          </Status>
        </section>
        <Status of={agents} what="agents">
          {({ data }) => <CreateSwarm agents={data} />}
        </Status>
      </div>
    </>
  )
}
