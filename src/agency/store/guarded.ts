import type { ChasmError } from '../../shared/errors'

const constraint = (error: unknown, kind: 'UNIQUE' | 'FOREIGNKEY'): boolean =>
  (error as { code?: unknown })?.code === `SQLITE_CONSTRAINT_${kind}`

/**
 * Runs a write, turning constraint failures into the errors the caller chooses: uniqueness and
 * "in use" come from the schema's constraints, never from a read before the write.
 */
export function guarded<T>(write: () => T, onUnique: () => ChasmError, onForeignKey: () => ChasmError): T {
  try {
    return write()
  } catch (error) {
    if (constraint(error, 'UNIQUE')) throw onUnique()
    if (constraint(error, 'FOREIGNKEY')) throw onForeignKey()
    throw error
  }
}
