import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

const CHICAGO = 'America/Chicago'; // Dr. Chen's zone
const LOS_ANGELES = 'America/Los_Angeles'; // James's profile zone
const NEW_YORK = 'America/New_York';
const DAY = 86_400_000;

interface Visit {
  id: string;
  startsAt: string;
  status: string;
  lateCancellation: boolean;
  cancelReason: string | null;
  rescheduledFromId: string | null;
  provider: { displayName: string };
  visitType: { name: string };
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
  return { y: n('year'), m: n('month'), d: n('day'), h: n('hour'), min: n('minute') };
}

/** The instant of a wall-clock time in a zone (no DST change at the hours used here). */
function instantAt(zone: string, y: number, m: number, d: number, h: number) {
  const guess = Date.UTC(y, m - 1, d, h);
  const seen = partsIn(guess, zone);
  return guess - (Date.UTC(seen.y, seen.m - 1, seen.d, seen.h, seen.min) - guess);
}

/** "Monday, November 30, 9:00 AM": how the app names a time (its locale is en-US). */
const timeName = (instant: number, zone: string) =>
  `${new Intl.DateTimeFormat('en-US', { timeZone: zone, weekday: 'long', month: 'long', day: 'numeric' }).format(instant)}, ${new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit' }).format(instant)}`;
/** ICU versions differ on the space before AM/PM; Playwright compares names with plain spaces. */
const plain = (name: string) => name.replace(/\s/g, ' ');
const exactly = (name: string) => ({ name: plain(name), exact: true });

