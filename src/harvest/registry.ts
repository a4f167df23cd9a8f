import type { Provider } from './provider'
import { aider } from './providers/aider'
import { cline } from './providers/cline'
import { continueDev } from './providers/continue'
import { cursor } from './providers/cursor'
import { opencode } from './providers/opencode'
import { windsurf } from './providers/windsurf'

/** Every supported provider, in display order. The only file that imports `providers/*`. */
export const PROVIDERS: readonly Provider[] = [
  cursor,
  opencode,
  cline,
  continueDev,
  aider,
  windsurf,
]

/** The provider with this id, if any. */
export const providerById = (id: string): Provider | undefined => PROVIDERS.find((p) => p.id === id)
