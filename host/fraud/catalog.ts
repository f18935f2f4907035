// The feature catalog: the one source of truth for the fraud features' names,
// order, entity, window and definition. `npm run gen:features` renders it into
// assembly/features/names.ts (the index constants the WASM code writes by,
// their count and a hash of the names) and into the table in docs/FEATURES.md;
// a test fails when either is stale, and FeatureEngine checks the module's
// count and names hash against this list at start-up.
//
// Every feature of a purchase is computed from the state left by the events
// processed before it, never from the purchase itself. "Profile" features
// cover the entity's history since it was last idle for longer than the
// profile horizon (180 days by default); windows are described in
// docs/FEATURES.md (5m tumbling, 1h sliding in 5-minute steps, 24h sliding in
// 1-hour steps). Missing: NaN (an empty CSV field).

export type Entity = 'event' | 'user' | 'device' | 'ip' | 'country' | 'user-device' | 'user-ip' | 'user-country' | 'user-payment';
export type Window = 'event' | 'profile' | '5m' | '1h' | '24h';

export interface FeatureSpec {
  name: string;
  entity: Entity;
  window: Window;
  definition: string;
}

const f = (name: string, entity: Entity, window: Window, definition: string): FeatureSpec => ({ name, entity, window, definition });

// Window features shared by device and ip.
function shared(e: 'device' | 'ip', other: string): FeatureSpec[] {
  return [
    f(`${e}_seconds_since_first_seen`, e, 'profile', `seconds since the ${e}'s first event; NaN if never seen`),
    f(`${e}_seconds_since_last_seen`, e, 'profile', `seconds since the ${e}'s latest event (0 if that one is later); NaN if never seen`),
    f(`${e}_seconds_since_last_purchase`, e, 'profile', `seconds since the latest purchase from the ${e}; NaN if none`),
    f(`${e}_purchases_total`, e, 'profile', `purchases from the ${e}`),
    f(`${e}_signups_total`, e, 'profile', `non-purchase events carrying the ${e}: signups (and views or carts, if they carry it)`),
    f(`${e}_distinct_users_total`, e, 'profile', `distinct users seen with the ${e} (a user idle on it for longer than the profile horizon counts again)`),
    f(`${e}_distinct_${other}s_total`, e, 'profile', `distinct ${other === 'ip' ? 'IPs' : 'devices'} seen with the ${e} (same rule)`),
    f(`${e}_purchases_5m`, e, '5m', `purchases from the ${e} in the current 5-minute window`),
    f(`${e}_purchases_1h`, e, '1h', `purchases from the ${e} in the 1h window`),
    f(`${e}_purchases_24h`, e, '24h', `purchases from the ${e} in the 24h window`),
    f(`${e}_signups_5m`, e, '5m', `non-purchase events carrying the ${e} in the current 5-minute window`),
    f(`${e}_signups_1h`, e, '1h', `non-purchase events carrying the ${e} in the 1h window`),
    f(`${e}_signups_24h`, e, '24h', `non-purchase events carrying the ${e} in the 24h window`),
    f(`${e}_amount_24h`, e, '24h', `sum of purchase amounts from the ${e} in the 24h window`),
    f(`${e}_distinct_users_24h`, e, '24h', `distinct users seen with the ${e} in the 24h window, saturating at 8`),
    f(`${e}_distinct_${other}s_24h`, e, '24h', `distinct ${other === 'ip' ? 'IPs' : 'devices'} seen with the ${e} in the 24h window, saturating at 8`),
  ];
}

