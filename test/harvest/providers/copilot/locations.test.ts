import { describe, expect, test } from 'bun:test'
import { EDITORS, userDirs } from '../../../../src/harvest/providers/copilot/locations'

const pathsOf = (ctx: Parameters<typeof userDirs>[0]) => userDirs(ctx).map((dir) => `${dir.editor} | ${dir.path}`)
const editorsUnder = (root: string) => EDITORS.map((editor) => `${editor} | ${root}/${editor}/User`)
const packages = (home: string) => [
  `Code | ${home}/.var/app/com.visualstudio.code/config/Code/User`,
  `Code - Insiders | ${home}/.var/app/com.visualstudio.code.insiders/config/Code - Insiders/User`,
  `Code - OSS | ${home}/.var/app/com.visualstudio.code-oss/config/Code - OSS/User`,
  `VSCodium | ${home}/.var/app/com.vscodium.codium/config/VSCodium/User`,
  `VSCodium - Insiders | ${home}/.var/app/com.vscodium.codium-insiders/config/VSCodium - Insiders/User`,
  `Code | ${home}/snap/code/current/.config/Code/User`,
  `Code - Insiders | ${home}/snap/code-insiders/current/.config/Code - Insiders/User`,
  `VSCodium | ${home}/snap/codium/current/.config/VSCodium/User`,
]

describe('userDirs', () => {
  test('Linux honours XDG_CONFIG_HOME and adds Flatpak and Snap profiles', () => {
    expect(pathsOf({ home: '/home/u', homeOverridden: false, platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg' } })).toEqual([
      ...editorsUnder('/xdg'),
      ...packages('/home/u'),
    ])
  })

  test('macOS uses Application Support only', () => {
    expect(pathsOf({ home: '/Users/u', homeOverridden: false, platform: 'darwin', env: {} })).toEqual(editorsUnder('/Users/u/Library/Application Support'))
  })

  test('Windows uses APPDATA and a portable install named by VSCODE_PORTABLE', () => {
    expect(pathsOf({ home: '/c/Users/u', homeOverridden: false, platform: 'win32', env: { APPDATA: '/roaming', VSCODE_PORTABLE: '/portable/data' } })).toEqual([
      ...editorsUnder('/roaming'),
      'Code (portable) | /portable/data/user-data/User',
    ])
  })

  test('an overridden home probes the layout of every OS', () => {
    expect(pathsOf({ home: '/backup', homeOverridden: true, platform: 'darwin', env: {} })).toEqual([
      ...editorsUnder('/backup/.config'),
      ...editorsUnder('/backup/Library/Application Support'),
      ...editorsUnder('/backup/AppData/Roaming'),
      ...packages('/backup'),
    ])
  })
})
