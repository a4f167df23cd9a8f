import type { Provider } from './provider'
import { aider } from './providers/aider'
import { claudeCode } from './providers/claude-code'
import { cline } from './providers/cline'
import { codex } from './providers/codex'
import { continueDev } from './providers/continue'
import { copilotProvider } from './providers/copilot'
import { copilotCli } from './providers/copilot-cli'
import { crush } from './providers/crush'
import { cursor } from './providers/cursor'
import { geminiCli } from './providers/gemini-cli'
import { goose } from './providers/goose'
import { opencode } from './providers/opencode'
import { pi } from './providers/pi'
import { qwenCode } from './providers/qwen-code'
import { windsurf } from './providers/windsurf'
import { zed } from './providers/zed'

/** Every supported provider, in display order. The only file that imports `providers/*`. */
export const PROVIDERS: readonly Provider[] = [
  copilotProvider,
  claudeCode,
  cursor,
  codex,
  geminiCli,
  copilotCli,
  opencode,
  cline,
  continueDev,
  aider,
  goose,
  crush,
  qwenCode,
  pi,
  zed,
  windsurf,
]

/** The provider with this id, if any. */
export const providerById = (id: string): Provider | undefined => PROVIDERS.find((p) => p.id === id)
