// The Kafka key of an event, so that what must meet meets in one partition
// (and so in order, and in one consumer): a user's events by userId, a
// SKU's sales and stock by sku, and a label by the userId of the purchase it
// labels, remembered from the purchase (the label itself names only the
// purchase). A label whose purchase was not seen, or was forgotten (the
// memory keeps the last `capacity` purchases), is keyed by purchaseEventId.

import type { Event } from '../core/schema.js';

export class PartitionKeys {
  private readonly buyer = new Map<string, string>();

  constructor(private readonly capacity = 1_000_000) {}

  /** The key of one event; call in stream order. */
  key(e: Event): string {
    switch (e.type) {
      case 'sale':
      case 'stock':
        return e.sku;
      case 'label':
        return this.buyer.get(e.purchaseEventId) ?? e.purchaseEventId;
      case 'purchase':
        this.buyer.set(e.eventId, e.userId);
        if (this.buyer.size > this.capacity) this.buyer.delete(this.buyer.keys().next().value!);
        return e.userId;
      default:
        return e.userId;
    }
  }
}
