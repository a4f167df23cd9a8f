import { Option } from 'clipanion'
import * as t from 'typanion'
import type { PageSize } from '../db'

/** `--limit N`: how many items a listing prints, with the API's bounds and default for the same list. */
export const limitOption = (size: PageSize) =>
  Option.String('--limit', String(size.default), {
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, size.max)]),
    description: `How many to show (1..${size.max}, default ${size.default})`,
  })

/** `--offset N`: how many items a listing skips, for paging. */
export const offsetOption = () =>
  Option.String('--offset', '0', {
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(0)]),
    description: 'How many to skip, for paging (default 0)',
  })
