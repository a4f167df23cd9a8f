import { Type } from '@sinclair/typebox'
import { getStats, Stats } from '../../db'
import { defineTool } from './tool'

/** `get_stats`: totals over the whole history. */
export const getStatsTool = defineTool({
  name: 'get_stats',
  title: 'History totals',
  description: 'Totals over the whole history: sessions, messages, workspaces and tool calls, per assistant (provider), database size, last harvest.',
  input: Type.Object({}, { additionalProperties: false }),
  output: Stats,
  run: ({ sqlite, dbPath }) => getStats(sqlite, dbPath),
})
