/** Words for the trail's fixed slugs, as a patient or an admin reads them. */
export const actionLabels: Record<string, string> = {
  read: 'Viewed',
  search: 'Listed',
  create: 'Added',
  update: 'Changed',
  delete: 'Removed',
  export: 'Exported',
  print: 'Printed',
  login: 'Signed in',
  login_failed: 'Failed sign-in',
  logout: 'Signed out',
  mfa_enroll: 'Set up two-step sign-in',
  mfa_verify: 'Two-step sign-in',
  mfa_failed: 'Failed two-step code',
  mfa_reset: 'Reset two-step sign-in',
  permission_change: 'Changed access',
  break_glass: 'Emergency access',
  disclosure: 'Recorded a disclosure',
};

export const recordKindLabels: Record<string, string> = {
  patient: 'Patient list',
  'patient-summary': 'Profile and care team',
  'patient-record': 'Record',
  'care-team': 'Care team',
  disclosure: 'Disclosures',
  'access-history': 'Access history',
  'break-glass-grant': 'Emergency access review',
  'audit-event': 'Audit trail',
  session: 'Session',
  password: 'Password',
  user: 'Account',
  invitation: 'Invitation',
  'provider-profile': 'Provider profile',
  'provider-license': 'Provider license',
  'consent-document': 'Consent document',
  'consent-signature': 'Consent signature',
  'consent-status': 'Consent forms',
  'patient-profile': 'Personal details',
  'patient-profile-history': 'History of personal details',
  'health-history': 'Health history',
  'health-item': 'Health history entry',
  'health-item-history': 'History of a health entry',
  insurance: 'Insurance',
  'insurance-history': 'Insurance history',
  'correction-request': 'Correction request',
  'intake-form': 'Questionnaire',
  document: 'Documents',
  'intake-response': 'Questionnaire answers',
};

export const roleLabels: Record<string, string> = {
  patient: 'Patient',
  provider: 'Provider',
  staff: 'Staff',
  admin: 'Admin',
};

export const label = (labels: Record<string, string>, key: string | null) =>
  key === null ? '—' : (labels[key] ?? key);
