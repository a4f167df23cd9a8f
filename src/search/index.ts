export { toFtsQuery, MIN_PREFIX_LENGTH, type FtsQuery } from './fts-query'
export { searchSessions, SearchResult, RANK_WINDOW, type SearchOptions } from './store'
export { checkQueryShape, MAX_QUERY_CHARS, MAX_QUERY_TERMS } from './query-shape'
