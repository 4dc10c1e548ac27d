import type { MessageThreadStatus } from '@openvisit/contracts';

/** A thread's status as the care team works it. */
export const careTeamStatusLabels: Record<MessageThreadStatus, string> = {
  open: 'Open',
  'waiting-on-patient': 'Waiting on patient',
  closed: 'Closed',
};

/** The same status as the patient reads it. */
export const patientStatusLabels: Record<MessageThreadStatus, string> = {
  open: 'Open',
  'waiting-on-patient': 'Waiting for your reply',
  closed: 'Closed',
};

export const statusColors: Record<MessageThreadStatus, string> = {
  open: 'blue.8',
  'waiting-on-patient': 'orange.9',
  closed: 'gray.8',
};

export const unreadLabel = (count: number) => `${count} unread`;
