import { join } from 'node:path'
import { configRoots, type ProviderContext } from '../../provider'

/** One VS Code-family `User` folder and the editor it belongs to. */
export interface UserDir {
  editor: string
  path: string
}

/** Product folders under the config root (docs/providers.md); Cursor and Windsurf have their own providers. */
export const EDITORS = ['Code', 'Code - Insiders', 'Code - OSS', 'VSCodium', 'VSCodium - Insiders'] as const

// Linux package variants keep a private config root (docs/providers.md).
const FLATPAK: readonly (readonly [string, string])[] = [
  ['com.visualstudio.code', 'Code'],
  ['com.visualstudio.code.insiders', 'Code - Insiders'],
  ['com.visualstudio.code-oss', 'Code - OSS'],
  ['com.vscodium.codium', 'VSCodium'],
  ['com.vscodium.codium-insiders', 'VSCodium - Insiders'],
]
const SNAP: readonly (readonly [string, string])[] = [
  ['code', 'Code'],
  ['code-insiders', 'Code - Insiders'],
  ['codium', 'VSCodium'],
]

/**
 * Every `User` folder where VS Code, Insiders, Code - OSS or VSCodium may keep chats on this OS (every
 * OS under an overridden home): the config roots, Flatpak and Snap on Linux, and a portable
 * install named by `VSCODE_PORTABLE`.
 */
export function userDirs(ctx: ProviderContext): UserDir[] {
  const dirs: UserDir[] = configRoots(ctx).flatMap((root) => EDITORS.map((editor) => ({ editor, path: join(root, editor, 'User') })))
  if (ctx.platform === 'linux' || ctx.homeOverridden) {
    for (const [app, editor] of FLATPAK) dirs.push({ editor, path: join(ctx.home, '.var', 'app', app, 'config', editor, 'User') })
    for (const [snap, editor] of SNAP) dirs.push({ editor, path: join(ctx.home, 'snap', snap, 'current', '.config', editor, 'User') })
  }
  const portable = ctx.env.VSCODE_PORTABLE
  if (portable) dirs.push({ editor: 'Code (portable)', path: join(portable, 'user-data', 'User') })
  return dirs
}
