import { expect, test } from 'bun:test'
import { titleFrom } from '../../../src/harvest/read/title'

test('titleFrom takes the first non-empty line, collapses whitespace and cuts at 50 characters', () => {
  expect(
    [
      '\n\n  Fix   the\tlogin flow  \nsecond line',
      'x'.repeat(50),
      'y'.repeat(51),
      `${'日本語'.repeat(20)}`,
      `${'🚀'.repeat(60)}`,
      '   \n  ',
      null,
      undefined,
    ].map((text) => titleFrom(text)),
  ).toEqual(['Fix the login flow', 'x'.repeat(50), `${'y'.repeat(49)}…`, `${'日本語'.repeat(16)}日…`, `${'🚀'.repeat(49)}…`, null, null, null])
})
