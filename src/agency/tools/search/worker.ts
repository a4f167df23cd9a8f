/**
 * Entry of the `code_search` worker thread (a build entry point of its own, see scripts/build.ts):
 * one job in, "started", then the result out. The tool terminates the thread when it is done with it.
 */
import { scanWorkspace, type SearchJob } from './scan'

/** What the worker answers. */
export type SearchReply = { type: 'started' } | { type: 'done'; ok: boolean; output: string }

declare const self: { onmessage: ((event: MessageEvent<SearchJob>) => void) | null; postMessage(reply: SearchReply): void }

self.onmessage = ({ data }) => {
  self.postMessage({ type: 'started' })
  try {
    self.postMessage({ type: 'done', ok: true, output: scanWorkspace(data) })
  } catch (error) {
    self.postMessage({ type: 'done', ok: false, output: error instanceof Error ? error.message : String(error) })
  }
}
