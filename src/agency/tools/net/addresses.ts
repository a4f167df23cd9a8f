/**
 * IP addresses as `http_request` sees them: every spelling a URL parser or `getaddrinfo` accepts is read
 * to the address it means, and every address that is not a public destination says why.
 */

/**
 * An IPv4 address in any spelling `inet_aton` and the WHATWG URL parser accept — `127.0.0.1`,
 * `2130706433`, `0x7f.1`, `0177.0.0.01`, `127.1` — as a 32-bit number, or null if it is not one.
 */
export function parseIPv4(text: string): number | null {
  const parts = text.endsWith('.') ? text.slice(0, -1).split('.') : text.split('.')
  if (parts.length === 0 || parts.length > 4) return null
  const numbers: number[] = []
  for (const part of parts) {
    const value = ipv4Part(part)
    if (value === null) return null
    numbers.push(value)
  }
  // The last part fills every byte the earlier parts left: `127.1` is 127.0.0.1.
  const last = numbers.pop()!
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return null
  return numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), 0) + last
}

function ipv4Part(part: string): number | null {
  let digits = part
  let radix = 10
  if (/^0x/i.test(part)) {
    digits = part.slice(2)
    radix = 16
    if (digits === '') return 0
  } else if (part.length > 1 && part.startsWith('0')) {
    digits = part.slice(1)
    radix = 8
  }
  const valid = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/
  if (!valid.test(digits)) return null
  const value = Number.parseInt(digits, radix)
  return value <= 0xffffffff ? value : null
}

/** An IPv6 address (with an optional `%zone` and embedded dotted IPv4 tail) as 16 bytes, or null. */
export function parseIPv6(text: string): Uint8Array | null {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  if (!address.includes(':')) return null
  const halves = address.split('::')
  if (halves.length > 2) return null
  const groups = (half: string): number[] | null => {
    if (half === '') return []
    const out: number[] = []
    const pieces = half.split(':')
    for (const [i, piece] of pieces.entries()) {
      if (i === pieces.length - 1 && piece.includes('.')) {
        // Only the strict dotted form is allowed inside IPv6 (no hex or octal parts).
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(piece)) return null
        const bytes = piece.split('.').map(Number)
        if (bytes.some((b) => b > 255)) return null
        out.push(bytes[0]! * 256 + bytes[1]!, bytes[2]! * 256 + bytes[3]!)
      } else {
        if (!/^[0-9a-f]{1,4}$/i.test(piece)) return null
        out.push(Number.parseInt(piece, 16))
      }
    }
    return out
  }
  const head = groups(halves[0]!)
  const tail = halves.length === 2 ? groups(halves[1]!) : []
  if (!head || !tail) return null
  const missing = 8 - head.length - tail.length
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null
  const all = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  all.forEach((group, i) => {
    bytes[i * 2] = group >> 8
    bytes[i * 2 + 1] = group & 0xff
  })
  return bytes
}

type V4Range = [base: string, prefix: number, reason: string]