export const FEATURES: readonly FeatureSpec[] = [
  // The event itself.
  f('amount', 'event', 'event', 'the purchase amount; NaN if absent'),
  f('hour_of_day', 'event', 'event', 'UTC hour of the purchase, 0-23'),
  f('day_of_week', 'event', 'event', 'UTC weekday of the purchase, 0 = Monday .. 6 = Sunday'),
  f('age', 'event', 'event', "the event's age, else the age given at the user's signup; NaN if neither"),
  f('sex', 'event', 'event', "code of the event's sex, else the signup's (1 M, 2 F, 3 other); NaN if neither"),
  f('source', 'event', 'event', "code of the event's traffic source, else the signup's (1 SEO, 2 Ads, 3 Direct, 4 other)"),
  f('browser', 'event', 'event', "code of the event's browser, else the signup's (1 Chrome, 2 IE, 3 Safari, 4 FireFox, 5 Opera, 6 other)"),
  f('ip_missing', 'event', 'event', '1 if the event has no IP address, else 0'),
  f('ip_country_known', 'event', 'event', '1 if the IP falls in a range of the IP-country table, else 0; NaN without an IP'),
  f('ip_billing_country_mismatch', 'event', 'event', "1 if the IP's country differs from billingCountry, 0 if equal; NaN if either is unknown"),
  f('ip_declared_country_mismatch', 'event', 'event', "1 if the IP's country differs from the event's country, 0 if equal; NaN if either is unknown"),
  f('billing_declared_country_mismatch', 'event', 'event', "1 if billingCountry differs from the event's country, 0 if equal; NaN if either is absent"),

  // The user's profile.
  f('user_signup_seen', 'user', 'profile', '1 if a signup of the user was seen, else 0'),
  f('user_seconds_since_signup', 'user', 'profile', "seconds since the user's (first) signup; NaN if none seen"),
  f('user_signup_hour', 'user', 'profile', 'UTC hour of the signup; NaN if none seen'),
  f('user_signup_day_of_week', 'user', 'profile', 'UTC weekday of the signup (0 = Monday); NaN if none seen'),
  f('user_seconds_since_first_seen', 'user', 'profile', "seconds since the user's first event; NaN if never seen"),
  f('user_seconds_since_last_event', 'user', 'profile', "seconds since the user's latest event (0 if that one is later); NaN if never seen"),
  f('user_seconds_since_last_purchase', 'user', 'profile', "seconds since the user's latest purchase (0 if later); NaN if none"),
  f('user_purchases_total', 'user', 'profile', "the user's purchases"),
  f('user_other_events_total', 'user', 'profile', "the user's non-purchase events (signup, view, cart)"),
  f('user_amount_mean', 'user', 'profile', "mean amount of the user's purchases (running, Welford); NaN if none"),
  f('user_amount_std', 'user', 'profile', "population standard deviation of the user's purchase amounts; NaN if fewer than 2"),
  f('user_amount_min', 'user', 'profile', "smallest amount of the user's purchases; NaN if none"),
  f('user_amount_max', 'user', 'profile', "largest amount of the user's purchases; NaN if none"),
  f('user_amount_zscore', 'user', 'profile', '(amount - user_amount_mean) / user_amount_std; NaN if the std is NaN or 0'),
  f('user_amount_ratio_to_mean', 'user', 'profile', 'amount / user_amount_mean; NaN if no mean or it is 0'),

  // The user's pairs with devices, IPs, countries and payment methods.
  f('user_new_device', 'user-device', 'profile', '1 if the user was never seen with this device, else 0; NaN without a device'),
  f('user_new_ip', 'user-ip', 'profile', '1 if the user was never seen with this IP, else 0; NaN without an IP'),
  f('user_new_country', 'user-country', 'profile', "1 if the user was never seen in this country (the IP's country, else the event's), else 0; NaN if unknown"),
  f('user_new_payment_method', 'user-payment', 'profile', '1 if the user never used this payment method, else 0; NaN without one'),
  f('user_distinct_devices_total', 'user-device', 'profile', 'distinct devices seen with the user (a device idle for the user for longer than the profile horizon counts again)'),
  f('user_distinct_ips_total', 'user-ip', 'profile', 'distinct IPs seen with the user (same rule)'),
  f('user_distinct_countries_total', 'user-country', 'profile', 'distinct countries seen with the user (same rule)'),
  f('user_distinct_payment_methods_total', 'user-payment', 'profile', 'distinct payment methods used by the user (same rule)'),
  f('user_device_purchases_total', 'user-device', 'profile', 'purchases by the user from this device; NaN without a device'),
  f('user_device_seconds_since_first', 'user-device', 'profile', 'seconds since the user was first seen with this device; NaN if never or without a device'),
  f('user_ip_purchases_total', 'user-ip', 'profile', 'purchases by the user from this IP; NaN without an IP'),
  f('signup_device_match', 'user', 'profile', "1 if the device is the one of the user's signup, 0 if not; NaN if either is unknown"),
  f('signup_ip_match', 'user', 'profile', "1 if the IP is the one of the user's signup, 0 if not; NaN if either is unknown"),

  // The user's windows.
  f('user_purchases_5m', 'user', '5m', "the user's purchases in the current 5-minute window"),
  f('user_purchases_1h', 'user', '1h', "the user's purchases in the 1h window"),
  f('user_purchases_24h', 'user', '24h', "the user's purchases in the 24h window"),
  f('user_amount_5m', 'user', '5m', "sum of the user's purchase amounts in the current 5-minute window"),
  f('user_amount_1h', 'user', '1h', "sum of the user's purchase amounts in the 1h window"),
  f('user_amount_24h', 'user', '24h', "sum of the user's purchase amounts in the 24h window"),
  f('user_other_events_1h', 'user', '1h', "the user's non-purchase events in the 1h window"),
  f('user_other_events_24h', 'user', '24h', "the user's non-purchase events in the 24h window"),
  f('user_distinct_devices_24h', 'user', '24h', 'distinct devices seen with the user in the 24h window, saturating at 8'),
  f('user_distinct_ips_24h', 'user', '24h', 'distinct IPs seen with the user in the 24h window, saturating at 8'),

  // Devices and IPs.
  ...shared('device', 'ip'),
  ...shared('ip', 'device'),

  // The country (the IP's country, else the event's country field).
  f('country_purchases_1h', 'country', '1h', 'purchases from the country in the 1h window'),
  f('country_purchases_24h', 'country', '24h', 'purchases from the country in the 24h window'),
  f('country_signups_24h', 'country', '24h', 'non-purchase events from the country in the 24h window'),
];

/** The feature names in row order. */
export const FEATURE_NAMES: readonly string[] = FEATURES.map((x) => x.name);

/** FNV-1a (32-bit) of the names joined by "\n": the module carries the same number. */
export function namesHash(names: readonly string[] = FEATURE_NAMES): number {
  let h = 0x811c9dc5;
  const s = names.join('\n');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
