import type { AppDatabase } from '../../db/client.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import type { IntakeService } from '../intake/intake-service.js';
import { createProfileService } from '../patients/profile-service.js';
import type { ProviderService } from '../providers/provider-service.js';
import { createAvailabilityService, type BusySpans } from './availability-service.js';
import { createScheduleSettingsService } from './schedule-settings-service.js';
import { createVisitTypeService } from './visit-type-service.js';

export interface AvailabilityModuleDeps {
  db: AppDatabase;
  clock: Clock;
  directory: PeopleDirectory;
  providers: ProviderService;
  /** Visit types name a questionnaire: the intake module says whether it exists. */
  intake: Pick<IntakeService, 'currentForm'>;
  /** The booking side's answer: booked time (appointment-service.ts). */
  busySpans: BusySpans;
  stepMinutes?: number;
}

/** Visit types, schedules and the slot search, built together (app.ts and tests). */
export function createAvailabilityModule(deps: AvailabilityModuleDeps) {
  const { db, clock, directory, providers, intake } = deps;
  const visitTypes = createVisitTypeService({
    db,
    clock,
    intakeFormExists: async (clinicId, slug) => {
      try {
        await intake.currentForm(clinicId, slug);
        return true;
      } catch (err) {
        if (err instanceof AppError && err.code === 'not-found') return false;
        throw err;
      }
    },
  });
  const schedules = createScheduleSettingsService({
    db,
    clock,
    directory,
    // The profile's zone is the default until the provider saves a schedule.
    profileZone: async (clinicId, providerId) =>
      (await providers.get(clinicId, providerId, { userId: providerId, roles: [] })).timeZone,
  });
  // A patient's search defaults to the state on their profile (the patients module's answer).
  const profiles = createProfileService(db, directory);
  const slots = createAvailabilityService({
    clock,
    directory,
    providers,
    visitTypes,
    schedules,
    busySpans: deps.busySpans,
    patientState: (clinicId, patientId) => profiles.state(clinicId, patientId),
    ...(deps.stepMinutes ? { stepMinutes: deps.stepMinutes } : {}),
  });
  return { visitTypes, schedules, slots };
}

export type AvailabilityModule = ReturnType<typeof createAvailabilityModule>;
