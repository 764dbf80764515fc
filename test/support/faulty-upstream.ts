import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An OpenAI-compatible upstream on 127.0.0.1 that fails on purpose, in each way a real one does:
 * it hangs, resets the connection, answers garbage, error statuses (429 with `retry-after`, 5xx,
 * 529 overloaded), a slow first byte, or a stream that breaks after some chunks. The fault is
 * chosen per upstream model name, so one server serves many channels with different faults.
 */

export type Fault =
  /** Reads the request and never answers. */
  | { kind: 'hang' }
  /** Reads the request, then resets the connection (TCP RST) without a byte of answer. */
  | { kind: 'reset-before-first-byte' }
  /** Sends 200 and its headers, then resets the connection before any body. */
  | { kind: 'reset-after-headers' }
  /** Answers bytes that are not HTTP at all, then closes. */
  | { kind: 'garbage' }
  /** Answers 200 with the right content type and a body of noise. */
  | { kind: 'garbage-body' }
  /** An error status with a JSON body and headers (e.g. `retry-after`). */
  | { kind: 'status'; status: number; body: unknown; headers?: Record<string, string> }
  /** A stream: headers at once, first body bytes after `delayMs`; a JSON answer: all of it after `delayMs`. */
  | { kind: 'slow-first-byte'; delayMs: number }
  /** A stream of `chunks` content pieces, then a reset. */
  | { kind: 'reset-mid-stream'; chunks: number }
  /** A stream of `chunks` content pieces, then silence until the client goes away. */
  | { kind: 'stream-then-hang'; chunks: number }
  /** A stream of `chunks` pieces, a pause of `pauseMs`, then the rest and a proper end. */
  | { kind: 'stream-with-pause'; chunks: number; pauseMs: number }
  /** An endless stream, one piece every `intervalMs`. */
  | { kind: 'endless-stream'; intervalMs: number }
  /** A correct answer: JSON, or a stream of `chunks` pieces (default 3) with usage. */
  | { kind: 'ok'; chunks?: number };

/** Ready-made faults named as in the failover matrix. */
export const faults = {
  hang: { kind: 'hang' },
  resetBeforeFirstByte: { kind: 'reset-before-first-byte' },
  resetAfterHeaders: { kind: 'reset-after-headers' },
  garbage: { kind: 'garbage' },
  garbageBody: { kind: 'garbage-body' },
  rateLimited: (retryAfterSeconds: number): Fault => ({
    kind: 'status',
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
  }),
  serverError: (status: 500 | 502 | 503 | 504): Fault => ({
    kind: 'status',
    status,
    body: { error: { message: `The server had an error (${status})`, type: 'server_error', param: null, code: null } },
  }),
  /** Anthropic's answer when its servers are overloaded. */
  overloaded: {
    kind: 'status',
    status: 529,
    body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
  },
  badRequest: {
    kind: 'status',
    status: 400,
    body: { error: { message: "Invalid value for 'temperature': must be at most 2.", type: 'invalid_request_error', param: 'temperature', code: null } },
  },
} satisfies Record<string, Fault | ((...values: never[]) => Fault)>;

export interface FaultyRequest {
  model: string;
  stream: boolean;
  receivedAt: number;
  /** When the connection of this request closed (either side), once it has. */
  closedAt: number | null;
  /** The content pieces written to the client before it closed. */
  written: string[];
}

export interface FaultyUpstream {
  /** Base URL ending in `/v1`. */
  url: string;
  requests: FaultyRequest[];
  /** Requests for an upstream model name. */
  requestsFor(model: string): FaultyRequest[];
  setFault(model: string, fault: Fault): void;
  /** The fault for models without one of their own (default: a correct answer). */
  setDefaultFault(fault: Fault): void;
  /** Resolves with the close time once the connection of that request has closed. */
  closed(request: FaultyRequest): Promise<number>;
  close(): Promise<void>;
}

/** The text of content piece `index`; a client can tell exactly which pieces it received. */
export function pieceText(index: number): string {
  return `piece${index} `;
}

