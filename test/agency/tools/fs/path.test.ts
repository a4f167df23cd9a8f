import { describe, expect, test } from 'bun:test'
import { workspaceSegments } from '../../../../src/agency/tools/fs/path'

const segments = (path: string, platform: NodeJS.Platform = 'linux') => {
  try {
    return workspaceSegments(path, platform)
  } catch (error) {
    return (error as Error).message
  }
}

describe('workspaceSegments', () => {
  test('relative paths split on / and \\; empty and . segments drop out', () => {
    expect(['src/a.ts', './src//a.ts', 'src\\lib\\b.ts', '.', './', 'a/./b/'].map((p) => segments(p))).toEqual([
      ['src', 'a.ts'], ['src', 'a.ts'], ['src', 'lib', 'b.ts'], [], [], ['a', 'b'],
    ])
  })

  test('.. anywhere, absolute paths of every OS and NUL bytes are refused', () => {
    expect(['../x', 'a/../b', 'a/..', '..\\x', '/etc/passwd', '\\\\server\\share\\x', 'C:\\Windows', 'c:relative', '\\rooted', 'a\0b'].map((p) => segments(p))).toEqual([
      "'..' is not allowed in paths ('../x'); use a path inside the workspace",
      "'..' is not allowed in paths ('a/../b'); use a path inside the workspace",
      "'..' is not allowed in paths ('a/..'); use a path inside the workspace",
      "'..' is not allowed in paths ('..\\x'); use a path inside the workspace",
      "absolute paths are not allowed ('/etc/passwd'); use a path relative to the workspace",
      "absolute paths are not allowed ('\\\\server\\share\\x'); use a path relative to the workspace",
      "absolute paths are not allowed ('C:\\Windows'); use a path relative to the workspace",
      "absolute paths are not allowed ('c:relative'); use a path relative to the workspace",
      "absolute paths are not allowed ('\\rooted'); use a path relative to the workspace",
      'path contains a NUL character',
    ])
  })

  test('on Windows: alternate data streams, device names and names Windows would alias are refused', () => {
    expect(['a.txt:secret', 'CON', 'sub/nul.txt', 'COM1', 'trailing.', 'space ', 'fine.txt'].map((p) => segments(p, 'win32'))).toEqual([
      "'a.txt:secret' is not a usable file name on Windows ('a.txt:secret')",
      "'CON' is not a usable file name on Windows ('CON')",
      "'nul.txt' is not a usable file name on Windows ('sub/nul.txt')",
      "'COM1' is not a usable file name on Windows ('COM1')",
      "'trailing.' is not a usable file name on Windows ('trailing.')",
      "'space ' is not a usable file name on Windows ('space ')",
      ['fine.txt'],
    ])
    expect(segments('a.txt:b')).toEqual(['a.txt:b'])
  })
})
