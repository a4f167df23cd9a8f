export { createApp, type App } from './app'
export { listen, type RunningServer } from './server'
export type { SecurityConfig } from './security'
export type { AppDeps } from './deps'
