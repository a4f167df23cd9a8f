import { useEffect, useRef } from 'preact/hooks'
import { submitToken, tokenPrompt } from '../api/token'

/** Asks for the server's token when the API says one is needed (kept for this tab only). */
export function TokenDialog() {
  const dialog = useRef<HTMLDialogElement>(null)
  const input = useRef<HTMLInputElement>(null)
  const prompt = tokenPrompt.value
  useEffect(() => {
    if (prompt && !dialog.current?.open) dialog.current?.showModal()
    if (!prompt && dialog.current?.open) dialog.current.close()
  }, [prompt])
  return (
    <dialog ref={dialog} class="token-dialog" aria-labelledby="token-title" onCancel={(event) => event.preventDefault()}>
      <form
        method="dialog"
        onSubmit={(event) => {
          event.preventDefault()
          const value = input.current?.value.trim() ?? ''
          if (value) submitToken(value)
        }}
      >
        <h2 id="token-title">This server needs its token</h2>
        <p>
          {prompt?.retry ? 'That token was refused. ' : ''}
          Enter the token chasm was started with (<code>--token</code>, <code>CHASM_API_TOKEN</code>, or the <code>api-token</code> file in
          its data folder). It is kept for this tab only.
        </p>
        <label for="token-input">Token</label>
        <input id="token-input" ref={input} type="password" autocomplete="off" required autofocus />
        <div class="actions">
          <button type="submit" class="primary">
            Continue
          </button>
        </div>
      </form>
    </dialog>
  )
}
