import { describe, expect, test } from 'bun:test'
import { classifyAddress, parseIPv4 } from '../../../../src/agency/tools/net/addresses'

const verdict = (text: string) => {
  const result = classifyAddress(text)
  return result === null ? 'not an address' : `${result.address}: ${result.refused ?? 'public'}`
}

describe('IPv4 spellings', () => {
  test('every inet_aton / URL spelling of 127.0.0.1 reads as 127.0.0.1', () => {
    const spellings = ['127.0.0.1', '2130706433', '0x7f000001', '0X7F000001', '017700000001', '0x7f.1', '127.1', '127.0.1', '0177.0.0.01', '0x7f.0x0.0x0.0x1', '127.0.0.1.', '0x7f.000.00.01']
    expect(spellings.map((s) => classifyAddress(s)?.address)).toEqual(spellings.map(() => '127.0.0.1'))
  })

  test('what is not an IPv4 address is not read as one', () => {
    expect(['', '1.2.3.4.5', '256.1.1.1', '1.2.3.256', '4294967296', '08', '0x1g', '1..2', 'example.com', '1.2.3.a', '-1', '1e3'].map(parseIPv4)).toEqual(Array(12).fill(null))
    expect([parseIPv4('0'), parseIPv4('0x'), parseIPv4('4294967295'), parseIPv4('1.16777215')]).toEqual([0, 0, 0xffffffff, 0x01ffffff])
  })
})

describe('refused destinations', () => {
  test('loopback, private, link-local, CGNAT, metadata, unspecified, multicast and reserved IPv4', () => {
    expect(
      ['127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.255',
        '0.0.0.0', '0', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '192.0.2.1', '198.18.0.1', '168.63.129.16', '0xa9fea9fe', '3232235777'].map(verdict),
    ).toEqual([
      '127.0.0.1: a loopback address', '127.255.255.254: a loopback address', '10.0.0.1: a private address', '172.16.0.1: a private address',
      '172.31.255.255: a private address', '192.168.1.1: a private address', '169.254.1.1: a link-local address', '169.254.169.254: a cloud metadata address',
      '100.64.0.1: a carrier-grade NAT (shared) address', '100.127.255.255: a carrier-grade NAT (shared) address',
      '0.0.0.0: an unspecified ("this network") address', '0.0.0.0: an unspecified ("this network") address', '224.0.0.1: a multicast address',
      '239.255.255.250: a multicast address', '255.255.255.255: a reserved address', '240.0.0.1: a reserved address',
      '192.0.2.1: a reserved (documentation) address', '198.18.0.1: a reserved (benchmarking) address', '168.63.129.16: a cloud metadata address',
      '169.254.169.254: a cloud metadata address', '192.168.1.1: a private address',
    ])
  })

  test('IPv6: loopback, unspecified, unique local, link-local, multicast, metadata, and IPv4 in every disguise', () => {
    expect(
      ['::1', '[::1]', '::', '0:0:0:0:0:0:0:1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'febf::1', 'ff02::1', 'fd00:ec2::254', 'fec0::1', '100::1', '2001:db8::1',
        '::ffff:127.0.0.1', '::ffff:7f00:1', '[::ffff:7f00:1]', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe', '::ffff:0:10.0.0.1', '::127.0.0.1', '::0.0.0.2', '::8.8.8.8',
        '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b:1::1', '2002:7f00:1::1', '2002:c0a8:101::', '2001:0:4136:e378:8000:63bf:80ff:fffe'].map(verdict),
    ).toEqual([
      '::1: a loopback address', '::1: a loopback address', '::: an unspecified address', '::1: a loopback address', 'fc00::1: a private (unique local) address',
      'fd12:3456::1: a private (unique local) address', 'fe80::1: a link-local address', 'fe80::1: a link-local address', 'febf::1: a link-local address',
      'ff02::1: a multicast address', 'fd00:ec2::254: a cloud metadata address', 'fec0::1: a site-local address', '100::1: a reserved address',
      '2001:db8::1: a reserved (documentation) address',
      '::ffff:7f00:1: a loopback address (127.0.0.1) in IPv4-mapped form', '::ffff:7f00:1: a loopback address (127.0.0.1) in IPv4-mapped form',
      '::ffff:7f00:1: a loopback address (127.0.0.1) in IPv4-mapped form', '::ffff:a9fe:a9fe: a cloud metadata address (169.254.169.254) in IPv4-mapped form',
      '::ffff:a9fe:a9fe: a cloud metadata address (169.254.169.254) in IPv4-mapped form', '::ffff:0:a00:1: a private address (10.0.0.1) in IPv4-translated form',
      '::7f00:1: a loopback address (127.0.0.1) in IPv4-compatible form', '::2: an unspecified ("this network") address (0.0.0.2) in IPv4-compatible form',
      '::808:808: a reserved address', '64:ff9b::7f00:1: a loopback address (127.0.0.1) in NAT64 form',
      '64:ff9b::a9fe:a9fe: a cloud metadata address (169.254.169.254) in NAT64 form', '64:ff9b:1::1: a local-use NAT64 address',
      '2002:7f00:1::1: a loopback address (127.0.0.1) in 6to4 form', '2002:c0a8:101::: a private address (192.168.1.1) in 6to4 form',
      '2001:0:4136:e378:8000:63bf:80ff:fffe: a loopback address (127.0.0.1) in Teredo form',
    ])
  })

  test('public addresses pass, including IPv4 reached through public NAT64, 6to4 and mapped forms', () => {
    expect(['8.8.8.8', '1.1.1.1', '134744072', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '2a00:1450::1', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1'].map(verdict)).toEqual([
      '8.8.8.8: public', '1.1.1.1: public', '8.8.8.8: public', '172.32.0.1: public', '100.128.0.1: public', '2606:4700::1111: public', '2a00:1450::1: public',
      '::ffff:808:808: public', '64:ff9b::808:808: public', '2002:808:808::1: public',
    ])
  })

  test('host names and malformed IPv6 are not addresses', () => {
    expect(['example.com', 'localhost', '1:2:3:4:5:6:7:8:9', '1::2::3', '12345::', '::ffff:1.2.3', '::ffff:1.2.3.0x4', 'g::1', ':::'].map(verdict)).toEqual(Array(9).fill('not an address'))
  })
})
