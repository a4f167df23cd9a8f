/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback addresses. */
export function isLoopbackAddress(address: string | null): boolean {
  if (!address) return false
  const ip = address.replace(/^::ffff:/i, '')
  return ip === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(ip)
}

/** True for a bind host that only loopback clients can reach (`localhost`, `127.x`, `::1`, `[::1]`). */
export const isLoopbackHost = (host: string): boolean =>
  host.toLowerCase() === 'localhost' || isLoopbackAddress(host.replace(/^\[|\]$/g, ''))
