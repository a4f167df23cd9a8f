import { useEffect, useState } from 'preact/hooks'
import { api, call } from '../api/client'
import { ListCount } from '../components/list-count'
import { usePaged } from '../components/paged'
import { ProviderSelect } from '../components/provider-select'
import { Empty } from '../components/status'
import { VirtualList } from '../components/virtual-list'
import { formatCount, formatDateTime } from '../render/format'
import { href, navigate, place } from '../router'
import { useTitle } from './title'

/** `/workspaces`: project folders per assistant, newest first, filtered by assistant and name or path. */
export function WorkspacesPage() {
  useTitle('Workspaces')
  const { query } = place.value
  const provider = query.get('provider') ?? ''
  const q = query.get('q') ?? ''
  const [typed, setTyped] = useState(q)
  const setFilter = (name: 'provider' | 'q', value: string) => {
    const next = new URLSearchParams(query)
    if (value) next.set(name, value)
    else next.delete(name)
    navigate(`/workspaces${next.size ? `?${next}` : ''}`, { replace: true })
  }
  // The name filter follows typing after a pause, like search.
  useEffect(() => {
    if (typed === q) return
    const timer = setTimeout(() => setFilter('q', typed.trim()), 200)
    return () => clearTimeout(timer)
  }, [typed])
  const list = usePaged(`${provider}\n${q}`, (offset, limit) =>
    call(() => api.api.workspaces.get({ query: { offset, limit, ...(provider ? { provider } : {}), ...(q ? { q } : {}) } })),
  )
  return (
    <>
      <h1>Workspaces</h1>
      <form class="filters" aria-label="Filter workspaces" onSubmit={(event) => event.preventDefault()}>
        <ProviderSelect value={provider} onChange={(value) => setFilter('provider', value)} />
        <label>
          Name or path
          <input type="text" value={typed} onInput={(event) => setTyped(event.currentTarget.value)} />
        </label>
      </form>
      <ListCount list={list} noun="workspace" />
      {list.total === 0 ? (
        <Empty>No workspaces{provider || q ? ' match these filters' : ' yet'}.</Empty>
      ) : (
        <VirtualList
          key={`${provider}\n${q}`}
          label="Workspaces, newest first"
          items={list.items}
          estimateSize={62}
          itemKey={(w) => w.id}
          onDrawn={(last) => last >= list.items.length - 30 && list.more()}
          render={(w) => (
            <a class="item-row" data-nav href={href('/workspaces', w.id)}>
              <span class="item-title" dir="auto">
                {w.name}
              </span>
              <span class="item-meta">
                <span class="tag">{w.provider}</span>
                <span>{formatCount(w.sessions)} sessions</span>
                {w.path && (
                  <span class="path" dir="auto">
                    {w.path}
                  </span>
                )}
                <time dateTime={w.updated ?? undefined}>{formatDateTime(w.updated)}</time>
              </span>
            </a>
          )}
        />
      )}
    </>
  )
}
