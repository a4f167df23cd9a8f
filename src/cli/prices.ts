import { UsageError } from 'clipanion'
import { EMBEDDED_PRICES, loadPriceFile, type PriceTable } from '../usage'

/** The price table of `--prices FILE`, or the embedded one; a bad file is a usage error (exit 2) in one line. */
export async function pricesFrom(path: string | undefined): Promise<PriceTable> {
  if (path === undefined) return EMBEDDED_PRICES
  try {
    return await loadPriceFile(path)
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}
