import pkg from '../../package.json'

/** The product version, from package.json (embedded at build time). */
export const VERSION: string = pkg.version
