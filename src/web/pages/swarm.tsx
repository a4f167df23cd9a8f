import { useEffect, useRef } from 'preact/hooks'
import type { RunStep, Swarm } from '../../agency'
import { api, call, segment } from '../api/client'
import { useAction } from '../components/action'
import { watchSession } from '../api/socket'
import { FormEnd, FormError } from '../components/form-error'
import { useLoad } from '../components/load'
import { LongText } from '../components/long-text'
import { Empty, Status } from '../components/status'
import { asText } from '../components/tool-call'
import { formatCount, formatDateTime, formatTime } from '../render/format'
import { renderMarkdown } from '../render/markdown'
import { href, navigate, place } from '../router'
import { useTitle } from './title'

/** While a run is live it is read again this often (its steps also trigger reads as they are recorded). */
const POLL_MS = 1000

const isLive = (status: Swarm['status'] | undefined) => status === 'running' || status === 'paused'

/** What a model step answered: `{text, toolCalls}`; other steps' output is shown as it is. */
const stepText = (step: RunStep): string | null => {
  const output = step.output as { text?: unknown } | null
  return step.kind !== 'tool' && typeof output?.text === 'string' ? output.text : null
}

function Step({ step }: { step: RunStep }) {
  const text = stepText(step)
  const seconds = step.endedAt ? (Date.parse(step.endedAt) - Date.parse(step.startedAt)) / 1000 : null
  return (
    <li class={`step ${step.status}`}>
      <p class="item-meta">
        <strong>
          {step.index + 1}. {step.agent}
        </strong>
        <span class="tag">{step.kind}</span>
        <span class={`tag status-${step.status}`}>{step.status}</span>
        {step.tokens && (
          <span>
            {formatCount(step.tokens.input)} in / {formatCount(step.tokens.output)} out tokens
          </span>
        )}
        <time dateTime={step.startedAt}>{formatTime(step.startedAt)}</time>
        {seconds !== null && <span>{seconds.toFixed(1)} s</span>}
      </p>
      {text && <div class="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(text) }} />}
      <details>
        <summary>Input and output</summary>
        <h4>Input</h4>
        <LongText class="code-text" text={asText(step.input)} />
        <h4>Output</h4>
        <LongText class="code-text" text={step.output === null ? '(none yet)' : asText(step.output)} />
      </details>
    </li>
  )
}

function RunView({ swarmId, runId, changed }: { swarmId: string; runId: string; changed: () => void }) {
  const run = useLoad(() => call(() => api.api.v1.swarms({ id: segment(swarmId) }).runs({ runId: segment(runId) }).get()), [runId])
  const data = run.data?.data
  const live = isLive(data?.status)
  const wasLive = useRef(false)
  useEffect(() => {
    if (wasLive.current && !live) changed()
    wasLive.current = live
    if (!live || !data) return
    const timer = setInterval(run.reload, POLL_MS)
    const stop = watchSession(data.sessionId, { event: run.reload, resumed: run.reload })
    return () => {
      clearInterval(timer)
      stop()
    }
  }, [live, data?.sessionId])
  return (
    <Status of={run} what="the run">
      {({ data: r }) => (
        <section class="run" aria-labelledby="run-title" aria-busy={live}>
          <h2 id="run-title">
            Run of {formatDateTime(r.startedAt)} <span class={`tag status-${r.status}`}>{r.status}</span>
          </h2>
          <p class="item-meta">
            <span>workspace {r.workspace}</span>
            <a href={href('/sessions', r.sessionId)}>recorded conversation</a>
            {r.endedAt && <span>ended {formatDateTime(r.endedAt)}</span>}
          </p>
          <h3>Prompt</h3>
          <LongText text={r.prompt} />
          <h3>Steps</h3>
          {r.steps.length === 0 ? (
            <Empty>No steps yet.</Empty>
          ) : (
            <ol class="plain-list steps" aria-live="polite">
              {r.steps.map((step) => (
                <Step key={step.index} step={step} />
              ))}
            </ol>
          )}
          {r.error && (
            <p class="note error" role="alert">
              {r.error}
            </p>
          )}
          {r.result !== null && (
            <>
              <h3>Result</h3>
              <div class="markdown result" dangerouslySetInnerHTML={{ __html: renderMarkdown(r.result) }} />
            </>
          )}
        </section>
      )}
    </Status>
  )
}

function Controls({ swarm, changed }: { swarm: Swarm; changed: () => void }) {
  const { busy, error, run } = useAction()
  const act = async (send: () => Promise<unknown>) => {
    await run(send)
    changed()
  }
  const swarmApi = api.api.v1.swarms({ id: segment(swarm.id) })
  if (isLive(swarm.status)) {
    return (
      <>
        <div class="actions" role="group" aria-label="Run controls">
          {swarm.status === 'running' ? (
            <button type="button" disabled={busy} onClick={() => act(() => call(() => swarmApi.pause.post()))}>
              Pause
            </button>
          ) : (
            <button type="button" class="primary" disabled={busy} onClick={() => act(() => call(() => swarmApi.resume.post()))}>
              Resume
            </button>
          )}
          <button type="button" class="danger" disabled={busy} onClick={() => act(() => call(() => swarmApi.stop.post()))}>
            Stop
          </button>
        </div>
        <FormError error={error} />
      </>
    )
  }
  return (
    <form
      class="panel stacked"
      aria-labelledby="start-title"
      onSubmit={async (event) => {
        event.preventDefault()
        const fields = new FormData(event.currentTarget)
        const workspace = String(fields.get('workspace') ?? '').trim()
        await act(async () => {
          const started = await call(() => swarmApi.start.post({ prompt: String(fields.get('prompt')), ...(workspace ? { workspace } : {}) }))
          navigate(`${href('/swarms', swarm.id)}?run=${encodeURIComponent(started.data.runId)}`, { replace: true })
        })
      }}
    >
      <h2 id="start-title">Start a run</h2>
      <label>
        Prompt
        <textarea name="prompt" required rows={3} placeholder="What should the swarm do?" />
      </label>
      <label>
        Workspace folder (optional; default: a fresh folder in chasm's data folder)
        <input name="workspace" />
      </label>
      <FormEnd error={error} busy={busy} label="Start run" />
    </form>
  )
}

/** `/swarms/:id`: the swarm, its runs, and the selected run's steps arriving live; start, pause, resume, stop. */
export function SwarmPage({ id }: { id: string }) {
  const swarm = useLoad(() => call(() => api.api.v1.swarms({ id: segment(id) }).get()), [id])
  const runs = useLoad(() => call(() => api.api.v1.swarms({ id: segment(id) }).runs.get({ query: { limit: 20 } })), [id])
  useTitle(swarm.data?.data.name ?? 'Swarm')
  const changed = () => {
    swarm.reload()
    runs.reload()
  }
  const runId = place.value.query.get('run') ?? swarm.data?.data.lastRun?.id ?? null
  return (
    <Status of={swarm} what="the swarm">
      {({ data: s }) => (
        <>
          <div class="page-head">
            <h1>{s.name}</h1>
            <span class={`tag status-${s.status}`} role="status">
              {s.status}
            </span>
          </div>
          {s.description && <p dir="auto">{s.description}</p>}
          <p class="item-meta">
            <span>coordinator {s.coordinator}</span>
            <span>workers {s.workers.join(', ')}</span>
          </p>
          <div class="columns runs-layout">
            <div>{runId ? <RunView key={runId} swarmId={s.id} runId={runId} changed={changed} /> : <Empty>No runs yet: give the swarm a prompt.</Empty>}</div>
            <div>
              <Controls swarm={s} changed={changed} />
              <nav aria-labelledby="runs-title">
                <h2 id="runs-title">Runs</h2>
                <Status of={runs} what="runs">
                  {({ data }) => (
                    <ul class="plain-list">
                      {data.map((run) => (
                        <li key={run.id}>
                          <a
                            class="item-row"
                            href={`${href('/swarms', s.id)}?run=${encodeURIComponent(run.id)}`}
                            aria-current={run.id === runId ? 'true' : undefined}
                          >
                            <span class="item-title" dir="auto">
                              {run.prompt.slice(0, 80)}
                            </span>
                            <span class="item-meta">
                              <span class={`tag status-${run.status}`}>{run.status}</span>
                              <time dateTime={run.startedAt}>{formatDateTime(run.startedAt)}</time>
                            </span>
                          </a>
                        </li>
                      ))}
                    </ul>
                  )}
                </Status>
              </nav>
            </div>
          </div>
        </>
      )}
    </Status>
  )
}
