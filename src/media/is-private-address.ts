import { BlockList, isIP } from "node:net";

/**
 * Addresses a downloaded URL must not reach unless the operator allows it: loopback, private,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, reserved and
 * documentation ranges (IANA special-purpose registries for IPv4 and IPv6).
 */
const refusedIpv4Networks: ReadonlyArray<readonly [network: string, prefix: number]> = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

const refusedIpv6Networks: ReadonlyArray<readonly [network: string, prefix: number]> = [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 32],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
];

const refusedAddresses = new BlockList();
for (const [network, prefix] of refusedIpv4Networks) refusedAddresses.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of refusedIpv6Networks) refusedAddresses.addSubnet(network, prefix, "ipv6");

/**
 * Whether an IP address is one a download must refuse. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`)
 * are judged by that IPv4 address. Anything that is not an IP address is refused.
 */
export function isPrivateAddress(address: string): boolean {
  const withoutZone = address.replace(/%.*$/, "");
  const family = isIP(withoutZone);
  if (family === 4) return refusedAddresses.check(withoutZone, "ipv4");
  if (family !== 6) return true;
  const hextets = parseIpv6(withoutZone);
  if (hextets === undefined) return true;
  const embedded = embeddedIpv4(hextets);
  if (embedded !== undefined) return refusedAddresses.check(embedded, "ipv4");
  return refusedAddresses.check(withoutZone, "ipv6");
}

function embeddedIpv4(hextets: readonly number[]): string | undefined {
  const [first = 0, second = 0, third = 0, fourth = 0, fifth = 0, sixth = 0, seventh = 0, eighth = 0] =
    hextets;
  const firstFiveZero = first === 0 && second === 0 && third === 0 && fourth === 0 && fifth === 0;
  if (firstFiveZero && (sixth === 0xffff || sixth === 0)) {
    // `::` and `::1` are IPv4-compatible in form only; the IPv6 table answers for them.
    if (sixth === 0 && seventh === 0) return undefined;
    return ipv4From(seventh, eighth);
  }
  if (first === 0x64 && second === 0xff9b && third === 0 && fourth === 0 && fifth === 0 && sixth === 0) {
    return ipv4From(seventh, eighth);
  }
  if (first === 0x2002) return ipv4From(second, third);
  return undefined;
}

function ipv4From(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** A valid IPv6 text (checked by `isIP` first) → its eight 16-bit groups. */
function parseIpv6(address: string): number[] | undefined {
  let text = address;
  const tail: number[] = [];
  const dottedStart = text.lastIndexOf(":");
  const lastGroup = text.slice(dottedStart + 1);
  if (lastGroup.includes(".")) {
    const octets = lastGroup.split(".").map(Number);
    const [a = 0, b = 0, c = 0, d = 0] = octets;
    tail.push((a << 8) | b, (c << 8) | d);
    const beforeTail = text.slice(0, dottedStart + 1);
    text = beforeTail.endsWith("::") ? beforeTail : beforeTail.slice(0, -1);
  }
  const [head = "", rest] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const restGroups = rest === undefined || rest === "" ? [] : rest.split(":");
  const missing = 8 - tail.length - headGroups.length - restGroups.length;
  if (rest === undefined && missing !== 0) return undefined;
  const groups = [
    ...headGroups.map((group) => Number.parseInt(group, 16)),
    ...new Array<number>(rest === undefined ? 0 : missing).fill(0),
    ...restGroups.map((group) => Number.parseInt(group, 16)),
    ...tail,
  ];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group)) ? groups : undefined;
}
