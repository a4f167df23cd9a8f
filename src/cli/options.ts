import { Option } from 'clipanion'
import * as t from 'typanion'

/** `--limit N`: how many items a listing prints, with the same bounds as the API's `limit`. */
export const limitOption = (fallback: number, max: number) =>
  Option.String('--limit', String(fallback), {
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isInInclusiveRange(1, max)]),
    description: `How many to show (1..${max}, default ${fallback})`,
  })

/** `--offset N`: how many items a listing skips, for paging. */
export const offsetOption = () =>
  Option.String('--offset', '0', {
    validator: t.cascade(t.isNumber(), [t.isInteger(), t.isAtLeast(0)]),
    description: 'How many to skip, for paging (default 0)',
  })
