/** What each chart field is called on screen (history lists name the fields that changed). */
export const fieldLabels: Record<string, string> = {
  legalName: 'Legal name',
  preferredName: 'Preferred name',
  birthDate: 'Date of birth',
  sexAtBirth: 'Sex assigned at birth',
  genderIdentity: 'Gender identity',
  pronouns: 'Pronouns',
  phone: 'Phone',
  addressLine1: 'Address',
  addressLine2: 'Address line 2',
  city: 'City',
  state: 'State',
  postalCode: 'ZIP code',
  preferredLanguage: 'Preferred language',
  timeZone: 'Time zone',
  emergencyContactName: 'Emergency contact',
  emergencyContactRelationship: 'Emergency contact relationship',
  emergencyContactPhone: 'Emergency contact phone',
  primaryCareProvider: 'Primary care provider',
  display: 'Name',
  codeSystem: 'Code system',
  code: 'Code',
  detail: 'Details',
  severity: 'Severity',
  onsetDate: 'Since',
  status: 'Status',
  rank: 'Primary or secondary',
  payer: 'Insurance company',
  plan: 'Plan',
  memberId: 'Member ID',
  groupNumber: 'Group number',
  subscriberRelationship: 'Policy holder',
  subscriberName: 'Policy holder name',
  cardFrontDocumentId: 'Card photo (front)',
  cardBackDocumentId: 'Card photo (back)',
};

export const sexAtBirthLabels: Record<string, string> = {
  female: 'Female',
  male: 'Male',
  intersex: 'Intersex',
  unknown: 'Unknown',
  declined: 'Prefer not to say',
};

export const healthStatusLabels: Record<string, string> = {
  active: 'Current',
  inactive: 'No longer applies',
  'entered-in-error': 'Entered in error',
};

export const kindLabels = {
  allergy: { plural: 'Allergies', one: 'allergy', name: 'Allergy (what causes it)' },
  medication: { plural: 'Medications', one: 'medication', name: 'Medication and dose' },
  condition: { plural: 'Conditions', one: 'condition', name: 'Condition' },
} as const;

export const relationshipLabels: Record<string, string> = {
  self: 'Me',
  spouse: 'My spouse or partner',
  child: 'My parent (I am their child)',
  other: 'Someone else',
};

export const sectionLabels: Record<string, string> = {
  profile: 'Personal details',
  'health-history': 'Health history',
  insurance: 'Insurance',
  'visit-record': 'A visit record',
  other: 'Something else',
};

export const fieldLabel = (field: string) => fieldLabels[field] ?? field;
