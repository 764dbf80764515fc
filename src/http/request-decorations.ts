declare module 'fastify' {
  interface FastifyRequest {
    /** The generation id of this request; also its `x-request-id`. */
    generationId: string;
    startedAt: number;
  }
}

export {};
