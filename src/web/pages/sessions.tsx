import type { SessionOrigin } from '../../db'
import { api, call } from '../api/client'
import { ListCount } from '../components/list-count'
import { useLoad } from '../components/load'
import { usePaged } from '../components/paged'
import { ProviderSelect } from '../components/provider-select'
import { SessionRow } from '../components/session-row'
import { Empty } from '../components/status'
import { VirtualList } from '../components/virtual-list'
import { navigate, place } from '../router'
import { useTitle } from './title'

/** Every origin with its label; typed by the server's enum, so the compiler says when one is added. */
const ORIGIN_LABELS: Record<SessionOrigin, string> = { harvest: 'harvest', recording: 'recording', agency: 'agency' }
const ORIGINS = Object.keys(ORIGIN_LABELS) as SessionOrigin[]
const FILTERS = ['provider', 'workspace', 'origin', 'from', 'to'] as const
type Filter = (typeof FILTERS)[number]

/** When a local calendar day (`YYYY-MM-DD` from a date field) starts, epoch ms; `next` for the day after. */
const dayStart = (day: string, next = false): number | undefined => {
  const [y, m, d] = day.split('-').map(Number)
  if (!y || !m || !d) return undefined
  return new Date(y, m - 1, d + (next ? 1 : 0)).getTime()
}

/** `/sessions`: every session, newest first, filtered by provider, workspace, origin and dates; drawn as scrolled. */
export function SessionsPage() {
  useTitle('Sessions')
  const { query } = place.value
  const filter = Object.fromEntries(FILTERS.map((name) => [name, query.get(name) ?? ''])) as Record<Filter, string>
  const origin = ORIGINS.find((o) => o === filter.origin)
  const setFilter = (name: Filter, value: string) => {
    const next = new URLSearchParams(query)
    if (value) next.set(name, value)
    else next.delete(name)
    if (name === 'provider') next.delete('workspace')
    const search = next.toString()
    navigate(`/sessions${search ? `?${search}` : ''}`, { replace: true })
  }
  // The list is asked for first: the filters' options can wait behind it.
  const list = usePaged(
    JSON.stringify(filter),
    (offset, limit) =>
      call(() =>
        api.api.sessions.get({
          query: {
            limit,
            offset,
            ...(filter.provider ? { provider: filter.provider } : {}),
            ...(filter.workspace ? { workspace: filter.workspace } : {}),
            ...(origin ? { origin } : {}),
            ...(filter.from ? { from: dayStart(filter.from) } : {}),
            ...(filter.to ? { to: dayStart(filter.to, true) } : {}),
          },
        }),
      ),
    100,
    'chasm:sessions-painted',
  )
  // Up to a thousand workspace names: fetched once the first page of sessions is there, not before it.
  const listed = list.total !== null
  const workspaces = useLoad(
    async () => (listed ? call(() => api.api.workspaces.get({ query: { limit: 1000, ...(filter.provider ? { provider: filter.provider } : {}) } })) : undefined),
    [filter.provider, listed],
  )
  const workspaceOptions = workspaces.data?.data ?? []
  return (
    <>
      <h1>Sessions</h1>
      <form class="filters" aria-label="Filter sessions" onSubmit={(event) => event.preventDefault()}>
        <ProviderSelect value={filter.provider} onChange={(value) => setFilter('provider', value)} />
        <label>
          Workspace
          <select value={filter.workspace} onChange={(event) => setFilter('workspace', event.currentTarget.value)}>
            <option value="">All</option>
            {filter.workspace && !workspaceOptions.some((w) => w.id === filter.workspace) && <option value={filter.workspace}>{filter.workspace}</option>}
            {workspaceOptions.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.provider})
              </option>
            ))}
          </select>
        </label>
        <label>
          Origin
          <select value={filter.origin} onChange={(event) => setFilter('origin', event.currentTarget.value)}>
            <option value="">All</option>
            {ORIGINS.map((o) => (
              <option key={o} value={o}>
                {ORIGIN_LABELS[o]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Updated from
          <input type="date" value={filter.from} onChange={(event) => setFilter('from', event.currentTarget.value)} />
        </label>
        <label>
          to
          <input type="date" value={filter.to} onChange={(event) => setFilter('to', event.currentTarget.value)} />
        </label>
      </form>
      <ListCount list={list} noun="session" />
      {list.total === 0 ? (
        <Empty>No sessions match these filters.</Empty>
      ) : (
        <VirtualList
          key={JSON.stringify(filter)}
          label="Sessions, newest first"
          items={list.items}
          estimateSize={62}
          itemKey={(s) => s.id}
          render={(s) => <SessionRow session={s} />}
          onDrawn={(last) => last >= list.items.length - 30 && list.more()}
        />
      )}
      {list.loading && list.items.length > 0 && <p class="note">Loading more…</p>}
    </>
  )
}
