import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import {
  EMPTY_WINDOW,
  decodeWorkspaceUri,
  folderWorkspace,
  multiRootWorkspace,
  readStorageWorkspace,
  uriComponentsPath,
} from '../../../../src/harvest/providers/copilot/workspace'
import { tempHome } from '../../../support/temp'

describe('decodeWorkspaceUri', () => {
  test.each([
    // POSIX: the leading slash stays (the anchor's 8-character slice dropped it).
    ['file:///home/me/proj', '/home/me/proj', 'proj'],
    ['file:///home/me/proj/', '/home/me/proj', 'proj'],
    ['file:///', '/', '/'],
    ['file:///home/me/caf%C3%A9%20bar', '/home/me/café bar', 'café bar'],
    ['file://localhost/home/me/p', '/home/me/p', 'p'],
    // Windows: an encoded or plain drive colon, lower-cased drive letter as VS Code's fsPath has it.
    ['file:///c%3A/Users/me/proj', 'c:\\Users\\me\\proj', 'proj'],
    ['file:///C:/Users/Me/My%20Proj', 'c:\\Users\\Me\\My Proj', 'My Proj'],
    ['file:///c%3A/', 'c:\\', 'c:\\'],
    ['file://server/share/folder', '\\\\server\\share\\folder', 'folder'],
    // Remote and virtual workspaces keep an identifier, not a local path.
    ['vscode-remote://ssh-remote%2Bbox/srv/app', 'ssh-remote+box:/srv/app', 'app'],
    ['vscode-remote://wsl%2Bubuntu-22.04/home/u/proj', 'wsl+ubuntu-22.04:/home/u/proj', 'proj'],
    ['vscode-remote://dev-container%2B7b22686f737450617468223a222f70227d/workspaces/app', 'dev-container+7b22686f737450617468223a222f70227d:/workspaces/app', 'app'],
    ['vscode-remote://ssh-remote%2Bbox', 'ssh-remote+box:/', 'ssh-remote+box'],
    ['vscode-vfs://github/microsoft/vscode', 'vscode-vfs://github/microsoft/vscode', 'vscode'],
  ])('%s', (uri, path, base) => {
    expect(decodeWorkspaceUri(uri)).toEqual({ path, base })
  })

  test.each(['not a uri', '', 'file:///home/a%2Fb', 'vscode-remote://ssh-remote%2Bbox/srv/%E0%A4%A'])('%p cannot be decoded', (uri) => {
    expect(decodeWorkspaceUri(uri)).toBeNull()
  })
})

describe('workspaces from workspace.json', () => {
  test('a folder is named by its base name and keyed by its path', () => {
    expect(folderWorkspace('vscode-remote://ssh-remote%2Bbox/srv/app')).toEqual({ key: 'ssh-remote+box:/srv/app', name: 'app', path: 'ssh-remote+box:/srv/app' })
  })

  test('a multi-root workspace is named by its file without the extension', () => {
    expect(multiRootWorkspace('file:///home/dev/work/platform.code-workspace')).toEqual({
      key: '/home/dev/work/platform.code-workspace', name: 'platform', path: '/home/dev/work/platform.code-workspace',
    })
    expect(multiRootWorkspace('file:///c%3A/Users/me/All.CODE-WORKSPACE')).toEqual({
      key: 'c:\\Users\\me\\All.CODE-WORKSPACE', name: 'All', path: 'c:\\Users\\me\\All.CODE-WORKSPACE',
    })
    expect(multiRootWorkspace('file:///home/dev/.config/Code/Workspaces/1700000000000/workspace.json')).toEqual({
      key: '/home/dev/.config/Code/Workspaces/1700000000000/workspace.json',
      name: 'Untitled (Workspace)',
      path: '/home/dev/.config/Code/Workspaces/1700000000000/workspace.json',
    })
  })

  test('readStorageWorkspace: folders, multi-root, empty windows and bad files', async () => {
    using home = tempHome({
      folder: { 'workspace.json': '\uFEFF{"folder":"file:///home/dev/p"}' },
      multi: { 'workspace.json': '{"workspace":"file:///home/dev/x.code-workspace"}' },
      empty: { chatSessions: {} },
      'no-workspace': { 'workspace.json': '{"folder":"file:///ignored"}' },
      neither: { 'workspace.json': '{"configuration":"file:///x"}' },
      broken: { 'workspace.json': '{"folder":' },
      undecodable: { 'workspace.json': '{"folder":"::"}' },
    })
    const read = (name: string) => readStorageWorkspace(join(home.path, name))
    expect(await read('folder')).toEqual({ workspace: { key: '/home/dev/p', name: 'p', path: '/home/dev/p' } })
    expect(await read('multi')).toEqual({ workspace: { key: '/home/dev/x.code-workspace', name: 'x', path: '/home/dev/x.code-workspace' } })
    expect(await read('empty')).toEqual({ workspace: EMPTY_WINDOW })
    expect(await read('no-workspace')).toEqual({ workspace: EMPTY_WINDOW })
    expect(await read('neither')).toEqual({ workspace: null, problem: `${join(home.path, 'neither', 'workspace.json')}: names no folder or workspace` })
    expect(await read('broken')).toEqual({ workspace: null, problem: expect.stringMatching(/broken\/workspace\.json: invalid JSON \(.+\)$/) })
    expect(await read('undecodable')).toEqual({ workspace: null, problem: `${join(home.path, 'undecodable', 'workspace.json')}: cannot decode URI "::"` })
  })
})

describe('uriComponentsPath: serialized URIs inside sessions', () => {
  test.each([
    { uri: { $mid: 1, scheme: 'file', path: '/home/a/b.ts' }, path: '/home/a/b.ts' },
    { uri: { scheme: 'file', path: '/c:/Users/a.ts' }, path: 'c:\\Users\\a.ts' },
    { uri: { scheme: 'file', authority: 'server', path: '/share/x.ts' }, path: '\\\\server\\share\\x.ts' },
    { uri: { scheme: 'vscode-remote', authority: 'ssh-remote+box', path: '/srv/a.ts' }, path: 'ssh-remote+box:/srv/a.ts' },
    { uri: { scheme: 'untitled', path: 'Untitled-1' }, path: 'untitled://Untitled-1' },
    { uri: { scheme: 'file' }, path: null },
  ])('$path', ({ uri, path }) => {
    expect(uriComponentsPath(uri)).toBe(path)
  })
})
