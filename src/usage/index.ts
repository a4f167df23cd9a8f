export { usageReport, dayOf, type UsageRequest } from './report'
export { EMBEDDED_PRICES, PriceTable, ModelPrice, checkPriceTable, loadPriceFile, modelKey, ratesFor } from './prices'
