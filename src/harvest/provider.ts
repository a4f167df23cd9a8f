import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { MessageInput, MessageState, MessageUsage, ToolInvocationInput } from '../db'

export type { MessageInput, MessageState, MessageUsage, ToolInvocationInput }

/** Where a provider looks: the discovery root and the OS conventions to apply under it. */
export interface ProviderContext {
  /** The user's home, or the `--home` / `CHASM_HOME` override. */
  home: string
  /** True when `home` was overridden: the layouts of every OS are probed and environment overrides are ignored. */
  homeOverridden: boolean
  platform: NodeJS.Platform
  /** Environment variables a provider may honour (e.g. `CLAUDE_CONFIG_DIR`); empty when `homeOverridden`. */
  env: Record<string, string | undefined>
}

/** A project folder as one provider sees it. `key` makes it unique for the provider (usually the path). */
export interface WorkspaceRef {
  key: string
  name: string
  path: string | null
}

/** One unit the engine fingerprints and re-reads when it changes: a file, or a key range of a database. */
export interface Source {
  /** Unique within the provider and stable across runs (usually the file path). */
  key: string
  /** The file this source reads; shown to users and, unless `fingerprint` is given, fingerprinted by size + mtime. */
  path: string
  /** A provider-computed fingerprint, for sources where size + mtime of `path` is not the right signal (SQLite rows). */
  fingerprint?: string
  /** Provider-private data carried from `discover` to `read`. */
  data?: unknown
}

/** Facts about a session known when it starts; later parts may refine them with an `update`. Times are epoch ms. */
export interface SessionHeader {
  /** The provider's own session id (the one a user sees in their tool). */
  id: string
  title: string | null
  model: string | null
  created: number | null
  updated: number | null
  workspace: WorkspaceRef | null
  incomplete?: boolean
  metadata?: Record<string, unknown> | null
}

/**
 * What `read` yields, in order. `message`, `tool-result` and `update` parts belong to the latest
 * `session` part; one source may hold several sessions. `problem` reports bad data and never stops the read;
 * a `lasting` problem is one re-reading the same bytes cannot fix (an unknown record shape, a file with no
 * conversation): it is reported when the source is read, and the source is not retried until it changes.
 */
export type SessionPart =
  | { kind: 'session'; session: SessionHeader }
  | { kind: 'message'; message: MessageInput }
  | { kind: 'tool-result'; callId: string; output: string | null; status: string | null }
  | { kind: 'update'; patch: Partial<Omit<SessionHeader, 'id'>> }
  | { kind: 'problem'; message: string; lasting?: boolean }

/** The whole contract a provider implements; the engine owns fingerprints, transactions and counting. */
export interface Provider {
  readonly id: string
  readonly name: string
  readonly kind: 'harvest' | 'detect-only'
  /** The existing data locations of this provider (stat calls only, no parsing). Empty = not detected. */
  locate(ctx: ProviderContext): Promise<string[]>
  /** Every source to harvest, cheaply (directory listings, key lists). */
  discover(ctx: ProviderContext): AsyncIterable<Source>
  /** The sessions of one source as a stream of parts; never throws for bad data (yields `problem`). */
  read(source: Source, ctx: ProviderContext): AsyncIterable<SessionPart>
}

/**
 * Parent directories of Electron apps' user data (docs/architecture.md, "Harvest rules"): `~/.config` (or
 * `XDG_CONFIG_HOME`), `~/Library/Application Support`, `%APPDATA%`. Under an overridden home every
 * OS layout is returned, so a backup of another machine's home can be harvested.
 */
export function configRoots(ctx: ProviderContext): string[] {
  const { home, env, platform } = ctx
  const linux = env.XDG_CONFIG_HOME || join(home, '.config')
  const mac = join(home, 'Library', 'Application Support')
  const windows = env.APPDATA || join(home, 'AppData', 'Roaming')
  if (ctx.homeOverridden) return [join(home, '.config'), mac, join(home, 'AppData', 'Roaming')]
  if (platform === 'darwin') return [mac]
  if (platform === 'win32') return [windows]
  return [linux]
}

/** True when `path` exists (file or directory). */
export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

/** The subset of `paths` that exist, in order. */
export async function existing(paths: string[]): Promise<string[]> {
  const found = await Promise.all(paths.map(async (path) => ((await exists(path)) ? path : null)))
  return [...new Set(found.filter((path): path is string => path !== null))]
}
