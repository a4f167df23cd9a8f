import { api, call } from '../api/client'
import { useLoad } from './load'

/** A filter field choosing one assistant (or all), with the names the server knows. */
export function ProviderSelect({ value, onChange }: { value: string; onChange: (provider: string) => void }) {
  const providers = useLoad(() => call(() => api.api.providers.get()), [])
  return (
    <label>
      Assistant
      <select value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        <option value="">All</option>
        {(providers.data?.data ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  )
}
