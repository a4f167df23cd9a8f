export { toFtsQuery, MIN_PREFIX_LENGTH, type FtsQuery, type Phrase } from './fts-query'
export { searchSessions, shownScore, SearchResult, READ_BUDGET_BYTES, type SearchOptions } from './search'
export { SearchSort } from './rank'
export { checkQueryShape, MAX_QUERY_CHARS, MAX_QUERY_TERMS } from './query-shape'
