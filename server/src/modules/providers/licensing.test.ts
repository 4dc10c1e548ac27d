import { describe, expect, it } from 'vitest';
import {
  isLanguageTag,
  isValidNpi,
  npiProblem,
  providerProfileUpdateSchema,
} from '@openvisit/contracts';
import { licenseLapsesAt } from './license-expiry.js';
import { decideLicensing, describeLicensing, type LicenseFacts } from './licensing.js';

describe('NPI check digit (CMS: Luhn over 80840 and the first nine digits)', () => {
  it('accepts valid NPIs', () => {
    for (const npi of ['1234567893', '1245319599', '1467583922', '1987654328']) {
      expect(isValidNpi(npi), npi).toBe(true);
      expect(npiProblem(npi)).toBeUndefined();
    }
  });

  it('refuses a wrong check digit, a transposition, and anything not 10 digits', () => {
    for (const npi of ['1234567890', '1234567839', '2134567893']) {
      expect(isValidNpi(npi), npi).toBe(false);
      expect(npiProblem(npi)).toMatch(/check digit/);
    }
    for (const npi of ['123456789', '12345678931', '12345678a3', '', ' 1234567893']) {
      expect(isValidNpi(npi), npi).toBe(false);
      expect(npiProblem(npi)).toMatch(/10 digits/);
    }
  });

  it('validates the profile form: NPI, language tags, time zone, bio length', () => {
    const base = {
      credentials: 'MD',
      specialties: ['Family Medicine'],
      npi: '1234567893',
      languages: ['EN', 'zh-hant', 'en'],
      bio: '',
      timeZone: 'America/Chicago',
    };
    expect(providerProfileUpdateSchema.parse(base)).toEqual({
      ...base,
      languages: ['en', 'zh-Hant'],
      bio: null,
    });
    const bad = providerProfileUpdateSchema.safeParse({
      ...base,
      npi: '1234567890',
      languages: ['not a tag'],
      bio: 'x'.repeat(2001),
      timeZone: 'Mars/Olympus_Mons',
    });
    const paths = bad.error!.issues.map((i) => i.path.join('.')).sort();
    expect(paths).toEqual(['bio', 'languages.0', 'npi', 'timeZone']);
    expect(isLanguageTag('es-MX')).toBe(true);
  });
});

describe('when a license lapses', () => {
  it('at the midnight ending its last day in the state’s easternmost zone', () => {
    // Central Standard Time (after the November change): UTC-6.
    expect(licenseLapsesAt('TX', '2026-11-03').toISOString()).toBe('2026-11-04T06:00:00.000Z');
    // Pacific Daylight Time: UTC-7.
    expect(licenseLapsesAt('CA', '2026-07-01').toISOString()).toBe('2026-07-02T07:00:00.000Z');
    // Florida spans two zones: Eastern, the earlier midnight, decides.
    expect(licenseLapsesAt('FL', '2026-07-01').toISOString()).toBe('2026-07-02T04:00:00.000Z');
    // Guam is ahead of UTC.
    expect(licenseLapsesAt('GU', '2026-07-01').toISOString()).toBe('2026-07-01T14:00:00.000Z');
  });

  it('on either side of a daylight-saving change', () => {
    // New York springs forward at 02:00 on 2026-03-08: the midnight before is still EST.
    expect(licenseLapsesAt('NY', '2026-03-07').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(licenseLapsesAt('NY', '2026-03-08').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // ...and falls back on 2026-11-01.
    expect(licenseLapsesAt('NY', '2026-10-31').toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(licenseLapsesAt('NY', '2026-11-01').toISOString()).toBe('2026-11-02T05:00:00.000Z');
  });

  it('at the year’s end', () => {
    expect(licenseLapsesAt('WA', '2026-12-31').toISOString()).toBe('2027-01-01T08:00:00.000Z');
  });
});

describe('the licensing rule', () => {
  const at = new Date('2026-11-03T15:00:00Z');
  const license = (state: string, expiresOn: string, revokedAt: Date | null = null) => ({
    id: `${state}-${expiresOn}-${revokedAt ? 'revoked' : 'live'}`,
    state,
    expiresOn,
    revokedAt,
  });
  const chen: LicenseFacts[] = [license('CA', '2027-06-30'), license('NY', '2027-06-30')];

  it('allows a patient in a state where the provider holds an active license', () => {
    expect(decideLicensing(chen, 'CA', at)).toEqual({ ok: true, licenseId: 'CA-2027-06-30-live' });
  });

  it('refuses a patient in another state', () => {
    const decision = decideLicensing(chen, 'TX', at);
    expect(decision).toEqual({ ok: false, reason: 'no-license' });
    expect(describeLicensing(decision, 'Dr. Lin Chen', 'TX')).toBe(
      'Dr. Lin Chen holds no active license in TX.',
    );
  });

  it('refuses an expired license, through the last day and not a moment after', () => {
    const licenses = [license('TX', '2026-11-03')];
    expect(decideLicensing(licenses, 'TX', new Date('2026-11-04T05:59:59Z')).ok).toBe(true);
    const lapsed = decideLicensing(licenses, 'TX', new Date('2026-11-04T06:00:00Z'));
    expect(lapsed).toEqual({ ok: false, reason: 'license-expired', expiredOn: '2026-11-03' });
    expect(describeLicensing(lapsed, 'Dr. Ada Okafor', 'TX')).toMatch(/expired on 2026-11-03/);
  });

  it('refuses a revoked license, even one not yet expired', () => {
    const licenses = [license('WA', '2028-01-31', new Date('2026-10-01T00:00:00Z'))];
    expect(decideLicensing(licenses, 'WA', at)).toEqual({ ok: false, reason: 'license-revoked' });
  });

  it('allows a renewed license though the replaced row is revoked', () => {
    const licenses = [
      license('WA', '2026-12-31', new Date('2026-10-01T00:00:00Z')),
      license('WA', '2028-12-31'),
    ];
    expect(decideLicensing(licenses, 'WA', at)).toMatchObject({ ok: true });
  });

  it('refuses when the patient’s state is not known', () => {
    for (const state of [undefined, null, '']) {
      expect(decideLicensing(chen, state, at)).toEqual({
        ok: false,
        reason: 'patient-location-unknown',
      });
    }
  });
});
