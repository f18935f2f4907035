// The simulated world: where shoppers are, which address blocks their IPs
// come from, what they browse with and pay with. Countries are ISO 3166-1
// alpha-2 codes. Each country's /16 blocks lie wholly inside that country's
// ranges of the public IpAddress_to_Country table, so a lookup of a
// simulated IP in that table names the same country (by its English name).

import { cumulative, hashUnit, type Rng } from './random.js';

export interface Country {
  code: string;
  /** Share of shoppers from here. */
  weight: number;
  /** /16 blocks as "a.b". */
  blocks: readonly string[];
}

/** Where shoppers live. */
export const COUNTRIES: readonly Country[] = [
  { code: 'US', weight: 34, blocks: ['73.85', '98.83', '24.91', '68.93', '71.85', '76.96', '108.80', '174.84'] },
  { code: 'GB', weight: 10, blocks: ['86.54', '81.109', '82.19', '90.208', '31.80'] },
  { code: 'DE', weight: 9, blocks: ['84.143', '91.24', '93.207', '87.146', '79.213'] },
  { code: 'FR', weight: 7, blocks: ['90.42', '78.202', '86.202', '92.142', '77.143'] },
  { code: 'CA', weight: 5, blocks: ['142.84', '99.223', '70.52', '24.76', '174.88'] },
  { code: 'AU', weight: 4, blocks: ['1.130', '101.164', '49.182', '58.160', '120.144'] },
  { code: 'JP', weight: 5, blocks: ['126.85', '153.166', '60.84', '180.24', '106.148'] },
  { code: 'BR', weight: 5, blocks: ['179.126', '177.82', '189.43', '187.41', '191.63'] },
  { code: 'IN', weight: 5, blocks: ['117.210', '106.198', '115.115', '49.38', '59.98'] },
  { code: 'ES', weight: 3, blocks: ['83.43', '88.10', '85.56', '80.31', '95.23'] },
  { code: 'IT', weight: 3, blocks: ['151.34', '79.21', '93.48', '95.232', '87.10'] },
  { code: 'NL', weight: 2, blocks: ['145.74', '77.164', '82.95', '84.31'] },
  { code: 'MX', weight: 2, blocks: ['189.169', '187.168', '148.217', '177.232'] },
  { code: 'PL', weight: 2, blocks: ['83.11', '89.71', '46.134', '77.112'] },
  { code: 'SE', weight: 1, blocks: ['90.139', '83.184', '78.69', '95.197'] },
  { code: 'KR', weight: 3, blocks: ['175.202', '121.143', '14.51', '112.160'] },
];

/** Where attacks come from (proxies and hosting as well as home lines). */
export const ATTACK_COUNTRIES: readonly Country[] = [
  { code: 'RU', weight: 3, blocks: ['178.67', '5.128', '95.37', '176.192', '188.43'] },
  { code: 'NG', weight: 2, blocks: ['105.117', '197.240', '41.58'] },
  { code: 'VN', weight: 2, blocks: ['14.181', '113.170', '171.234', '116.101'] },
  { code: 'ID', weight: 2, blocks: ['39.213', '36.74', '120.170', '114.9'] },
  { code: 'RO', weight: 1, blocks: ['89.40', '188.172', '5.106', '86.106'] },
  { code: 'UA', weight: 1, blocks: ['46.119', '178.93', '5.180', '37.54'] },
  { code: 'PH', weight: 1, blocks: ['60.221', '112.203', '49.147'] },
  { code: 'BR', weight: 2, blocks: ['179.126', '177.82', '189.43'] },
  { code: 'US', weight: 2, blocks: ['73.85', '98.83', '24.91'] },
];

const COUNTRY_CUM = cumulative(COUNTRIES.map((c) => c.weight));
const ATTACK_CUM = cumulative(ATTACK_COUNTRIES.map((c) => c.weight));

/** A shopper's country index, from a uniform u in [0, 1). */
export function countryAt(u: number): number {
  return indexAt(COUNTRY_CUM, u);
}

/** An attacker's country, never one of `not` (the victim's countries). */
export function attackCountry(rng: Rng, not: readonly string[] = []): Country {
  for (let k = 0; k < 8; k++) {
    const c = ATTACK_COUNTRIES[rng.weighted(ATTACK_CUM)]!;
    if (!not.includes(c.code)) return c;
  }
  return ATTACK_COUNTRIES.find((c) => !not.includes(c.code))!;
}

/** An address in one of the country's blocks, chosen by two uniform numbers. */
export function ipIn(country: Country, u: number, v: number): string {
  const block = country.blocks[Math.floor(u * country.blocks.length)]!;
  const host = Math.floor(v * 65534) + 1; // not .0.0
  return `${block}.${host >>> 8}.${(host & 255) || 1}`;
}

/** An address in one /24: the same three octets, a different last one. */
export function ipInSubnet(subnet: string, u: number): string {
  return `${subnet}.${2 + Math.floor(u * 250)}`;
}

export const BROWSERS = ['Chrome', 'Safari', 'Edge', 'FireFox', 'Opera', 'Samsung'] as const;
const BROWSER_CUM = cumulative([55, 22, 9, 7, 3, 4]);
export const SIGNUP_SOURCES = ['SEO', 'Ads', 'Direct', 'Email', 'Social'] as const;
const SOURCE_CUM = cumulative([35, 30, 20, 8, 7]);
const CARD_BRANDS = ['visa', 'mastercard', 'amex', 'discover'] as const;
const CARD_CUM = cumulative([55, 30, 10, 5]);
const WALLETS = ['paypal', 'apple_pay', 'google_pay', 'klarna'] as const;

export const browserAt = (u: number) => BROWSERS[indexAt(BROWSER_CUM, u)]!;
export const sourceAt = (u: number) => SIGNUP_SOURCES[indexAt(SOURCE_CUM, u)]!;

/**
 * A payment instrument: a card as brand-last4 ("visa-4242"), so a new card
 * is a new payment method, or a wallet account ("paypal").
 */
export function paymentAt(u: number, v: number, w: number): string {
  if (u < 0.78) return `${CARD_BRANDS[indexAt(CARD_CUM, v)]!}-${String(Math.floor(w * 10000)).padStart(4, '0')}`;
  return WALLETS[Math.floor(v * WALLETS.length)]!;
}

/** A card never seen before (card testing, stolen cards). */
export function cardAt(v: number, w: number): string {
  return paymentAt(0, v, w);
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A device fingerprint id: 13 capital letters, as Fraud_Data writes them, from a hash of the numbers. */
export function deviceId(a: number, b: number, c: number): string {
  let s = '';
  for (let k = 0; k < 13; k++) s += LETTERS[Math.floor(hashUnit(a, b, c, k) * 26)];
  return s;
}

function indexAt(cum: Float64Array, u: number): number {
  const x = u * cum[cum.length - 1]!;
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
