import { expect, test } from 'bun:test'
import { join } from 'node:path'
import { readJsonFile } from '../../../src/harvest/read/json-file'
import { tempHome } from '../../support/temp'

test('readJsonFile tolerates a BOM and NUL padding, and says why a file cannot be read', async () => {
  using dir = tempHome({
    'bom.json': '\uFEFF{"a": 1}',
    'padded.json': new Uint8Array([...new TextEncoder().encode('[1, 2]'), 0, 0, 0]),
    'empty.json': '',
    'cut.json': '{"a": [1, 2',
    folder: {},
  })
  const read = (name: string) => readJsonFile(join(dir.path, name))
  expect(await read('bom.json')).toEqual({ ok: true, value: { a: 1 } })
  expect(await read('padded.json')).toEqual({ ok: true, value: [1, 2] })
  expect(await read('empty.json')).toEqual({ ok: false, error: 'empty file', missing: false })
  expect(await read('cut.json')).toEqual({ ok: false, error: expect.any(String), missing: false })
  expect(await read('folder')).toEqual({ ok: false, error: 'not a file', missing: false })
  expect(await read('absent.json')).toEqual({ ok: false, error: 'file not found', missing: true })
  expect(await readJsonFile(join(dir.path, 'bom.json'), 4)).toEqual({ ok: false, error: 'file larger than 4 bytes skipped', missing: false })
})
