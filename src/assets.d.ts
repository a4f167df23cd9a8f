// Text and file imports embedded by `bun build --compile` (the migrations in `src/db/migrations/index.ts`, the Swagger UI assets in `src/api/docs.ts`).
declare module '*.sql' {
  const text: string
  export default text
}
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const path: string
  export default path
}
declare module 'swagger-ui-dist/swagger-ui.css' {
  const path: string
  export default path
}
