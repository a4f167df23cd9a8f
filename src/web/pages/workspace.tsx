import { api, call, segment } from '../api/client'
import { useLoad } from '../components/load'
import { SessionRow } from '../components/session-row'
import { Empty, Status } from '../components/status'
import { VirtualList } from '../components/virtual-list'
import { formatCount, formatDateTime } from '../render/format'
import { useTitle } from './title'

/** `/workspaces/:id`: one project folder and its sessions, newest first. */
export function WorkspacePage({ id }: { id: string }) {
  const workspace = useLoad(() => call(() => api.api.workspaces({ id: segment(id) }).get()), [id])
  useTitle(workspace.data?.data.name ?? 'Workspace')
  return (
    <Status of={workspace} what="the workspace">
      {({ data }) => (
        <>
          <h1 dir="auto">{data.name}</h1>
          <p class="item-meta">
            <span class="tag">{data.provider}</span>
            {data.path && (
              <span class="path" dir="auto">
                {data.path}
              </span>
            )}
            <span>{formatCount(data.sessions)} sessions</span>
            <span>updated {formatDateTime(data.updated)}</span>
            <a href={`/sessions?provider=${encodeURIComponent(data.provider)}&workspace=${encodeURIComponent(data.id)}`}>filter sessions</a>
          </p>
          {data.sessionList.length === 0 ? (
            <Empty>This workspace has no sessions.</Empty>
          ) : (
            <VirtualList
              label={`Sessions of ${data.name}`}
              items={data.sessionList}
              estimateSize={62}
              itemKey={(s) => s.id}
              render={(s) => <SessionRow session={s} />}
            />
          )}
        </>
      )}
    </Status>
  )
}
