import { join } from 'node:path'
import { configRoots, existing, type Provider } from '../provider'

/** Stable and "Next" channels: the editor's user dir name and its `~/.codeium` folder. */
const CHANNELS = [
  { product: 'Windsurf', codeium: 'windsurf' },
  { product: 'Windsurf - Next', codeium: 'windsurf-next' },
]

/**
 * Windsurf (Codeium Cascade), detect-only (docs/providers.md): its conversations are encrypted
 * protobuf files, so chasm only reports where they are. `user_settings.pb` is never touched.
 */
export const windsurf: Provider = {
  id: 'windsurf',
  name: 'Windsurf',
  kind: 'detect-only',
  locate(ctx) {
    return existing(
      CHANNELS.flatMap(({ product, codeium }) => [
        join(ctx.home, '.codeium', codeium, 'cascade'),
        ...configRoots(ctx).map((root) => join(root, product, 'User')),
      ]),
    )
  },
  async *discover() {},
  async *read() {},
}
