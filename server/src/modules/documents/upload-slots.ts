import type { FastifyReply, FastifyRequest } from 'fastify';
import { requireActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';

/** Enough for a few files picked at once; each upload holds a spool file and a socket. */
export const UPLOADS_AT_ONCE_PER_PERSON = 3;

/**
 * A per-person cap on uploads in flight, counted in this process (so per API instance):
 * one account cannot tie up the server's sockets, disk and store with many slow uploads.
 * A hook for the upload routes; the place is given back when the response is done, or the
 * connection is dropped.
 */
export function uploadSlots(limit: number) {
  const inFlight = new Map<string, number>();
  return async function takeUploadSlot(request: FastifyRequest, reply: FastifyReply) {
    const { userId } = requireActor(request);
    const held = inFlight.get(userId) ?? 0;
    if (held >= limit) {
      throw new AppError(
        'rate-limited',
        `At most ${limit} uploads at once: try again when one has finished.`,
      );
    }
    inFlight.set(userId, held + 1);
    reply.raw.once('close', () => {
      const left = (inFlight.get(userId) ?? 1) - 1;
      if (left > 0) inFlight.set(userId, left);
      else inFlight.delete(userId);
    });
  };
}
