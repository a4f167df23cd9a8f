import { Type } from '@sinclair/typebox'
import { defineTool, ToolError } from './tool'

// Maps, not object literals: a name like `constructor` must not find Object.prototype members.
const FUNCTIONS = new Map<string, (...args: number[]) => number>(Object.entries({
  sqrt: Math.sqrt, abs: Math.abs, sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos,
  atan: Math.atan, ln: Math.log, log: Math.log10, log2: Math.log2, exp: Math.exp, floor: Math.floor, ceil: Math.ceil,
  round: Math.round, min: Math.min, max: Math.max, pow: Math.pow,
}))
const CONSTANTS = new Map(Object.entries({ pi: Math.PI, e: Math.E }))

type Token = { kind: 'number'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string }

function tokenize(expression: string): Token[] {
  const tokens: Token[] = []
  const pattern = /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|(\*\*|[-+*/%^(),]))/y
  let index = 0
  while (index < expression.length) {
    if (/^\s*$/.test(expression.slice(index))) break
    pattern.lastIndex = index
    const match = pattern.exec(expression)
    if (!match) throw new ToolError(`unexpected character '${expression.slice(index).trim()[0]}' at position ${index + 1}`)
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]) })
    else if (match[2] !== undefined) tokens.push({ kind: 'name', value: match[2].toLowerCase() })
    else tokens.push({ kind: 'op', value: match[3] === '**' ? '^' : match[3]! })
    index = pattern.lastIndex
  }
  return tokens
}

/**
 * Evaluates an arithmetic expression with a recursive-descent parser (never `eval`):
 * `+ - * / % ^` (or `**`), parentheses, unary minus, constants `pi`, `e`, and functions like `sqrt(x)`, `max(a, b)`.
 */
export function evaluate(expression: string): number {
  const tokens = tokenize(expression)
  let position = 0
  const peek = () => tokens[position]
  const isOp = (value: string) => {
    const token = peek()
    return token?.kind === 'op' && token.value === value
  }
  const expect = (value: string) => {
    if (!isOp(value)) throw new ToolError(`expected '${value}'`)
    position++
  }

  // sum := product (('+'|'-') product)*
  const sum = (): number => {
    let value = product()
    while (isOp('+') || isOp('-')) {
      const op = tokens[position++]!.value
      value = op === '+' ? value + product() : value - product()
    }
    return value
  }
  // product := unary (('*'|'/'|'%') unary)*
  const product = (): number => {
    let value = unary()
    while (isOp('*') || isOp('/') || isOp('%')) {
      const op = tokens[position++]!.value
      const right = unary()
      value = op === '*' ? value * right : op === '/' ? value / right : value % right
    }
    return value
  }
  // unary := ('-'|'+') unary | power
  const unary = (): number => {
    if (isOp('-')) {
      position++
      return -unary()
    }
    if (isOp('+')) {
      position++
      return unary()
    }
    return power()
  }
  // power := atom ('^' unary)?   (right-associative, binds tighter than unary minus on its left: -2^2 = -4)
  const power = (): number => {
    const base = atom()
    if (isOp('^')) {
      position++
      return base ** unary()
    }
    return base
  }
  const atom = (): number => {
    const token = tokens[position++]
    if (!token) throw new ToolError('unexpected end of expression')
    if (token.kind === 'number') return token.value
    if (token.kind === 'op' && token.value === '(') {
      const value = sum()
      expect(')')
      return value
    }
    if (token.kind === 'name') {
      const fn = FUNCTIONS.get(token.value)
      if (fn && isOp('(')) {
        position++
        const args = [sum()]
        while (isOp(',')) {
          position++
          args.push(sum())
        }
        expect(')')
        return fn(...args)
      }
      const constant = CONSTANTS.get(token.value)
      if (constant !== undefined) return constant
      throw new ToolError(`unknown name '${token.value}'`)
    }
    throw new ToolError(`unexpected '${token.value}'`)
  }

  if (tokens.length === 0) throw new ToolError('empty expression')
  const value = sum()
  if (position < tokens.length) throw new ToolError(`unexpected '${tokens[position]!.value}'`)
  return value
}

/** Evaluates arithmetic exactly as written, without eval. */
export const calculator = defineTool({
  name: 'calculator',
  description: 'Evaluate an arithmetic expression: + - * / % ^, parentheses, pi, e, sqrt, abs, sin, cos, tan, ln, log, exp, floor, ceil, round, min, max, pow.',
  parameters: Type.Object({ expression: Type.String({ minLength: 1, maxLength: 1000 }) }),
  async run({ expression }) {
    const value = evaluate(expression)
    if (!Number.isFinite(value)) throw new ToolError(`the result is not a finite number (${value})`)
    return String(value)
  },
})
