import type { RuntimeEnv } from '../shared/paths'
import type { ProviderContext } from './provider'

/** The provider context for a discovery root; an overridden home ignores environment overrides (docs/architecture.md, "Runtime defaults"). */
export const providerContext = (runtime: RuntimeEnv, home: string, overridden: boolean): ProviderContext => ({
  home,
  homeOverridden: overridden,
  platform: runtime.platform,
  env: overridden ? {} : runtime.env,
})
