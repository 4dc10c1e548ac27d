import type { Appointment, VisitModality, VisitType } from '@openvisit/contracts';

export const modalityLabel: Record<VisitModality, string> = {
  video: 'Video visit',
  phone: 'Phone call',
};

export function priceLabel(visitType: Pick<VisitType, 'priceCents' | 'currency'>): string {
  if (visitType.priceCents === 0) return 'No charge';
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency: visitType.currency || 'USD',
  }).format(visitType.priceCents / 100);
}

/** What happened to a visit, in words a patient or provider uses. */
export function statusLabel(appointment: Pick<Appointment, 'status' | 'lateCancellation'>) {
  switch (appointment.status) {
    case 'booked':
      return 'Booked';
    case 'completed':
      return 'Completed';
    case 'no-show':
      return 'Missed';
    case 'cancelled':
      return appointment.lateCancellation ? 'Cancelled late' : 'Cancelled';
  }
}

/**
 * Whether cancelling or moving now would be late: inside the visit type's window before the
 * start (the server decides; this only warns beforehand).
 */
export function isLateNow(startsAt: string, windowHours: number | undefined, now = Date.now()) {
  if (windowHours === undefined) return false;
  return Date.parse(startsAt) - now < windowHours * 3_600_000;
}
