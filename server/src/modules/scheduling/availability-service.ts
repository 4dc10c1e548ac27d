import type { SlotSearchResult, VisitType, slotSearchQuerySchema } from '@openvisit/contracts';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import type { ProfileViewer, ProviderService } from '../providers/provider-service.js';
import type { ProviderAvailability, ScheduleSettingsService } from './schedule-settings-service.js';
import { bookableStarts, type SlotRequest } from './slot-engine.js';
import type { VisitTypeService } from './visit-type-service.js';

type SlotSearchQuery = z.output<typeof slotSearchQuerySchema>;

/**
 * Booked time of these providers overlapping [from, to), buffers included: the booking side
 * (appointment-service.ts) implements it; the slot engine subtracts it.
 */
export type BusySpans = (
  clinicId: string,
  providerIds: string[],
  from: Date,
  to: Date,
) => Promise<{ providerId: string; from: Date; to: Date }[]>;

type BusySpan = Awaited<ReturnType<BusySpans>>[number];

/** The state on a patient's profile (the patients module answers), for their own searches. */
export type PatientState = (clinicId: string, patientId: string) => Promise<string | null>;

export interface AvailabilityDeps {
  clock: Clock;
  directory: PeopleDirectory;
  providers: Pick<ProviderService, 'list'>;
  visitTypes: VisitTypeService;
  schedules: ScheduleSettingsService;
  busySpans: BusySpans;
  patientState: PatientState;
  /** The slot grid in minutes (15 unless configured). */
  stepMinutes?: number;
}

/** What a booking at an offered start occupies. */
export interface BookableSlot {
  visitType: VisitType;
  endsAt: Date;
  /** The span no other booking of the provider may overlap (buffers included). */
  blockedFrom: Date;
  blockedUntil: Date;
}

const MINUTE = 60_000;
/** Beyond the window, what can still touch a start inside it (a block is at most ~12 h). */
const MARGIN = 86_400_000;

const DAY = 86_400_000;
const clockTimes = Array.from(
  { length: 1440 },
  (_, m) =>
    `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00.000Z`,
);

/**
 * `toISOString` for whole-minute instants, several times faster: a four-week search of a large
 * clinic answers tens of thousands of starts, and formatting them cost more than finding them.
 */
function isoFormatter() {
  const days = new Map<number, string>();
  return (instant: number) => {
    if (instant % MINUTE !== 0) return new Date(instant).toISOString();
    const day = Math.floor(instant / DAY);
    let prefix = days.get(day);
    if (!prefix) {
      prefix = new Date(day * DAY).toISOString().slice(0, 11);
      days.set(day, prefix);
    }
    return prefix + clockTimes[(instant - day * DAY) / MINUTE]!;
  };
}

/** es matches es-MX and the other way round: patients look for a language, not a locale. */
const primaryLanguage = (tag: string) => tag.split('-')[0]!.toLowerCase();

/**
 * Slot search across providers, and the check booking makes that a start is one of the
 * offered slots. The engine (slot-engine.ts) decides; this service gathers its inputs.
 */
