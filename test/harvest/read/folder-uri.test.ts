import { expect, test } from 'bun:test'
import { folderPath } from '../../../src/harvest/read/folder-uri'

test('folderPath decodes every folder form VS Code-family tools write', () => {
  expect(
    [
      'file:///home/me/my%20proj/',
      'file:///c%3A/Users/me/proj',
      'file:///C:/Users/me/proj',
      'file://server/share/proj',
      'file://localhost/home/me/proj',
      'vscode-remote://ssh-remote%2Bbox/srv/app',
      'vscode-remote://wsl%2BUbuntu/home/me/app',
      '/plain/posix/path/',
      'C:\\plain\\windows\\',
      '/',
      '   ',
      'file://%',
    ].map(folderPath),
  ).toEqual([
    '/home/me/my proj',
    'c:\\Users\\me\\proj',
    'c:\\Users\\me\\proj',
    '\\\\server\\share\\proj',
    '/home/me/proj',
    'ssh-remote+box:/srv/app',
    'wsl+Ubuntu:/home/me/app',
    '/plain/posix/path',
    'C:\\plain\\windows',
    '/',
    null,
    null,
  ])
})
