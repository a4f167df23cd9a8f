import { homedir } from 'node:os'
import { join } from 'node:path'

/** The environment a command runs in; passed around instead of reading process globals. */
export interface RuntimeEnv {
  env: Record<string, string | undefined>
  platform: NodeJS.Platform
  homedir: string
}

export const processEnv = (): RuntimeEnv => ({ env: process.env, platform: process.platform, homedir: homedir() })

/** chasm's data directory for this OS (docs/architecture.md, "Runtime defaults"). */
export function dataDir({ env, platform, homedir: home }: RuntimeEnv): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'chasm')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'chasm')
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'chasm')
}

/** The database path: `--db`, else `CHASM_DB`, else `<data dir>/chasm.db`. */
export function resolveDbPath(runtime: RuntimeEnv, flag?: string): string {
  return flag || runtime.env.CHASM_DB || join(dataDir(runtime), 'chasm.db')
}

/** The discovery root: `--home`, else `CHASM_HOME`, else the user's home. */
export function resolveHome(runtime: RuntimeEnv, flag?: string): { home: string; overridden: boolean } {
  const override = flag || runtime.env.CHASM_HOME
  return override ? { home: override, overridden: true } : { home: runtime.homedir, overridden: false }
}
