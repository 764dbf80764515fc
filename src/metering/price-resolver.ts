import type { ModelPrice, PriceBook } from './price-book.js';

/**
 * Our price for a request: the price book of the channel that served it when that channel has a
 * markup of its own, else the gateway's; within a book, the serving provider's offer first.
 */
export class PriceResolver {
  constructor(
    private readonly defaultBook: PriceBook,
    private readonly booksByChannel: ReadonlyMap<string, PriceBook> = new Map(),
  ) {}

  priceFor(modelId: string, provider?: string | null, channel?: string | null): ModelPrice | null {
    const book = (channel ? this.booksByChannel.get(channel) : undefined) ?? this.defaultBook;
    return book.priceFor(modelId, provider);
  }
}
