// The addresses of the services that ./global-setup.ts started, typed.

import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** host:port of the test broker's PLAINTEXT listener. */
    kafkaBrokers: string[];
    /** redis://127.0.0.1:<port> */
    redisUrl: string;
  }
}

/** The running test services. Called by integration tests at module level. */
export function services(): { kafkaBrokers: string[]; redisUrl: string } {
  return { kafkaBrokers: inject('kafkaBrokers'), redisUrl: inject('redisUrl') };
}
