// A seeded generator of small files in the Fraud_Data format (never the real
// data): users who sign up and purchase once, some fraudsters who buy within
// the minute of signing up and share devices and IPs, IPs written as the
// real file writes them (floats such as 732758368.79972), some missing.

import { rng } from './event-stream.js';

export const FRAUD_HEADER = 'user_id,signup_time,purchase_time,purchase_value,device_id,source,browser,sex,age,ip_address,class';

const pad = (n: number) => String(n).padStart(2, '0');
/** M/D/YYYY H:MM, as in the real file. */
export const usTime = (ms: number) => {
  const d = new Date(ms);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${d.getUTCHours()}:${pad(d.getUTCMinutes())}`;
};

export function fraudCsv(seed: number, rows: number): string {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const t0 = Date.UTC(2015, 0, 1);
  const lines = [FRAUD_HEADER];
  const botDevices = ['BOTDEVICEAAAA', 'BOTDEVICEBBBB', 'BOTDEVICECCCC'];
  for (let i = 0; i < rows; i++) {
    const fraud = r() < 0.15;
    const signup = t0 + Math.floor(r() * 200 * 24 * 60) * 60_000;
    const purchase = fraud && r() < 0.6 ? signup : signup + Math.floor(r() * 60 * 24 * 60) * 60_000;
    const device = fraud && r() < 0.5 ? pick(botDevices) : `DEV${Math.floor(r() * rows * 0.8)}`;
    const ipBase = fraud && r() < 0.5 ? 16777300 + Math.floor(r() * 3) : 16777216 + Math.floor(r() * 4000);
    const ip = r() < 0.03 ? '' : r() < 0.5 ? `${ipBase}.${1 + Math.floor(r() * 99999)}` : String(ipBase);
    lines.push([
      100000 + i,
      usTime(signup),
      usTime(purchase),
      9 + Math.floor(r() * 140),
      device,
      pick(['SEO', 'Ads', 'Direct']),
      pick(['Chrome', 'IE', 'Safari', 'FireFox', 'Opera']),
      pick(['M', 'F']),
      18 + Math.floor(r() * 50),
      ip,
      fraud ? 1 : 0,
    ].join(','));
  }
  return lines.join('\n') + '\n';
}

/** A small IP table over the generator's addresses (one rounded bound, as the real file has). */
export const IP_TABLE = `lower_bound_ip_address,upper_bound_ip_address,country
16777216,16777471,Australia
16777472,16778239,China
1.68E+07,16780000,Japan
16781000,16790000,United States
`;
