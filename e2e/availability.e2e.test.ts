import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

const CHICAGO = 'America/Chicago'; // Dr. Chen's zone
const LOS_ANGELES = 'America/Los_Angeles'; // James's profile zone
const DAY = 86_400_000;

interface Visit {
  startsAt: string;
  status: string;
  provider: { displayName: string };
  bookedBy: { displayName: string };
}

/** The wall-clock fields of an instant in a zone. */
function partsIn(instant: number, zone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const n = (key: string) => Number(parts[key]);
  return {
    y: n('year'),
    m: n('month'),
    d: n('day'),
    h: n('hour'),
    min: n('minute'),
    wd: parts.weekday!,
  };
}

/** The instant of a wall-clock time in a zone (no DST gap at the times used here). */
function instantAt(zone: string, y: number, m: number, d: number, h: number, min = 0) {
  const guess = Date.UTC(y, m - 1, d, h, min);
  const seen = partsIn(guess, zone);
  const offset = Date.UTC(seen.y, seen.m - 1, seen.d, seen.h, seen.min) - guess;
  return guess - offset;
}

/** The calendar date `days` after the instant's date in the zone. */
const dateAfter = (instant: number, zone: string, days: number) => {
  const p = partsIn(instant, zone);
  const date = new Date(Date.UTC(p.y, p.m - 1, p.d + days));
  return { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
};

/** "Saturday, March 14, 8:00 AM": how the picker names a time button (the app's locale is en-US). */
const buttonName = (instant: number, zone: string) =>
  `${new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'long', month: 'long', day: 'numeric' }).format(instant)}, ${new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit' }).format(instant)}`;
/** ICU versions differ on the space before AM/PM; Playwright compares names with plain spaces. */
const exactly = (name: string) => ({ name: name.replace(/\s/g, ' '), exact: true });

/** The picker's week page holding the instant: its weeks start at today in the viewer's zone. */
const weekPage = (instant: number, now: number, zone: string) => {
  const a = partsIn(now, zone);
  const b = partsIn(instant, zone);
  return Math.floor((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / (7 * DAY));
};

const pad = (n: number) => String(n).padStart(2, '0');
const localInput = (date: { y: number; m: number; d: number }, time: string) =>
  `${date.y}-${pad(date.m)}-${pad(date.d)}T${time}`;

// One story: Dr. Chen opens Saturday mornings and takes next Monday morning off; James sees
// both in the slot picker (in his own zone); the front desk books the Saturday for James.
describe('provider availability in the browser', () => {
  const suite = browserSuite();
  const now = Date.now();
  // Dr. Chen's first Saturday whose 10:00 is past the 2-hour minimum notice (and a margin).
  const saturdayDate = [...Array(14).keys()]
    .map((days) => dateAfter(now, CHICAGO, days))
    .find(({ y, m, d }) => {
      const at = instantAt(CHICAGO, y, m, d, 10);
      return partsIn(at, CHICAGO).wd === 'Sat' && at > now + 3 * 3_600_000;
    })!;
  const saturday10 = instantAt(CHICAGO, saturdayDate.y, saturdayDate.m, saturdayDate.d, 10);
  const mondayDate = [...Array(7).keys()]
    .map((days) => dateAfter(now, CHICAGO, days + 1))
    .find(({ y, m, d }) => partsIn(instantAt(CHICAGO, y, m, d, 12), CHICAGO).wd === 'Mon')!;
  const monday = (h: number, min = 0) =>
    instantAt(CHICAGO, mondayDate.y, mondayDate.m, mondayDate.d, h, min);
  let clinicId = '';

  const signedIn = async (email: string) => {
    const page = await suite.open('/sign-in');
    await signIn(page, email);
    await enrollAuthenticator(page);
    return page;
  };
  const nav = async (page: Page, link: RegExp, heading: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  const api = async <T>(page: Page, path: string) => {
    const response = await page.request.get(`${suite.server.baseUrl}${path}`);
    expect(response.status()).toBe(200);
    return (await response.json()) as T;
  };
  /** Moves the slot picker from week page `from` to `to`, waiting for each page's label. */
  const pageTo = async (page: Page, from: number, to: number) => {
    for (let week = from; week !== to; week += to > from ? 1 : -1) {
      const label = page.getByText(/^[A-Z][a-z]{2} \d{1,2} – [A-Z][a-z]{2} \d{1,2}$/);
      const before = await label.innerText();
      await page.getByRole('button', { name: to > from ? 'Next week' : 'Previous week' }).click();
      await label.filter({ hasNotText: before }).waitFor();
    }
  };

  it('Dr. Chen adds Saturday hours and takes next Monday morning off', async () => {
    const page = await signedIn('dr.chen@demo-clinic.test');
    await nav(page, /^Availability/, 'Availability');
    const session = await api<{ user: { id: string }; memberships: { organizationId: string }[] }>(
      page,
      '/api/auth/session',
    );
    clinicId = session.memberships[0]!.organizationId;
    const schedulePath = `/api/clinics/${clinicId}/providers/${session.user.id}/schedule`;

    // The seeded weekdays are shown; Saturday has none yet.
    await page.getByRole('group', { name: 'Monday, hours 1' }).waitFor();
    const saturday = page.getByRole('group', { name: 'Saturday', exact: true });
    await saturday.getByText('No hours.').waitFor();
    await saturday.getByRole('button', { name: 'Add hours on Saturday' }).click();
    const range = page.getByRole('group', { name: 'Saturday, hours 1' });
    // Backwards first: the server's message lands under the field it names.
    await range.getByRole('textbox', { name: 'From' }).fill('12:00');
    await range.getByRole('textbox', { name: 'To' }).fill('10:00');
    await page.getByRole('button', { name: 'Save hours' }).click();
    await range.getByText('The end must be after the start', { exact: false }).waitFor();
    expect((await api<{ rules: unknown[] }>(page, schedulePath)).rules).not.toContainEqual(
      expect.objectContaining({ weekday: 6 }),
    );
    await range.getByRole('textbox', { name: 'From' }).fill('10:00');
    await range.getByRole('textbox', { name: 'To' }).fill('12:00');
    await page.getByRole('button', { name: 'Save hours' }).click();
    await page.getByText('The hours are saved.').waitFor();
    const schedule = await api<{ timeZone: string; rules: unknown[] }>(page, schedulePath);
    expect(schedule.timeZone).toBe(CHICAGO);
    expect(schedule.rules).toContainEqual({ weekday: 6, startTime: '10:00', endTime: '12:00' });
    expect(schedule.rules).toContainEqual({ weekday: 1, startTime: '09:00', endTime: '12:00' });

    // Next Monday 08:00-12:00, entered in Dr. Chen's zone.
    const form = page.getByRole('form', { name: 'Add time off or extra hours' });
    await form.getByRole('combobox', { name: 'Kind' }).selectOption({ label: 'Time off' });
    await form.getByLabel('Starts').fill(localInput(mondayDate, '08:00'));
    await form.getByLabel('Ends').fill(localInput(mondayDate, '12:00'));
    await form.getByRole('textbox', { name: /^Note/ }).fill('Dentist');
    await form.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText(/^Time off from .* was added\.$/).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Dentist' }).waitFor();
    const { exceptions } = await api<{
      exceptions: { kind: string; startsAt: string; endsAt: string }[];
    }>(page, `${schedulePath}/exceptions`);
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]!.kind).toBe('time-off');
    expect(Date.parse(exceptions[0]!.startsAt)).toBe(monday(8));
    expect(Date.parse(exceptions[0]!.endsAt)).toBe(monday(12));
  }, 90_000);

  it('James sees Saturday 10:00 Chicago as 8:00 AM and nothing in the Monday time off', async () => {
    expect(clinicId).not.toBe('');
    const page = await suite.open('/sign-in');
    await signIn(page, 'james@demo-clinic.test');
    await page.waitForURL('**/patient');
    await nav(page, /^Book a visit/, 'Book a visit');
    await page
      .getByRole('combobox', { name: /^Visit type/ })
      .selectOption({ label: 'Follow-up video visit' });
    await page.getByText(`(${LOS_ANGELES})`, { exact: false }).first().waitFor();
    const chen = page.getByRole('region', { name: 'Dr. Lin Chen' });

    const saturdayName = buttonName(saturday10, LOS_ANGELES);
    expect(saturdayName).toMatch(/^Saturday, .*, 8:00\sAM$/);
    const saturdayPage = weekPage(saturday10, now, LOS_ANGELES);
    await pageTo(page, 0, saturdayPage);
    await chen.getByRole('button', exactly(saturdayName)).waitFor();

    // Monday 13:00 Chicago (11:00 AM in Los Angeles) is still offered; the morning is not.
    const mondayPage = weekPage(monday(13), now, LOS_ANGELES);
    await pageTo(page, saturdayPage, mondayPage);
    await chen.getByRole('button', exactly(buttonName(monday(13), LOS_ANGELES))).waitFor();
    const offered = new Set(
      (
        await chen
          .getByRole('button')
          .evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label') ?? ''))
      ).map((name) => name.replace(/\s/g, ' ')),
    );
    for (let minutes = 0; minutes < 4 * 60; minutes += 15) {
      const blocked = buttonName(monday(8) + minutes * 60_000, LOS_ANGELES).replace(/\s/g, ' ');
      expect(offered.has(blocked), blocked).toBe(false);
    }
  }, 90_000);

  it('the front desk sees Dr. Chen’s hours and books the Saturday for James from his chart', async () => {
    expect(clinicId).not.toBe('');
    const page = await signedIn('frontdesk@demo-clinic.test');
    await nav(page, /^Schedule/, 'Clinic schedule');
    await page.getByRole('link', { name: "Dr. Lin Chen's hours" }).click();
    await page.getByRole('heading', { level: 1, name: 'Hours of Dr. Lin Chen' }).waitFor();
    const saturday = page.getByRole('group', { name: 'Saturday, hours 1' });
    expect(await saturday.getByRole('textbox', { name: 'From' }).inputValue()).toBe('10:00');
    await page.getByRole('listitem').filter({ hasText: 'Dentist' }).waitFor();

    await nav(page, /^Patients/, 'Patients');
    await page.getByRole('link', { name: 'James Park' }).click();
    await page.getByRole('heading', { level: 1, name: 'James Park' }).waitFor();
    const [, patientId] = /\/patients\/([^/?]+)/.exec(page.url())!;
    await page.getByRole('tab', { name: 'Appointments' }).click();
    // The demo seed gives James one coming weekday visit with Dr. Chen.
    const upcomingRows = page.getByRole('region', { name: 'Upcoming visits' }).getByRole('row');
    await upcomingRows.filter({ hasText: 'Follow-up video visit' }).getByText('Booked').waitFor();
    await page.getByRole('button', { name: 'Book a visit' }).click();
    await page.getByRole('heading', { level: 2, name: 'Book a visit for James Park' }).waitFor();
    await page
      .getByRole('combobox', { name: /^Visit type/ })
      .selectOption({ label: 'Follow-up video visit' });
    const saturdayName = buttonName(saturday10, LOS_ANGELES);
    await pageTo(page, 0, weekPage(saturday10, now, LOS_ANGELES));
    const chen = page.getByRole('region', { name: 'Dr. Lin Chen' });
    await chen.getByRole('button', exactly(saturdayName)).click();
    await page.getByRole('button', exactly(`Continue with ${saturdayName}`)).click();
    const confirm = page.getByRole('region', { name: 'Confirm the visit for James Park' });
    await confirm.getByText('Dr. Lin Chen').waitFor();
    await confirm.getByRole('button', { name: 'Book this visit' }).click();
    await page.getByText(/^Booked: Follow-up video visit with Dr\. Lin Chen on Saturday/).waitFor();
    await upcomingRows
      .filter({ hasText: 'Follow-up video visit' })
      .filter({ hasText: /^Saturday/ })
      .getByText('Booked')
      .waitFor();

    const { upcoming } = await api<{ upcoming: Visit[] }>(
      page,
      `/api/clinics/${clinicId}/patients/${patientId}/appointments`,
    );
    // The seeded weekday visit, and the Saturday just booked.
    expect(upcoming).toHaveLength(2);
    const booked = upcoming.find((v) => Date.parse(v.startsAt) === saturday10);
    expect(booked).toMatchObject({
      status: 'booked',
      provider: { displayName: 'Dr. Lin Chen' },
      bookedBy: { displayName: 'Jordan Ellis' },
    });
  }, 120_000);
});
