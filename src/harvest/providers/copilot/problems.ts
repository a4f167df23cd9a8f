/** Problems of one source, capped so a file with a million bad lines yields a short report. */
export class ProblemList {
  readonly items: string[] = []
  private dropped = 0

  constructor(private readonly limit = 20) {}

  add(message: string): void {
    if (this.items.length < this.limit) this.items.push(message)
    else this.dropped += 1
  }

  /** The kept messages plus one line counting the dropped ones. */
  list(): string[] {
    return this.dropped === 0 ? [...this.items] : [...this.items, `…and ${this.dropped} more problems`]
  }
}
