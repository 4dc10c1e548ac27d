import { useSession } from './session';

type Role = 'patient' | 'provider' | 'staff' | 'admin';
type Memberships = readonly { organizationId: string; role: Role }[];

/** The clinic this person administers, if any: the organization of their admin membership. */
export function adminClinicIdOf(memberships: Memberships): string | undefined {
  return memberships.find((membership) => membership.role === 'admin')?.organizationId;
}

/** The clinic where this person works (provider, staff or admin), with their roles there. */
export function workforceClinicOf(
  memberships: Memberships,
): { clinicId: string; roles: Set<Role> } | undefined {
  const work = memberships.find((m) => m.role !== 'patient');
  if (!work) return undefined;
  const roles = new Set(
    memberships.filter((m) => m.organizationId === work.organizationId).map((m) => m.role),
  );
  return { clinicId: work.organizationId, roles };
}

/** The signed-in person's admin clinic (undefined when signed out or not an admin). */
export function useAdminClinicId(): string | undefined {
  const state = useSession();
  return state.status === 'signed-in' ? adminClinicIdOf(state.session.memberships) : undefined;
}

/** The signed-in person's workforce clinic (undefined when signed out or a patient only). */
export function useWorkforceClinic() {
  const state = useSession();
  return state.status === 'signed-in' ? workforceClinicOf(state.session.memberships) : undefined;
}
