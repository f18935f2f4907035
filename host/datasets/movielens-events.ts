// `replay --source movielens`: MovieLens ratings as interaction events.
//
//   file   = { line "\n" }
//   line   = user TAB item TAB rating TAB timestamp      (u.data, u1.base ... u5.test)
//   user, item = ids (kept as written, so results join back to MovieLens)
//   rating = a number (1..5 in MovieLens 100k)   timestamp = Unix seconds
//
// Each rating is a view of the item by the user at the rating's time; a
// rating of 4 or more (`cartMin`) also adds the item to the cart at the same
// time, right after the view: the user liked it enough to want it. Ratings
// carry no sessions, so a session is cut as the recommender cuts them: a
// user's ratings with less than 30 minutes between neighbours share one
// (sessionId "ml-<user>-<n>", n counting the user's sessions from 0).
//
//   view { eventId "ml-<user>-<item>-v", userId, itemId, sessionId }
//   cart { eventId "ml-<user>-<item>-c", userId, itemId, sessionId }     (rating >= cartMin)
//
// Events go in time order, ties in file order. The file is held in memory
// to sort it (about 30 bytes a rating: 100k ratings are 3 MB).

import type { Event } from '../core/schema.js';
import { InputError } from '../core/errors.js';
import { openInput, readLines } from '../core/lines.js';

export const SESSION_GAP_MS = 30 * 60_000;

export interface MovielensOptions {
  /** Ratings at or above this also make a cart event (default 4). */
  cartMin?: number;
  batch?: number;
  onProgress?: (rows: number, bytes: number) => void;
}

export async function* movielensEvents(path: string, opts: MovielensOptions = {}): AsyncGenerator<Event[]> {
  const cartMin = opts.cartMin ?? 4;
  const size = opts.batch ?? 4096;
  const users: string[] = [];
  const items: string[] = [];
  const rating: number[] = [];
  const time: number[] = [];
  for await (const batch of readLines(openInput(path))) {
    for (let k = 0; k < batch.lines.length; k++) {
      const text = batch.lines[k]!;
      if (text.trim() === '') continue;
      const line = batch.firstLine + k;
      const f = text.split('\t');
      if (f.length !== 4) throw new InputError(path, line, `expected 4 tab-separated fields (user, item, rating, timestamp), found ${f.length}`);
      const [u, i, r, t] = f.map((x) => x.trim()) as [string, string, string, string];
      if (u === '') throw new InputError(path, line, 'empty', 'user');
      if (i === '') throw new InputError(path, line, 'empty', 'item');
      const rv = Number(r);
      if (r === '' || !Number.isFinite(rv)) throw new InputError(path, line, `not a number: "${r}"`, 'rating');
      const tv = Number(t);
      if (!/^\d+$/.test(t) || !Number.isSafeInteger(tv * 1000)) throw new InputError(path, line, `not a Unix time in seconds: "${t}"`, 'timestamp');
      users.push(u);
      items.push(i);
      rating.push(rv);
      time.push(tv * 1000);
    }
    opts.onProgress?.(users.length, batch.bytesRead);
  }
  const order = Uint32Array.from(users.keys()).sort((a, b) => time[a]! - time[b]! || a - b);
  const sessions = new Map<string, { last: number; n: number }>();
  let out: Event[] = [];
  for (const k of order) {
    const userId = users[k]!;
    const itemId = items[k]!;
    const ts = time[k]!;
    let s = sessions.get(userId);
    if (s === undefined) sessions.set(userId, (s = { last: ts, n: 0 }));
    else if (ts - s.last >= SESSION_GAP_MS) s.n++;
    s.last = ts;
    const sessionId = `ml-${userId}-${s.n}`;
    out.push({ eventId: `ml-${userId}-${itemId}-v`, type: 'view', ts, userId, itemId, sessionId });
    if (rating[k]! >= cartMin) out.push({ eventId: `ml-${userId}-${itemId}-c`, type: 'cart', ts, userId, itemId, sessionId });
    if (out.length >= size) {
      yield out;
      out = [];
    }
  }
  if (out.length > 0) yield out;
}
