export { toFtsQuery, MIN_PREFIX_LENGTH, type FtsQuery } from './fts-query'
export { searchSessions, SearchResult, RANK_WINDOW, type SearchOptions } from './store'
