import type { Provider } from './provider'
import { claudeCode } from './providers/claude-code'
import { codex } from './providers/codex'
import { copilotProvider } from './providers/copilot'
import { copilotCli } from './providers/copilot-cli'
import { geminiCli } from './providers/gemini-cli'

/** Every supported provider, in display order. The only file that imports `providers/*`. */
export const PROVIDERS: readonly Provider[] = [
  copilotProvider,
  claudeCode,
  codex,
  geminiCli,
  copilotCli,
]

/** The provider with this id, if any. */
export const providerById = (id: string): Provider | undefined => PROVIDERS.find((p) => p.id === id)
