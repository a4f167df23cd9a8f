import { describe, expect, test } from 'bun:test'
import { toFtsQuery } from '../../src/search'

describe('toFtsQuery', () => {
  test.each([
    ['authentication', '"authentication"'],
    ['auth token', '"auth" "token"'],
    ['"refresh token" rotate', '"refresh token" "rotate"'],
    ['auth*', '"auth"*'],
    ['a*', '"a"'],
    ['AND OR NOT', '"AND" "OR" "NOT"'],
    ['NEAR(a b', '"NEAR(a" "b"'],
    ['col:term', '"col:term"'],
    ['say "hi', '"say" "hi"'],
    ['he said ""quoted""', '"he" "said" "quoted"'],
    ['x"y', '"xy"'],
  ])('%s → %s', (input, expected) => {
    expect(toFtsQuery(input)?.expression).toBe(expected)
  })

  test.each(['', '   ', '"', '""', '***', '()', '🎉🎉', '-- ;'])('%j has nothing searchable', (input) => {
    expect(toFtsQuery(input)).toBeNull()
  })
})