// Checked in order; the first match names the reason.
const V4_REFUSED: V4Range[] = [
  ['169.254.169.254', 32, 'a cloud metadata address'],
  ['168.63.129.16', 32, 'a cloud metadata address'],
  ['0.0.0.0', 8, 'an unspecified ("this network") address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['10.0.0.0', 8, 'a private address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.168.0.0', 16, 'a private address'],
  ['100.64.0.0', 10, 'a carrier-grade NAT (shared) address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['192.0.0.0', 24, 'a reserved address'],
  ['192.0.2.0', 24, 'a reserved (documentation) address'],
  ['198.51.100.0', 24, 'a reserved (documentation) address'],
  ['203.0.113.0', 24, 'a reserved (documentation) address'],
  ['192.88.99.0', 24, 'a reserved (6to4 relay) address'],
  ['198.18.0.0', 15, 'a reserved (benchmarking) address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
]

const V4_TABLE = V4_REFUSED.map(([base, prefix, reason]) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  return { network: (parseIPv4(base)! & mask) >>> 0, mask, reason }
})

/** Why an IPv4 address (a 32-bit number) is not a public destination, or null if it is one. */
export function refusedIPv4(value: number): string | null {
  for (const { network, mask, reason } of V4_TABLE) {
    if (((value & mask) >>> 0) === network) return reason
  }
  return null
}

const formatIPv4 = (value: number): string => [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.')
const v4At = (bytes: Uint8Array, offset: number): number =>
  ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0
const zeros = (bytes: Uint8Array, from: number, to: number): boolean => bytes.subarray(from, to).every((b) => b === 0)
const startsWith = (bytes: Uint8Array, prefix: number[]): boolean => prefix.every((b, i) => bytes[i] === b)

/** Why an embedded IPv4 address makes an IPv6 form unfit, naming the form. */
const embedded = (value: number, form: string): string | null => {
  const reason = refusedIPv4(value)
  return reason === null ? null : `${reason} (${formatIPv4(value)}) in ${form} form`
}

/** Why an IPv6 address (16 bytes) is not a public destination, or null if it is one. */
export function refusedIPv6(bytes: Uint8Array): string | null {
  if (zeros(bytes, 0, 16)) return 'an unspecified address'
  if (zeros(bytes, 0, 15) && bytes[15] === 1) return 'a loopback address'
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (translated), ::a.b.c.d (compatible): IPv4 in disguise.
  if (zeros(bytes, 0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return embedded(v4At(bytes, 12), 'IPv4-mapped')
  if (zeros(bytes, 0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zeros(bytes, 10, 12)) return embedded(v4At(bytes, 12), 'IPv4-translated')
  if (zeros(bytes, 0, 12)) return embedded(v4At(bytes, 12), 'IPv4-compatible') ?? 'a reserved address'
  // 64:ff9b::/96 is the well-known NAT64 prefix: it reaches the IPv4 address in its last 32 bits.
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b]) && zeros(bytes, 4, 12)) return embedded(v4At(bytes, 12), 'NAT64')
  if (startsWith(bytes, [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01])) return 'a local-use NAT64 address'
  if (startsWith(bytes, [0xfd, 0x00, 0x0e, 0xc2]) && zeros(bytes, 4, 14) && bytes[14] === 0x02 && bytes[15] === 0x54) return 'a cloud metadata address'
  const first = bytes[0]!
  if (first === 0xff) return 'a multicast address'
  if (first === 0xfe && (bytes[1]! & 0xc0) === 0x80) return 'a link-local address'
  if (first === 0xfe && (bytes[1]! & 0xc0) === 0xc0) return 'a site-local address'
  if ((first & 0xfe) === 0xfc) return 'a private (unique local) address'
  // Everything public lives in 2000::/3; the rest is reserved (discard-only 100::/64, ORCHID, …).
  if ((first & 0xe0) !== 0x20) return 'a reserved address'
  // 6to4: 2002:AABB:CCDD::/48 routes to the IPv4 address AA.BB.CC.DD.
  if (first === 0x20 && bytes[1] === 0x02) return embedded(v4At(bytes, 2), '6to4')
  if (startsWith(bytes, [0x20, 0x01, 0x0d, 0xb8])) return 'a reserved (documentation) address'
  // Teredo: 2001:0::/32 tunnels to the client's IPv4 address, stored inverted in the last 32 bits.
  if (startsWith(bytes, [0x20, 0x01, 0x00, 0x00])) {
    return embedded(~v4At(bytes, 12) >>> 0, 'Teredo') ?? embedded(v4At(bytes, 4), 'Teredo server')
  }
  return null
}

/** An address literal read in any spelling: its canonical text and why it is refused (null: public). */
export interface AddressVerdict {
  address: string
  family: 4 | 6
  refused: string | null
}

/** Reads an IP address literal (IPv4 in any `inet_aton` spelling, IPv6 with or without brackets); null if `text` is not one. */
export function classifyAddress(text: string): AddressVerdict | null {
  const v4 = parseIPv4(text)
  if (v4 !== null) return { address: formatIPv4(v4), family: 4, refused: refusedIPv4(v4) }
  const v6 = parseIPv6(text)
  if (v6 === null) return null
  return { address: formatIPv6(v6), family: 6, refused: refusedIPv6(v6) }
}

/** The shortest text of an IPv6 address: hex groups, the longest run of two or more zero groups as `::`. */
function formatIPv6(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!)
  let best = { start: -1, length: 1 }
  for (let i = 0; i < 8; i++) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.length) best = { start: i, length: j - i }
    i = j
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':')
  if (best.start < 0) return hex(groups)
  return `${hex(groups.slice(0, best.start))}::${hex(groups.slice(best.start + best.length))}`
}
