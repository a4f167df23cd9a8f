import { lookup } from 'node:dns/promises'
import { networkInterfaces } from 'node:os'
import { ToolError } from '../tool-error'
import { classifyAddress } from './addresses'

/** One address a host name resolved to. */
export interface ResolvedAddress {
  address: string
  family: 4 | 6
}

/**
 * Where `http_request` may connect: how names resolve and which addresses are refused. The default
 * allows public addresses only; tests substitute a resolver or admit a loopback test server.
 */
export interface Destinations {
  resolve(hostname: string): Promise<ResolvedAddress[]>
  /** Why the tool may not connect to this (canonical) address, or null if it may. */
  refusal(address: string): string | null
}

// Names that mean this machine or a cloud metadata service whatever the resolver answers.
const REFUSED_NAMES: Array<[test: (name: string) => boolean, reason: string]> = [
  [(name) => name === 'localhost' || name.endsWith('.localhost'), 'a loopback name'],
  [(name) => name === 'metadata.google.internal' || name === 'metadata.goog' || name === 'metadata', 'a cloud metadata name'],
]

/** The addresses of this machine's own interfaces, read at each call (interfaces come and go). */
function ownAddresses(): Set<string> {
  const own = new Set<string>()
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      const canonical = classifyAddress(info.address)?.address
      if (canonical) own.add(canonical)
    }
  }
  return own
}

/** Public addresses only, resolved by the system resolver; this machine's own addresses are refused too. */
export const PUBLIC_DESTINATIONS: Destinations = {
  async resolve(hostname) {
    const found = await lookup(hostname, { all: true, verbatim: true })
    return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }))
  },
  refusal(address) {
    const verdict = classifyAddress(address)
    if (!verdict) return 'not an IP address'
    if (verdict.refused) return verdict.refused
    // A public address of this very machine reaches chasm's own server as well as a loopback one would.
    return ownAddresses().has(verdict.address) ? "an address of this machine's own interfaces" : null
  },
}

/** A URL's host checked against `destinations`: the address to connect to (and nothing else). */
export interface CheckedDestination {
  /** The host name as written in the URL (for Host, TLS server name and messages). */
  hostname: string
  address: string
  family: 4 | 6
}

/**
 * Resolves `url`'s host and checks every address it resolves to: a name with one refused address is
 * refused whole (a resolver answering public and private addresses is exactly the DNS-rebinding
 * trick). The caller connects to the returned address, never to the name again.
 */
export async function checkDestination(url: URL, destinations: Destinations): Promise<CheckedDestination> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '')
  const name = hostname.toLowerCase().replace(/\.$/, '')
  const refuse = (reason: string): never => {
    throw new ToolError(`refused: ${url.host} is ${reason}; http_request reaches public addresses only`)
  }
  for (const [test, reason] of REFUSED_NAMES) if (test(name)) refuse(reason)
  const literal = classifyAddress(hostname)
  let resolved: ResolvedAddress[]
  if (literal) resolved = [{ address: literal.address, family: literal.family }]
  else {
    try {
      resolved = await destinations.resolve(hostname)
    } catch (error) {
      throw new ToolError(`cannot resolve ${hostname}: ${(error as Error).message}`)
    }
    if (resolved.length === 0) throw new ToolError(`cannot resolve ${hostname}: no addresses`)
  }
  const checked: ResolvedAddress[] = []
  for (const entry of resolved) {
    const canonical = classifyAddress(entry.address) ?? refuse(`resolved to something that is not an IP address (${entry.address})`)
    const reason = destinations.refusal(canonical.address)
    if (reason) refuse(literal ? reason : `${reason} (it resolves to ${canonical.address})`)
    checked.push({ address: canonical.address, family: canonical.family })
  }
  return { hostname, ...checked[0]! }
}
