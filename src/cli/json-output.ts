import type { TSchema } from '@sinclair/typebox'
import { Ok, Paged } from '../api'

/**
 * What a command prints with `--json` (docs/cli.md, "JSON output"): one envelope whose `data` is `schema`
 * (`data`), one paginated envelope whose `data` is a list of `schema` with `meta` (`page`), or JSON Lines,
 * one envelope per line whose `data` is `schema` (`lines`, for streams).
 */
export interface JsonOutput {
  kind: 'data' | 'page' | 'lines'
  schema: TSchema
}

/** `--json` prints `{"success": true, "data": <schema>}`. */
export const dataOutput = (schema: TSchema): JsonOutput => ({ kind: 'data', schema })

/** `--json` prints `{"success": true, "data": [<schema>…], "meta": {total, limit, offset}}`. */
export const pageOutput = (schema: TSchema): JsonOutput => ({ kind: 'page', schema })

/** `--json` prints JSON Lines, each `{"success": true, "data": <schema>}`. */
export const linesOutput = (schema: TSchema): JsonOutput => ({ kind: 'lines', schema })

/** The schema a successful `--json` output matches: the whole output, or each line of a stream. */
export const envelopeOf = (output: JsonOutput): TSchema => (output.kind === 'page' ? Paged(output.schema) : Ok(output.schema))
