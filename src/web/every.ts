/**
 * A runtime list of every member of a string union, checked by the compiler both ways: a value
 * outside the union or a member left out fails `tsc`. (The server's own constant lists would pull
 * its schema library into the page.)
 */
export const every =
  <T extends string>() =>
  <const L extends readonly T[]>(list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : { missing: Exclude<T, L[number]> })): L =>
    list
