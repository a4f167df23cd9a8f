import { TransformDecodeError } from '@sinclair/typebox/value'

// Elysia recognises a failed decode of a query, path or body value by `error.constructor.name ===
// 'TransformDecodeError'`, and silently ignores any other error there. The release binary is
// minified, which renames the class: without its name restored, a query parameter whose decoder
// refused it (`?limit=600`) would reach the handler undecoded. Imported once by `app.ts`.
Object.defineProperty(TransformDecodeError, 'name', { value: 'TransformDecodeError' })