export function createAvailabilityService(deps: AvailabilityDeps) {
  const { clock, directory, providers, visitTypes, schedules, busySpans, patientState } = deps;

  const request = (
    visitType: VisitType,
    availability: ProviderAvailability,
    busy: BusySpan[],
    window: { from: Date; to: Date; now: Date },
  ): SlotRequest => ({
    ...availability,
    busy,
    visit: visitType,
    ...window,
    ...(deps.stepMinutes ? { stepMinutes: deps.stepMinutes } : {}),
  });

  /** Patients search as themselves: where they are decides whom they may see. */
  async function stateFor(clinicId: string, viewer: ProfileViewer, state: string | undefined) {
    if (state) return state;
    const onlyPatient = viewer.roles.length > 0 && viewer.roles.every((r) => r === 'patient');
    return onlyPatient ? ((await patientState(clinicId, viewer.userId)) ?? undefined) : undefined;
  }

  return {
    async searchSlots(
      clinicId: string,
      viewer: ProfileViewer,
      query: SlotSearchQuery,
    ): Promise<SlotSearchResult> {
      const visitType = await visitTypes.getBookable(clinicId, query.visitTypeId);
      const state = await stateFor(clinicId, viewer, query.state);
      // The providers module applies the licensing rule (now) when given a state.
      const candidates = (await providers.list(clinicId, viewer, { state })).filter(
        (p) =>
          (!query.providerId || p.providerId === query.providerId) &&
          (!query.language ||
            p.languages.some((l) => primaryLanguage(l) === primaryLanguage(query.language!))) &&
          (!query.specialty ||
            p.specialties.some((s) => s.toLowerCase() === query.specialty!.toLowerCase())),
      );
      const from = new Date(query.from);
      const to = new Date(query.to);
      const reach = [new Date(from.getTime() - MARGIN), new Date(to.getTime() + MARGIN)] as const;
      const schedulesOf = await schedules.availability(
        clinicId,
        candidates.map((p) => p.providerId),
        ...reach,
      );
      const busyOf = new Map<string, BusySpan[]>();
      for (const span of await busySpans(clinicId, [...schedulesOf.keys()], ...reach)) {
        const list = busyOf.get(span.providerId) ?? [];
        if (!list.length) busyOf.set(span.providerId, list);
        list.push(span);
      }
      const now = clock.now();
      const found = candidates.flatMap((provider) => {
        const availability = schedulesOf.get(provider.providerId);
        if (!availability) return [];
        const busy = busyOf.get(provider.providerId) ?? [];
        const slots = bookableStarts(request(visitType, availability, busy, { from, to, now }));
        if (!slots.length) return [];
        return [{ provider, availability, slots }];
      });
      found.sort(
        (a, b) =>
          a.slots[0]!.getTime() - b.slots[0]!.getTime() ||
          a.provider.displayName.localeCompare(b.provider.displayName),
      );
      const iso = isoFormatter();
      return {
        providers: found.map(({ provider, availability, slots }) => ({
          providerId: provider.providerId,
          displayName: provider.displayName,
          timeZone: availability.timeZone,
          slots: slots.map((s) => iso(s.getTime())),
        })),
      };
    },

    /**
     * Throws 409 `slot-unavailable` unless `startsAt` is a start the slot search offers for
     * this provider and visit type at `now`, busy time aside: whether another booking holds
     * it is for the database's exclusion constraint to decide, inside the booking's insert,
     * where a race cannot slip between check and write.
     */
    async assertBookable(
      clinicId: string,
      providerId: string,
      visitTypeId: string,
      startsAt: Date,
      now: Date,
    ): Promise<BookableSlot> {
      const visitType = await visitTypes.getBookable(clinicId, visitTypeId);
      const [provider] = await directory.withRole(clinicId, 'provider', { ids: [providerId] });
      if (!provider) throw new AppError('not-found', 'No provider with this id at this clinic.');
      const unavailable = new AppError(
        'slot-unavailable',
        'This time is not offered for this provider and visit type. Choose one of the times listed.',
      );
      if (provider.status !== 'active') throw unavailable;
      const at = startsAt.getTime();
      const availability = (
        await schedules.availability(
          clinicId,
          [providerId],
          new Date(at - MARGIN),
          new Date(at + MARGIN),
        )
      ).get(providerId);
      if (!availability) throw unavailable;
      const [offered] = bookableStarts(
        request(visitType, availability, [], { from: startsAt, to: new Date(at + 1), now }),
      );
      if (offered?.getTime() !== at) throw unavailable;
      const endsAt = new Date(at + visitType.durationMinutes * MINUTE);
      return {
        visitType,
        endsAt,
        blockedFrom: new Date(at - visitType.bufferBeforeMinutes * MINUTE),
        blockedUntil: new Date(endsAt.getTime() + visitType.bufferAfterMinutes * MINUTE),
      };
    },
  };
}

export type AvailabilityService = ReturnType<typeof createAvailabilityService>;