export async function startFaultyUpstream(): Promise<FaultyUpstream> {
  const requests: FaultyRequest[] = [];
  const faultsByModel = new Map<string, Fault>();
  const closeWaiters = new Map<FaultyRequest, Array<(at: number) => void>>();
  let defaultFault: Fault = { kind: 'ok' };
  const sockets = new Set<Socket>();

  const server = createServer((incoming, response) => {
    void readBody(incoming).then((text) => {
      const body = parseObject(text);
      const model = typeof body.model === 'string' ? body.model : '';
      const recorded: FaultyRequest = { model, stream: body.stream === true, receivedAt: Date.now(), closedAt: null, written: [] };
      requests.push(recorded);
      incoming.socket.once('close', () => {
        recorded.closedAt = Date.now();
        for (const resolve of closeWaiters.get(recorded) ?? []) resolve(recorded.closedAt);
        closeWaiters.delete(recorded);
      });
      answer(faultsByModel.get(model) ?? defaultFault, recorded, incoming, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    requestsFor: (model) => requests.filter((request) => request.model === model),
    setFault: (model, fault) => {
      faultsByModel.set(model, fault);
    },
    setDefaultFault: (fault) => {
      defaultFault = fault;
    },
    closed: (request) => {
      if (request.closedAt !== null) return Promise.resolve(request.closedAt);
      return new Promise((resolve) => closeWaiters.set(request, [...(closeWaiters.get(request) ?? []), resolve]));
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A base URL on which nothing listens: connecting to it is refused at once. */
export async function refusedUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

function answer(fault: Fault, request: FaultyRequest, incoming: IncomingMessage, response: ServerResponse): void {
  const socket = incoming.socket;
  switch (fault.kind) {
    case 'hang':
      return;
    case 'reset-before-first-byte':
      socket.resetAndDestroy();
      return;
    case 'reset-after-headers':
      response.writeHead(200, { 'content-type': request.stream ? 'text/event-stream' : 'application/json' });
      response.flushHeaders();
      setTimeout(() => socket.resetAndDestroy(), 20);
      return;
    case 'garbage':
      socket.end(Buffer.from('\u0000\u00ff\u0013 SSH-2.0-not-http \r\n\u0007\u0007 garbage garbage\r\n\r\n', 'latin1'));
      return;
    case 'garbage-body':
      response.writeHead(200, { 'content-type': request.stream ? 'text/event-stream' : 'application/json' });
      response.end('<html>\u00ff\u0000 502 Bad Gateway from some proxy </html>\n\n%%%\n');
      return;
    case 'status':
      response.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      response.end(JSON.stringify(fault.body));
      return;
    case 'slow-first-byte':
      if (request.stream) {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.flushHeaders();
        setTimeout(() => streamPieces(request, response, 3, { end: 'done' }), fault.delayMs);
      } else {
        setTimeout(() => answerJson(request, response), fault.delayMs);
      }
      return;
    case 'reset-mid-stream':
      return streamPieces(request, response, fault.chunks, { end: 'reset' });
    case 'stream-then-hang':
      return streamPieces(request, response, fault.chunks, { end: 'hang' });
    case 'stream-with-pause':
      streamPieces(request, response, fault.chunks, { end: 'hang' });
      setTimeout(() => streamPieces(request, response, fault.chunks, { end: 'done', from: fault.chunks }), fault.pauseMs);
      return;
    case 'endless-stream':
      return streamEndlessly(request, response, fault.intervalMs);
    case 'ok':
      if (request.stream) return streamPieces(request, response, fault.chunks ?? 3, { end: 'done' });
      return answerJson(request, response);
  }
}

const usage = (pieces: number) => ({ prompt_tokens: 7, completion_tokens: pieces * 2, total_tokens: 7 + pieces * 2 });

function answerJson(request: FaultyRequest, response: ServerResponse): void {
  const content = [0, 1, 2].map(pieceText).join('');
  request.written.push(content);
  const body = JSON.stringify({
    id: 'chatcmpl-faulty',
    object: 'chat.completion',
    created: 1700000000,
    model: request.model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: usage(3),
  });
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

function chunk(model: string, delta: unknown, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-faulty', object: 'chat.completion.chunk', created: 1700000000, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
}

/** Writes content pieces without usage (the gateway counts them), then ends as asked. */
function streamPieces(
  request: FaultyRequest,
  response: ServerResponse,
  pieces: number,
  options: { end: 'done' | 'reset' | 'hang'; from?: number },
): void {
  const from = options.from ?? 0;
  if (!response.headersSent) response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (from === 0) response.write(chunk(request.model, { role: 'assistant', content: '' }));
  for (let index = from; index < from + pieces; index++) {
    request.written.push(pieceText(index));
    response.write(chunk(request.model, { content: pieceText(index) }));
  }
  if (options.end === 'done') {
    response.write(chunk(request.model, {}, 'stop'));
    response.end('data: [DONE]\n\n');
  } else if (options.end === 'reset') {
    // Let the pieces leave before the reset, as when an upstream crashes mid-answer.
    setTimeout(() => response.socket?.resetAndDestroy(), 30);
  }
}

function streamEndlessly(request: FaultyRequest, response: ServerResponse, intervalMs: number): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  response.write(chunk(request.model, { role: 'assistant', content: '' }));
  let index = 0;
  const timer = setInterval(() => {
    if (response.destroyed) return clearInterval(timer);
    request.written.push(pieceText(index));
    response.write(chunk(request.model, { content: pieceText(index++) }));
  }, intervalMs);
  response.once('close', () => clearInterval(timer));
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (piece: Buffer) => chunks.push(piece));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
