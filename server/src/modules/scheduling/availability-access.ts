import type { FastifyRequest } from 'fastify';
import { requireActor, type AccessRule } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import type { ProfileViewer } from '../providers/provider-service.js';

/** Every member of the clinic, patients included: what can be booked is no secret. */
export const members: AccessRule = {
  rule: 'clinic-role',
  roles: ['patient', 'provider', 'staff', 'admin'],
};
export const admins: AccessRule = { rule: 'clinic-role', roles: ['admin'] };
/** Who may manage a provider's calendar: the provider (their own), staff and admins. */
export const schedulers: AccessRule = {
  rule: 'clinic-role',
  roles: ['provider', 'staff', 'admin'],
};

/** The signed-in person and the roles they hold at this clinic. */
export function viewerAt(request: FastifyRequest, clinicId: string): ProfileViewer {
  const actor = requireActor(request);
  const roles = actor.memberships.filter((m) => m.organizationId === clinicId).map((m) => m.role);
  return { userId: actor.userId, roles };
}

/**
 * A provider manages their own calendar only; staff ("manage a provider's calendar") and
 * admins manage anyone's. Runs after the access hook and before the audit hook, so a
 * refusal is recorded as denied and nothing else happens.
 */
export async function ownCalendarOrScheduler(request: FastifyRequest) {
  const { clinicId, providerId } = request.params as { clinicId?: string; providerId?: string };
  const viewer = viewerAt(request, clinicId ?? '');
  const scheduler = viewer.roles.includes('staff') || viewer.roles.includes('admin');
  if (!scheduler && viewer.userId !== providerId) {
    throw new AppError(
      'forbidden',
      "Only the provider themself, the clinic's staff or an admin may change this calendar.",
    );
  }
}
