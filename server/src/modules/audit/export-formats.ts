import type { AuditEventView } from '@openvisit/contracts';

const columns: [header: string, value: (e: AuditEventView) => string | number | null][] = [
  ['seq', (e) => e.seq],
  ['time_utc', (e) => e.at],
  ['actor_id', (e) => e.actorUserId],
  ['actor_name', (e) => e.actorName],
  ['actor_role', (e) => e.actorRole],
  ['action', (e) => e.action],
  ['resource_type', (e) => e.resourceType],
  ['resource_id', (e) => e.resourceId],
  ['patient_id', (e) => e.patientId],
  ['patient_name', (e) => e.patientName],
  ['outcome', (e) => e.outcome],
  ['basis', (e) => e.basis],
  ['client_ip', (e) => e.clientIp],
  ['request_id', (e) => e.requestId],
];

/**
 * RFC 4180 CSV. A cell starting with = + - @ (or a tab/CR) is prefixed with a quote so a
 * spreadsheet never runs it as a formula (CSV injection through a display name).
 */
export function toCsv(events: AuditEventView[]): string {
  const cell = (value: string | number | null) => {
    if (value === null) return '';
    let text = String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [columns.map(([header]) => header).join(',')];
  for (const event of events) lines.push(columns.map(([, value]) => cell(value(event))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

const dicom = 'http://dicom.nema.org/resources/ontology/DCM';
const fhirAction: Record<string, 'C' | 'R' | 'U' | 'D' | 'E'> = {
  create: 'C',
  read: 'R',
  search: 'E',
  update: 'U',
  delete: 'D',
  export: 'R',
  print: 'R',
  disclosure: 'R',
  break_glass: 'E',
  permission_change: 'U',
  mfa_reset: 'U',
  mfa_enroll: 'U',
};
const eventType = (action: string) => {
  if (['login', 'login_failed', 'logout', 'mfa_verify', 'mfa_failed'].includes(action)) {
    return { system: dicom, code: '110114', display: 'User Authentication' };
  }
  if (action === 'export') return { system: dicom, code: '110106', display: 'Export' };
  if (action === 'permission_change' || action === 'mfa_reset' || action === 'mfa_enroll') {
    return { system: dicom, code: '110136', display: 'Security Roles Changed' };
  }
  return { system: dicom, code: '110110', display: 'Patient Record' };
};
const subtype: Record<string, { system: string; code: string; display: string } | undefined> = {
  login: { system: dicom, code: '110122', display: 'Login' },
  login_failed: { system: dicom, code: '110122', display: 'Login' },
  logout: { system: dicom, code: '110123', display: 'Logout' },
  break_glass: { system: dicom, code: '110113', display: 'Security Alert' },
};

/** One FHIR R4 AuditEvent resource per line (NDJSON, as FHIR bulk data uses). */
export function toFhirNdjson(events: AuditEventView[]): string {
  return events
    .map((e) => {
      const sub = subtype[e.action];
      const resource = {
        resourceType: 'AuditEvent',
        id: String(e.seq),
        type: eventType(e.action),
        ...(sub ? { subtype: [sub] } : {}),
        action: fhirAction[e.action] ?? 'E',
        recorded: e.at,
        // 0 success, 4 minor failure (refused), 8 serious failure.
        outcome: e.outcome === 'allowed' ? '0' : e.outcome === 'denied' ? '4' : '8',
        outcomeDesc: `${e.action} ${e.outcome}`,
        ...(e.basis === 'break-glass'
          ? {
              purposeOfEvent: [
                {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
                      code: 'ETREAT',
                      display: 'Emergency Treatment',
                    },
                  ],
                },
              ],
            }
          : {}),
        agent: [
          {
            who: e.actorUserId
              ? {
                  identifier: { system: 'urn:openvisit:user', value: e.actorUserId },
                  display: e.actorName ?? undefined,
                }
              : { display: 'anonymous' },
            requestor: true,
            ...(e.actorRole ? { role: [{ text: e.actorRole }] } : {}),
            ...(e.clientIp ? { network: { address: e.clientIp, type: '2' } } : {}),
          },
        ],
        source: { observer: { display: 'OpenVisit' } },
        entity: [
          ...(e.patientId
            ? [
                {
                  what: { identifier: { system: 'urn:openvisit:patient', value: e.patientId } },
                  type: {
                    system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
                    code: '1',
                    display: 'Person',
                  },
                  role: {
                    system: 'http://terminology.hl7.org/CodeSystem/object-role',
                    code: '1',
                    display: 'Patient',
                  },
                },
              ]
            : []),
          ...(e.resourceId && e.resourceId !== e.patientId
            ? [
                {
                  what: {
                    identifier: { system: `urn:openvisit:${e.resourceType}`, value: e.resourceId },
                  },
                },
              ]
            : []),
          ...(e.requestId
            ? [{ what: { identifier: { system: 'urn:openvisit:request', value: e.requestId } } }]
            : []),
        ],
      };
      return JSON.stringify(resource);
    })
    .join('\n')
    .concat(events.length ? '\n' : '');
}
