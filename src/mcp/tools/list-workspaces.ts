import { Type } from '@sinclair/typebox'
import { listWorkspaces, Workspace } from '../../db'
import { defineTool } from './tool'

const SHOWN = 500

/** `list_workspaces`: the project folders the history covers, per assistant. */
export const listWorkspacesTool = defineTool({
  name: 'list_workspaces',
  title: 'List project folders',
  description:
    `The project folders (workspaces) the history covers, newest activity first (at most ${SHOWN}): id, name, path, ` +
    'assistant (provider), session count, last update. The same folder used from two assistants is two workspaces. ' +
    'Pass an id as `workspace` to search_sessions or list_sessions.',
  input: Type.Object({}, { additionalProperties: false }),
  output: Type.Object({
    workspaces: Type.Array(Workspace),
    total: Type.Integer({ minimum: 0, description: `how many workspaces there are (only the newest ${SHOWN} are listed)` }),
  }),
  run({ sqlite }) {
    const page = listWorkspaces(sqlite, {}, { limit: SHOWN, offset: 0 })
    return { workspaces: page.items, total: page.meta.total }
  },
})
