import { useState } from 'preact/hooks'
import type { AgentRole, ToolName } from '../../agency'
import { api, call, segment } from '../api/client'
import { useAction } from '../components/action'
import { FormEnd, FormError } from '../components/form-error'
import { useLoad } from '../components/load'
import { Empty, Status } from '../components/status'
import { every } from '../every'
import { formatDateTime } from '../render/format'
import { useTitle } from './title'

const ROLES = every<AgentRole>()(['assistant', 'coordinator', 'coder', 'reviewer', 'tester', 'researcher', 'writer', 'analyst', 'executor'])
const TOOLS = every<ToolName>()(['file_read', 'file_write', 'terminal', 'code_search', 'http_request', 'calculator'])

function CreateAgent({ created }: { created: () => void }) {
  const { busy, error, run } = useAction()
  return (
    <form
      class="panel stacked"
      aria-labelledby="new-agent"
      onSubmit={async (event) => {
        event.preventDefault()
        const form = event.currentTarget
        const fields = new FormData(form)
        const done = await run(() =>
          call(() =>
            api.api.v1.agents.post({
              name: String(fields.get('name')),
              model: String(fields.get('model')),
              instruction: String(fields.get('instruction')),
              role: ROLES.find((r) => r === fields.get('role')),
              tools: TOOLS.filter((t) => fields.getAll('tools').includes(t)),
            }),
          ),
        )
        if (!done) return
        form.reset()
        created()
      }}
    >
      <h2 id="new-agent">New agent</h2>
      <label>
        Name
        <input name="name" required pattern="[A-Za-z0-9._\-]{1,64}" title="1 to 64 letters, digits, '-', '_' or '.'" />
      </label>
      <label>
        Model
        <input name="model" required placeholder="gpt-4o, claude-sonnet-4-5, gemini-2.0-flash, ollama/llama3.2" />
      </label>
      <label>
        Role
        <select name="role">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </label>
      <label>
        Instruction
        <textarea name="instruction" required rows={3} />
      </label>
      <fieldset>
        <legend>Tools</legend>
        {TOOLS.map((t) => (
          <label key={t} class="check">
            <input type="checkbox" name="tools" value={t} /> {t}
          </label>
        ))}
      </fieldset>
      <FormEnd error={error} busy={busy} label="Create agent" />
    </form>
  )
}

/** `/agents`: the agents swarms are made of; create and delete them. */
export function AgentsPage() {
  useTitle('Agents')
  const agents = useLoad(() => call(() => api.api.v1.agents.get({ query: { limit: 500 } })), [])
  const [confirming, setConfirming] = useState<string | null>(null)
  const removal = useAction()
  const remove = async (id: string) => {
    if (await removal.run(() => call(() => api.api.v1.agents({ id: segment(id) }).delete()))) agents.reload()
    setConfirming(null)
  }
  return (
    <>
      <h1>Agents</h1>
      <div class="columns">
        <section aria-labelledby="agents-list">
          <h2 id="agents-list">All agents</h2>
          <FormError error={removal.error} />
          <Status of={agents} what="agents">
            {({ data, meta }) =>
              data.length === 0 ? (
                <Empty>No agents yet. Create one, then make a swarm of them.</Empty>
              ) : (
                <>
                  {meta.total > data.length && <p class="note">Showing the first {data.length} of {meta.total}.</p>}
                  <ul class="plain-list">
                    {data.map((agent) => (
                      <li key={agent.id} class="panel agent">
                        <div class="page-head">
                          <h3>{agent.name}</h3>
                          {confirming === agent.id ? (
                            <span class="actions">
                              <button type="button" class="danger" onClick={() => remove(agent.id)}>
                                Delete {agent.name}
                              </button>
                              <button type="button" onClick={() => setConfirming(null)}>
                                Keep
                              </button>
                            </span>
                          ) : (
                            <button type="button" onClick={() => setConfirming(agent.id)} aria-label={`Delete agent ${agent.name}`}>
                              Delete
                            </button>
                          )}
                        </div>
                        <p class="item-meta">
                          <span class="tag">{agent.role}</span>
                          <span class="model">{agent.model}</span>
                          <span>{agent.provider}</span>
                          <span>temperature {agent.temperature}</span>
                          {agent.tools.map((t) => (
                            <span key={t} class="tag soft">
                              {t}
                            </span>
                          ))}
                          <span>created {formatDateTime(agent.createdAt)}</span>
                        </p>
                        {agent.description && <p dir="auto">{agent.description}</p>}
                        <details>
                          <summary>Instruction</summary>
                          <div class="raw" dir="auto">
                            {agent.instruction}
                          </div>
                        </details>
                      </li>
                    ))}
                  </ul>
                </>
              )
            }
          </Status>
        </section>
        <CreateAgent created={agents.reload} />
      </div>
    </>
  )
}
