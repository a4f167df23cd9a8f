export { harvestInThread, type HarvestThread } from './harvest-worker'
export { createSearchPool, type SearchPool } from './search-pool'
export { WORKER_ENTRIES } from './thread'
