import { posix, win32 } from 'node:path'
import { ToolError } from '../tool-error'

// Names Windows maps to devices in every folder (`CON`, `NUL.txt`, `COM1`, …).
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i

/**
 * The segments of a path a model gave, relative to the workspace, or a ToolError for anything that
 * could leave it: absolute paths (POSIX, drive letters, UNC, drive-relative `C:x`), any `..`, NUL bytes.
 * `/` and `\` both separate; empty and `.` segments drop out, so `.` is the workspace itself.
 */
export function workspaceSegments(path: string, platform: NodeJS.Platform = process.platform): string[] {
  if (path.includes('\0')) throw new ToolError('path contains a NUL character')
  if (posix.isAbsolute(path) || win32.isAbsolute(path) || /^[A-Za-z]:/.test(path)) {
    throw new ToolError(`absolute paths are not allowed ('${path}'); use a path relative to the workspace`)
  }
  const segments = path.split(/[\\/]+/).filter((segment) => segment !== '' && segment !== '.')
  if (segments.includes('..')) throw new ToolError(`'..' is not allowed in paths ('${path}'); use a path inside the workspace`)
  if (platform === 'win32') {
    for (const segment of segments) {
      // A colon names an alternate data stream; trailing dots and spaces are dropped by Windows, aliasing another name.
      if (segment.includes(':') || /[. ]$/.test(segment) || WINDOWS_DEVICE.test(segment)) {
        throw new ToolError(`'${segment}' is not a usable file name on Windows ('${path}')`)
      }
    }
  }
  return segments
}

/** Segments joined with `/`, as tools show paths to the model; `.` for the workspace itself. */
export const displayPath = (segments: readonly string[]): string => (segments.length === 0 ? '.' : segments.join('/'))
