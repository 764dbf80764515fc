import type { FastifyReply } from 'fastify';

/**
 * An abort signal that fires when the client goes away before the response has ended, so the
 * upstream request is cancelled at once instead of running on for nobody.
 */
export function abortWhenClientLeaves(reply: FastifyReply): AbortController {
  const controller = new AbortController();
  const response = reply.raw;
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller;
}
