import {
  CHECK_IN_OPENS_MINUTES,
  type AppointmentStatus,
  type VisitState,
} from '@openvisit/contracts';
import { AppError } from '../../platform/errors.js';

/*
 * The visit's state machine (docs/visits.md), pure: the service reads the facts, asks here,
 * and writes what this allows.
 *
 *   scheduled --check-in--> waiting --admit--> in-progress --end--> completed
 *   scheduled, waiting --cancel (scheduling)--> cancelled
 *   scheduled --no-show (scheduling, after the start)--> no-show
 *
 * The appointment (scheduling) holds the ends of the road (cancelled, no-show, completed);
 * the encounter (this module) holds the day itself (waiting, in progress).
 */

export type EncounterState = 'waiting' | 'in-progress' | 'completed';
export type VisitAction = 'check-in' | 'admit' | 'end';

/** How long after a visit's booked end the patient may still check in (a late start). */
export const CHECK_IN_GRACE_MINUTES = 30;

export function visitStateOf(
  appointmentStatus: AppointmentStatus,
  encounter: EncounterState | undefined,
): VisitState {
  if (appointmentStatus === 'cancelled') return 'cancelled';
  if (appointmentStatus === 'no-show') return 'no-show';
  if (appointmentStatus === 'completed') return 'completed';
  return encounter ?? 'scheduled';
}

const from: Record<VisitAction, { state: VisitState; to: VisitState }> = {
  'check-in': { state: 'scheduled', to: 'waiting' },
  admit: { state: 'waiting', to: 'in-progress' },
  end: { state: 'in-progress', to: 'completed' },
};

const described: Record<VisitState, string> = {
  scheduled: 'not checked in yet',
  waiting: 'waiting for the provider',
  'in-progress': 'under way',
  completed: 'over',
  'no-show': 'marked as missed',
  cancelled: 'cancelled',
};

/**
 * What `action` does to a visit in `state`: the next state, or `unchanged` when the visit is
 * already where the action leads (a retried request answers the same). Anything else is a
 * 409 `visit-state`.
 */
export function nextState(
  state: VisitState,
  action: VisitAction,
): { to: VisitState; unchanged: boolean } {
  const rule = from[action];
  if (state === rule.to) return { to: state, unchanged: true };
  if (state !== rule.state) {
    throw new AppError(
      'visit-state',
      `This visit is ${described[state]}: it cannot be ${verb[action]} now.`,
    );
  }
  return { to: rule.to, unchanged: false };
}

const verb: Record<VisitAction, string> = {
  'check-in': 'checked in to',
  admit: 'started',
  end: 'ended',
};

/** When the patient may check in: from 15 minutes before the start to 30 after the end. */
export function checkInWindow(startsAt: Date, endsAt: Date) {
  return {
    opensAt: new Date(startsAt.getTime() - CHECK_IN_OPENS_MINUTES * 60_000),
    closesAt: new Date(endsAt.getTime() + CHECK_IN_GRACE_MINUTES * 60_000),
  };
}

export function assertCheckInOpen(startsAt: Date, endsAt: Date, now: Date): void {
  const { opensAt, closesAt } = checkInWindow(startsAt, endsAt);
  if (now < opensAt) {
    throw new AppError(
      'check-in-not-open',
      `Check-in opens ${CHECK_IN_OPENS_MINUTES} minutes before the visit starts.`,
    );
  }
  if (now > closesAt) {
    throw new AppError(
      'check-in-not-open',
      'This visit time has passed. Contact the clinic to rebook.',
    );
  }
}

/**
 * What scheduling may still do to a visit: nothing once it is under way or over; a waiting
 * patient is present, so not a no-show (the provider cancels instead, and they are told).
 */
export function assertSchedulingMayChange(
  encounter: EncounterState | undefined,
  change: 'cancel' | 'reschedule' | 'no-show',
): void {
  if (!encounter) return;
  if (encounter === 'waiting' && change !== 'no-show') return;
  throw new AppError(
    'visit-state',
    encounter === 'waiting'
      ? 'The patient has checked in and is waiting: admit them, or cancel the visit.'
      : `This visit is ${described[encounter]}: it can no longer be ${change === 'reschedule' ? 'moved' : change === 'cancel' ? 'cancelled' : 'marked as missed'}.`,
  );
}
