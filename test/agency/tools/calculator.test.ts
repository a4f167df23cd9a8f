import { describe, expect, test } from 'bun:test'
import { runTool, TOOLS } from '../../../src/agency/tools'
import { evaluate } from '../../../src/agency/tools/calculator'
import { toolContext } from '../support/tools'

describe('calculator', () => {
  test('precedence, associativity, unary minus, functions and constants', () => {
    const cases = ['1 + 2 * 3', '(1 + 2) * 3', '2 ^ 3 ^ 2', '2 ** 10', '-2 ^ 2', '2 ^ -1', '10 % 4', '7 / 2', 'sqrt(16) + abs(-3)', 'max(1, 5, 3) - min(4, 2)', 'round(pi * 100) / 100', 'ln(e)', 'log(1000)', '1.5e3 + .5', '- - 3', 'pow(2, 8)']
    expect(cases.map(evaluate)).toEqual([7, 9, 512, 1024, -4, 0.5, 2, 3.5, 7, 3, 3.14, 1, 3, 1500.5, 3, 256])
  })

  test('never evaluates code: anything outside arithmetic is a tool error', async () => {
    const ctx = toolContext('.')
    const outcomes = await Promise.all(
      ['process.exit(1)', 'constructor', '1 +', '(1', '2 3', '1 / 0', 'sqrt(-1)', 'foo(2)', '1; 2', '"a"'].map((expression) =>
        runTool(TOOLS.calculator, { expression }, ctx),
      ),
    )
    expect(outcomes).toEqual([
      { ok: false, output: "unexpected character '.' at position 8" },
      { ok: false, output: "unknown name 'constructor'" },
      { ok: false, output: 'unexpected end of expression' },
      { ok: false, output: "expected ')'" },
      { ok: false, output: "unexpected '3'" },
      { ok: false, output: 'the result is not a finite number (Infinity)' },
      { ok: false, output: 'the result is not a finite number (NaN)' },
      { ok: false, output: "unknown name 'foo'" },
      { ok: false, output: "unexpected character ';' at position 2" },
      { ok: false, output: `unexpected character '"' at position 1` },
    ])
    expect(await runTool(TOOLS.calculator, { expression: '6 * 7' }, ctx)).toEqual({ ok: true, output: '42' })
  })
})