// One story: an admin moves the clinic to New York time; the front desk books James a visit
// (through the API: the test's own data), then moves and cancels it from his chart, and reads
// the clinic's day in the clinic's zone or their own.
describe("staff change a patient's visits from the chart", () => {
  const suite = browserSuite();
  const now = Date.now();
  // 11:00 in Chicago, inside Dr. Chen's morning hours, on the first weekday at least five days
  // on: outside the urgent care visit's 24-hour window, and never the seeded visit's 15:00.
  const bookedAt = [...Array(10).keys()]
    .map((days) => {
      const p = partsIn(now + (days + 5) * DAY, CHICAGO);
      return instantAt(CHICAGO, p.y, p.m, p.d, 11);
    })
    .find((instant) => {
      const weekday = new Date(instant).getUTCDay();
      return weekday >= 1 && weekday <= 5;
    })!;
  let clinicId = '';

  const signedIn = async (email: string) => {
    const page = await suite.open('/sign-in');
    await signIn(page, email);
    await enrollAuthenticator(page);
    const session = await api<{ memberships: { organizationId: string }[] }>(
      page,
      '/api/auth/session',
    );
    clinicId = session.memberships[0]!.organizationId;
    return page;
  };
  const nav = async (page: Page, link: RegExp, heading: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };
  const api = async <T>(page: Page, path: string) => {
    const response = await page.request.get(`${suite.server.baseUrl}${path}`);
    expect(response.status(), path).toBe(200);
    return (await response.json()) as T;
  };

  it("an admin sets the clinic's time zone", async () => {
    const page = await signedIn('admin@demo-clinic.test');
    await nav(page, /^Clinic settings/, 'Clinic settings');
    const zone = page.getByRole('combobox', { name: /^Clinic time zone/ });
    expect(await zone.inputValue()).toBe(CHICAGO);
    await zone.selectOption(NEW_YORK);
    await page.getByRole('button', { name: 'Save time zone' }).click();
    await page.getByText(/^The clinic's time zone is now .*\(America\/New_York\)\.$/).waitFor();
    const settings = await api<{ timeZone: string }>(page, `/api/clinics/${clinicId}/settings`);
    expect(settings.timeZone).toBe(NEW_YORK);
  }, 90_000);

  it('the front desk moves and then cancels a visit of James from his chart', async () => {
    const page = await signedIn('frontdesk@demo-clinic.test');
    await nav(page, /^Patients/, 'Patients');
    await page.getByRole('link', { name: 'James Park' }).click();
    await page.getByRole('heading', { level: 1, name: 'James Park' }).waitFor();
    const [, patientId] = /\/patients\/([^/?]+)/.exec(page.url())!;
    const visitsPath = `/api/clinics/${clinicId}/patients/${patientId}/appointments`;

    // The test's own visit: urgent care with Dr. Chen, at a time the slot search offers.
    const { visitTypes } = await api<{ visitTypes: { id: string; slug: string }[] }>(
      page,
      `/api/clinics/${clinicId}/visit-types`,
    );
    const urgent = visitTypes.find((v) => v.slug === 'urgent-care-video-visit')!;
    const search = new URLSearchParams({
      visitTypeId: urgent.id,
      from: new Date(bookedAt).toISOString(),
      to: new Date(bookedAt + 60_000).toISOString(),
    });
    const { providers } = await api<{
      providers: { providerId: string; displayName: string; slots: string[] }[];
    }>(page, `/api/clinics/${clinicId}/slots?${search}`);
    const chen = providers.find((p) => p.displayName === 'Dr. Lin Chen')!;
    expect(chen.slots.map(Date.parse)).toEqual([bookedAt]);
    const booking = await page.request.post(`${suite.server.baseUrl}${visitsPath}`, {
      headers: {
        origin: suite.server.baseUrl,
        'x-openvisit-request': '1',
        'idempotency-key': `chart-e2e-${bookedAt}`,
      },
      data: {
        providerId: chen.providerId,
        visitTypeId: urgent.id,
        startsAt: new Date(bookedAt).toISOString(),
      },
    });
    expect(booking.status(), await booking.text()).toBe(201);
    const original = (await booking.json()) as Visit;

    // The chart lists it in James's zone, with the front desk's buttons.
    await page.getByRole('tab', { name: 'Appointments' }).click();
    await page.getByText(`Times are shown in the patient's zone`, { exact: false }).waitFor();
    const bookedName = timeName(bookedAt, LOS_ANGELES);
    await page.getByRole('button', exactly(`Reschedule the visit of ${bookedName}`)).click();

    // The new time is picked among Dr. Chen's free times, shown in the viewer's own zone.
    await page.getByRole('heading', { level: 2, name: "Reschedule James Park's visit" }).waitFor();
    const viewerZone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
    await page
      .getByText(/^Times are shown in /)
      .filter({ hasText: viewerZone })
      .waitFor();
    const chenTimes = page.getByRole('region', { name: 'Dr. Lin Chen' });
    const first = chenTimes.getByRole('group').first().getByRole('button').first();
    await first.waitFor();
    const newName = plain((await first.getAttribute('aria-label')) ?? '');
    // Only Dr. Chen is offered (the visit keeps its provider), and never the visit's own time.
    expect(await page.getByRole('region', { name: 'Dr. Ada Okafor' }).count()).toBe(0);
    expect(newName).not.toBe(plain(timeName(bookedAt, viewerZone)));
    await first.click();
    await page.getByRole('region', { name: 'The new time' }).getByText('Dr. Lin Chen').waitFor();
    await page.getByRole('button', exactly(`Move the visit to ${newName}`)).click();
    await page.getByText(/^Moved: Urgent care video visit with Dr\. Lin Chen to /).waitFor();

    const afterMove = await api<{ upcoming: Visit[]; past: Visit[] }>(page, visitsPath);
    const moved = afterMove.upcoming.find((v) => v.rescheduledFromId === original.id)!;
    expect(moved).toMatchObject({ status: 'booked', provider: { displayName: 'Dr. Lin Chen' } });
    expect(plain(timeName(Date.parse(moved.startsAt), viewerZone))).toBe(newName);
    expect(afterMove.past.find((v) => v.id === original.id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'Rescheduled',
    });
    const movedName = timeName(Date.parse(moved.startsAt), LOS_ANGELES);
    await page
      .getByRole('region', { name: 'Past and cancelled visits' })
      .getByRole('row')
      .filter({ hasText: plain(bookedName) })
      .getByText('Moved to another time')
      .waitFor();

    // Cancelling asks for a reason, and warns beforehand when it is late (24-hour window).
    await page.getByRole('button', exactly(`Cancel the visit of ${movedName}`)).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this visit?' });
    await dialog.getByText("James Park's Urgent care video visit", { exact: false }).waitFor();
    const late = Date.parse(moved.startsAt) - Date.now() < DAY;
    expect(await dialog.getByText('This is a late cancellation').count()).toBe(late ? 1 : 0);
    await dialog.getByRole('button', { name: 'Cancel visit' }).click();
    await dialog.getByText('Give the reason for cancelling.').waitFor();
    await dialog.getByRole('textbox', { name: /^Reason/ }).fill('The patient called to cancel');
    await dialog.getByRole('button', { name: 'Cancel visit' }).click();
    await page.getByText(/^Cancelled: Urgent care video visit on /).waitFor();

    const afterCancel = await api<{ upcoming: Visit[]; past: Visit[] }>(page, visitsPath);
    expect(afterCancel.past.find((v) => v.id === moved.id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'The patient called to cancel',
      lateCancellation: late,
    });
    // Only the seeded visit is still coming.
    expect(afterCancel.upcoming.map((v) => v.visitType.name)).toEqual(['Follow-up video visit']);

    // The clinic's day reads in the clinic's zone (New York now), or the viewer's own.
    await nav(page, /^Schedule/, 'Clinic schedule');
    await page
      .getByText("Times are shown in the clinic's zone, ", { exact: false })
      .filter({ hasText: '(America/New_York)' })
      .waitFor();
    if (viewerZone !== NEW_YORK) {
      await page.getByRole('radio', { name: /^My zone/ }).check();
      await page.getByText('Times are shown in your zone, ', { exact: false }).waitFor();
      await page.getByRole('radio', { name: /^The clinic's zone/ }).check();
      await page.getByText("Times are shown in the clinic's zone, ", { exact: false }).waitFor();
    }
  }, 150_000);
});
