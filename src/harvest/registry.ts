import type { Provider } from './provider'
import { copilotProvider } from './providers/copilot'

/** Every supported provider, in display order. The only file that imports `providers/*`. */
export const PROVIDERS: readonly Provider[] = [copilotProvider]

/** The provider with this id, if any. */
export const providerById = (id: string): Provider | undefined => PROVIDERS.find((p) => p.id === id)
