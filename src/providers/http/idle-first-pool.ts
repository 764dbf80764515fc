import { Client, Dispatcher } from 'undici';

/**
 * Keep-alive connections to one origin, as many as there are requests at once, where a request
 * takes the connection freed most recently without looking at the busy ones.
 *
 * undici's `Pool` finds a free connection by walking its whole list, twice per request once the
 * one it took is busy. A gateway keeps a connection busy for a whole stream, so with 5,000
 * streams open every new request walked 5,000 connections: 6–7 % of the main thread while 5,000
 * streams opened. Here the connections that can take a request wait on a stack: a request pops
 * one (or opens a new one when none waits), and a connection goes back on the stack when undici
 * says it can take another (`drain`). The one freed last is the likeliest to still have its socket.
 *
 * With one request per connection (no pipelining) a connection that took a request always says it
 * is busy; `drain` follows when the request is done, its answer read or the request failed.
 */
export class IdleFirstPool extends Dispatcher {
  private readonly idle: Client[] = [];
  /** Whether a connection is on `idle`, so that it is never there twice. */
  private readonly waiting = new WeakSet<Client>();
  private readonly clients = new Set<Client>();
  private state: 'open' | 'closed' | 'destroyed' = 'open';

  constructor(
    private readonly origin: string,
    private readonly options: Client.Options,
  ) {
    super();
  }

  get closed(): boolean {
    return this.state !== 'open';
  }

  get destroyed(): boolean {
    return this.state === 'destroyed';
  }

  /** Connections made so far and still kept (busy or idle). */
  get size(): number {
    return this.clients.size;
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.state !== 'open') return this.refuse(options, handler);
    let client = this.idle.pop();
    while (client !== undefined && (client.closed || client.destroyed)) {
      this.forget(client);
      client = this.idle.pop();
    }
    if (client === undefined) client = this.openConnection();
    else this.waiting.delete(client);
    if (client.dispatch(options, handler)) this.makeIdle(client);
    // Never busy as a whole: every request gets a connection of its own.
    return true;
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const closing = this.finish('closed', (client) => client.close());
    if (callback === undefined) return closing;
    void closing.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(errorOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const error = typeof errorOrCallback === 'function' ? null : (errorOrCallback ?? null);
    const done = typeof errorOrCallback === 'function' ? errorOrCallback : callback;
    const destroying = this.finish('destroyed', (client) => client.destroy(error));
    if (done === undefined) return destroying;
    void destroying.then(done);
  }

  private openConnection(): Client {
    const client = new Client(this.origin, this.options);
    this.clients.add(client);
    client.on('drain', () => this.makeIdle(client));
    return client;
  }

  private makeIdle(client: Client): void {
    if (this.state !== 'open' || client.closed || client.destroyed || this.waiting.has(client)) return;
    this.waiting.add(client);
    this.idle.push(client);
  }

  private forget(client: Client): void {
    this.waiting.delete(client);
    this.clients.delete(client);
  }

  private async finish(state: 'closed' | 'destroyed', end: (client: Client) => Promise<void>): Promise<void> {
    if (this.state === 'destroyed' || (this.state === 'closed' && state === 'closed')) return;
    this.state = state;
    this.idle.length = 0;
    await Promise.all([...this.clients].map((client) => end(client).catch(() => undefined)));
  }

  /** A closed pool answers as a closed undici dispatcher does: the handler hears the error. */
  private refuse(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const client = new Client(this.origin, this.options);
    void (this.state === 'destroyed' ? client.destroy() : client.close());
    return client.dispatch(options, handler);
  }
}
