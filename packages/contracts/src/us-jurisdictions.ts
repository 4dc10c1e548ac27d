import type { usStates } from './patients.js';

export type UsState = (typeof usStates)[number];

/**
 * Names for the state select, and the zone in which a license issued there lapses. A state
 * spanning several zones uses its easternmost (earliest) one, so a license is never treated
 * as active after it has lapsed anywhere in the state (see licensing.ts on the server).
 */
export const usJurisdictions: Record<UsState, { name: string; licenseZone: string }> = {
  AL: { name: 'Alabama', licenseZone: 'America/Chicago' },
  AK: { name: 'Alaska', licenseZone: 'America/Anchorage' },
  AZ: { name: 'Arizona', licenseZone: 'America/Phoenix' },
  AR: { name: 'Arkansas', licenseZone: 'America/Chicago' },
  CA: { name: 'California', licenseZone: 'America/Los_Angeles' },
  CO: { name: 'Colorado', licenseZone: 'America/Denver' },
  CT: { name: 'Connecticut', licenseZone: 'America/New_York' },
  DE: { name: 'Delaware', licenseZone: 'America/New_York' },
  DC: { name: 'District of Columbia', licenseZone: 'America/New_York' },
  FL: { name: 'Florida', licenseZone: 'America/New_York' },
  GA: { name: 'Georgia', licenseZone: 'America/New_York' },
  HI: { name: 'Hawaii', licenseZone: 'Pacific/Honolulu' },
  ID: { name: 'Idaho', licenseZone: 'America/Boise' },
  IL: { name: 'Illinois', licenseZone: 'America/Chicago' },
  IN: { name: 'Indiana', licenseZone: 'America/Indiana/Indianapolis' },
  IA: { name: 'Iowa', licenseZone: 'America/Chicago' },
  KS: { name: 'Kansas', licenseZone: 'America/Chicago' },
  KY: { name: 'Kentucky', licenseZone: 'America/New_York' },
  LA: { name: 'Louisiana', licenseZone: 'America/Chicago' },
  ME: { name: 'Maine', licenseZone: 'America/New_York' },
  MD: { name: 'Maryland', licenseZone: 'America/New_York' },
  MA: { name: 'Massachusetts', licenseZone: 'America/New_York' },
  MI: { name: 'Michigan', licenseZone: 'America/Detroit' },
  MN: { name: 'Minnesota', licenseZone: 'America/Chicago' },
  MS: { name: 'Mississippi', licenseZone: 'America/Chicago' },
  MO: { name: 'Missouri', licenseZone: 'America/Chicago' },
  MT: { name: 'Montana', licenseZone: 'America/Denver' },
  NE: { name: 'Nebraska', licenseZone: 'America/Chicago' },
  NV: { name: 'Nevada', licenseZone: 'America/Denver' },
  NH: { name: 'New Hampshire', licenseZone: 'America/New_York' },
  NJ: { name: 'New Jersey', licenseZone: 'America/New_York' },
  NM: { name: 'New Mexico', licenseZone: 'America/Denver' },
  NY: { name: 'New York', licenseZone: 'America/New_York' },
  NC: { name: 'North Carolina', licenseZone: 'America/New_York' },
  ND: { name: 'North Dakota', licenseZone: 'America/Chicago' },
  OH: { name: 'Ohio', licenseZone: 'America/New_York' },
  OK: { name: 'Oklahoma', licenseZone: 'America/Chicago' },
  OR: { name: 'Oregon', licenseZone: 'America/Boise' },
  PA: { name: 'Pennsylvania', licenseZone: 'America/New_York' },
  RI: { name: 'Rhode Island', licenseZone: 'America/New_York' },
  SC: { name: 'South Carolina', licenseZone: 'America/New_York' },
  SD: { name: 'South Dakota', licenseZone: 'America/Chicago' },
  TN: { name: 'Tennessee', licenseZone: 'America/New_York' },
  TX: { name: 'Texas', licenseZone: 'America/Chicago' },
  UT: { name: 'Utah', licenseZone: 'America/Denver' },
  VT: { name: 'Vermont', licenseZone: 'America/New_York' },
  VA: { name: 'Virginia', licenseZone: 'America/New_York' },
  WA: { name: 'Washington', licenseZone: 'America/Los_Angeles' },
  WV: { name: 'West Virginia', licenseZone: 'America/New_York' },
  WI: { name: 'Wisconsin', licenseZone: 'America/Chicago' },
  WY: { name: 'Wyoming', licenseZone: 'America/Denver' },
  AS: { name: 'American Samoa', licenseZone: 'Pacific/Pago_Pago' },
  GU: { name: 'Guam', licenseZone: 'Pacific/Guam' },
  MP: { name: 'Northern Mariana Islands', licenseZone: 'Pacific/Saipan' },
  PR: { name: 'Puerto Rico', licenseZone: 'America/Puerto_Rico' },
  VI: { name: 'U.S. Virgin Islands', licenseZone: 'America/St_Thomas' },
};

/** "Texas (TX)", for selects and messages. */
export const usStateLabel = (code: UsState) => `${usJurisdictions[code].name} (${code})`;
