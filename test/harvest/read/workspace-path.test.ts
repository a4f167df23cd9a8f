import { describe, expect, test } from 'bun:test'
import { baseName, folderPath, workspaceAt } from '../../../src/harvest/read/workspace-path'

describe('folderPath', () => {
  test('decodes every URI form editors write', () => {
    expect(
      [
        'file:///home/me/my%20proj/',
        'file:///c%3A/Users/me/proj',
        'file:///C:/Users/me/proj',
        'file://server/share/proj',
        'vscode-remote://ssh-remote%2Bbox/srv/app',
        'vscode-remote://wsl%2BUbuntu/home/me/app',
        '/plain/posix/path/',
        'C:\\plain\\windows\\',
        '   ',
        'file://%',
      ].map(folderPath),
    ).toEqual([
      '/home/me/my proj',
      'c:\\Users\\me\\proj',
      'C:\\Users\\me\\proj',
      '\\\\server\\share\\proj',
      'ssh-remote+box:/srv/app',
      'wsl+Ubuntu:/home/me/app',
      '/plain/posix/path',
      'C:\\plain\\windows',
      null,
      null,
    ])
  })
})

describe('workspaceAt / baseName', () => {
  test('names a workspace by the last segment of a POSIX, Windows or remote path', () => {
    expect(workspaceAt('/home/me/café-app/')).toEqual({ key: '/home/me/café-app', name: 'café-app', path: '/home/me/café-app' })
    expect(['c:\\Users\\me\\proj', 'ssh-remote+box:/srv/app', '/', 'C:\\'].map(baseName)).toEqual(['proj', 'app', '/', 'C:\\'])
  })
})
