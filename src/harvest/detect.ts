import type { Provider, ProviderContext } from './provider'

/** One provider's detection result, from stat calls only. */
export interface Detection {
  id: string
  name: string
  kind: Provider['kind']
  detected: boolean
  paths: string[]
}

/** Detects every provider on this machine (or under `--home`). */
export async function detectProviders(providers: readonly Provider[], ctx: ProviderContext): Promise<Detection[]> {
  return Promise.all(
    providers.map(async (provider) => {
      let paths: string[] = []
      try {
        paths = await provider.locate(ctx)
      } catch {
        paths = []
      }
      return { id: provider.id, name: provider.name, kind: provider.kind, detected: paths.length > 0, paths }
    }),
  )
}
