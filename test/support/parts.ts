import { relative } from 'node:path'
import type { Provider, ProviderContext, SessionPart, Source } from '../../src/harvest'

/** The context `--home DIR` gives providers. */
export const homeContext = (home: string): ProviderContext => ({ home, homeOverridden: true, platform: process.platform, env: {} })

/** Every source a provider discovers under `home`, as paths relative to it. */
export async function discoveredPaths(provider: Provider, home: string): Promise<string[]> {
  const paths: string[] = []
  for await (const source of provider.discover(homeContext(home))) paths.push(relative(home, source.path).replaceAll('\\', '/'))
  return paths
}

/** The parts one source yields, found by its path relative to `home` (without checkpoints: where a read may continue is the engine's bookkeeping). */
export async function partsOf(provider: Provider, home: string, path: string): Promise<SessionPart[]> {
  const ctx = homeContext(home)
  let found: Source | null = null
  for await (const source of provider.discover(ctx)) if (relative(home, source.path).replaceAll('\\', '/') === path) found = source
  if (!found) throw new Error(`no source ${path}`)
  const parts: SessionPart[] = []
  for await (const part of provider.read(found, ctx)) if (part.kind !== 'checkpoint') parts.push(part)
  return parts
}

/** Every part of every source under `home` (without checkpoints). */
export async function allParts(provider: Provider, home: string): Promise<SessionPart[]> {
  const ctx = homeContext(home)
  const parts: SessionPart[] = []
  for await (const source of provider.discover(ctx)) for await (const part of provider.read(source, ctx)) if (part.kind !== 'checkpoint') parts.push(part)
  return parts
}
