import { describe, expect, test } from 'bun:test'
import { sumCounts, tokenUsage, withoutCached } from '../../../src/harvest/read/usage'

describe('token usage helpers', () => {
  test('recorded counts become a usage; counts that are not non-negative integers are null', () => {
    expect(tokenUsage({ inputTokens: 10, outputTokens: 2.5, cacheReadTokens: -1, cacheWrite5mTokens: '7' })).toEqual({
      inputTokens: 10,
      outputTokens: null,
      cacheReadTokens: null,
      cacheWrite5mTokens: null,
      cacheWrite1hTokens: null,
    })
  })

  test('no recorded count at all is no usage', () => {
    expect(tokenUsage({})).toBeNull()
    expect(tokenUsage({ inputTokens: undefined, outputTokens: null })).toBeNull()
  })

  test('a prompt count less its cache reads; inconsistent or missing counts', () => {
    expect(withoutCached(900, 800)).toBe(100)
    expect(withoutCached(900, undefined)).toBe(900)
    expect(withoutCached(100, 800)).toBeNull()
    expect(withoutCached(undefined, 800)).toBeNull()
  })

  test('sums only what was recorded', () => {
    expect(sumCounts(40, 12)).toBe(52)
    expect(sumCounts(40, undefined)).toBe(40)
    expect(sumCounts(undefined, null)).toBeNull()
  })
})
