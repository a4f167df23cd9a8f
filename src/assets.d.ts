// Text and file imports embedded by `bun build --compile` (see stack-notes: migrations, docs assets).
declare module '*.sql' {
  const text: string
  export default text
}
