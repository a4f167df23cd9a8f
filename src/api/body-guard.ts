import { ChasmError } from '../shared/errors'

/** Own keys that make a plain object throw when Elysia turns it into text (`${value}`). */
const TRAPS = ['toString', 'valueOf']

/** The first object at or under `value` with a trap key, and where it is (`tools.0`, or '' for the body itself). */
function findTrap(value: unknown, path: string): { path: string; key: string } | null {
  if (typeof value !== 'object' || value === null) return null
  if (!Array.isArray(value)) {
    const key = TRAPS.find((name) => Object.hasOwn(value, name) && typeof (value as Record<string, unknown>)[name] !== 'function')
    if (key !== undefined) return { path, key }
  }
  for (const [key, item] of Object.entries(value)) {
    const found = findTrap(item, path === '' ? key : `${path}.${key}`)
    if (found) return found
  }
  return null
}

/**
 * Elysia writes its validation message with `${value}`: a JSON object with its own `toString` or
 * `valueOf` key (`{"name": {"toString": 1}}`) makes that throw a TypeError, which would surface as a 500.
 * The bodies Elysia validates (agents, swarms) accept no such object anywhere, so they are refused
 * here, before validation, with the field named.
 */
export function refuseConversionTraps({ body }: { body: unknown }): void {
  const trap = findTrap(body, '')
  if (trap === null) return
  if (trap.path === '') throw new ChasmError('BAD_REQUEST', `Unknown body field '${trap.key}'`)
  throw new ChasmError('BAD_REQUEST', `Invalid body field '${trap.path}': expected a value of its documented type, not an object with a '${trap.key}' field`)
}
