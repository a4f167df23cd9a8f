/** Which methods each route path accepts, so a wrong method gets 405 instead of 404. */
export function routeMethods() {
  let patterns: { pattern: RegExp; method: string }[] = []
  return {
    register(routes: readonly { method: string; path: string }[]) {
      // The web app's catch-all GET serves pages; it must not turn POST on an unknown path into a 405.
      patterns = routes.filter(({ path }) => path !== '/*').map(({ method, path }) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\*/g, '.*')}/?$`),
      }))
    },
    forPath(path: string): string[] {
      const methods = new Set(patterns.filter(({ pattern }) => pattern.test(path)).map(({ method }) => method))
      if (methods.has('GET')) methods.add('HEAD')
      return [...methods]
    },
  }
}
