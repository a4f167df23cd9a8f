/** A refused or failed tool call, reported to the model as a tool error (never a crash of the run). */
export class ToolError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'ToolError'
  }
}
