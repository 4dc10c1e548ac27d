import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

interface Visit {
  id: string;
  startsAt: string;
  status: string;
  lateCancellation: boolean;
  provider: { displayName: string };
  rescheduledFromId: string | null;
}

/** "Tuesday, December 1, 9:00 AM": how a time button is named. */
const timeName = /^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{1,2}:\d\d\s?[AP]M$/;

/** Monday 00:00 of the week holding `date`, in this machine's zone (the browser's too). */
const mondayOf = (date: Date) => {
  const monday = new Date(date);
  monday.setHours(0, 0, 0, 0);
  monday.setDate(monday.getDate() - ((monday.getDay() + 6) % 7));
  return monday;
};

// One story, in order: Maria adds her state, is sent to sign the consents, books an urgent
// care visit with Dr. Okafor (the only provider licensed in Texas) and moves it; Dr. Okafor
// sees it on her calendar; Maria cancels it.
describe('booking a visit in the browser', () => {
  const suite = browserSuite();
  let moved: Visit | undefined;
  let movedName = '';

  const nav = async (page: Page, link: RegExp, heading: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  /** Maria's visits, as the API answers her own session. */
  const visitsOf = async (page: Page) => {
    const session = (await (
      await page.request.get(`${suite.server.baseUrl}/api/auth/session`)
    ).json()) as { user: { id: string }; memberships: { organizationId: string }[] };
    const url = `${suite.server.baseUrl}/api/clinics/${session.memberships[0]!.organizationId}/patients/${session.user.id}/appointments`;
    return (await (await page.request.get(url)).json()) as { upcoming: Visit[]; past: Visit[] };
  };

  /** Picks Dr. Okafor's first offered time and returns its accessible name. */
  const pickFirstOkaforTime = async (page: Page) => {
    const okafor = page.getByRole('region', { name: 'Dr. Ada Okafor' });
    const first = okafor.getByRole('group').first().getByRole('button').first();
    await first.waitFor();
    const name = (await first.getAttribute('aria-label')) ?? '';
    expect(name).toMatch(timeName);
    await first.click();
    await okafor.getByRole('button', { name, pressed: true }).waitFor();
    return name;
  };

  const signDocument = async (page: Page, title: string) => {
    const card = page.getByRole('region', { name: title, exact: true });
    await card.getByRole('textbox', { name: /^Type your full name to sign/ }).fill('Maria Lopez');
    await card.getByRole('button', { name: `Sign the ${title}` }).click();
    await page.getByText(`You signed the ${title} (version`).waitFor();
  };

  it('Maria adds her state, signs the consents she is sent to, books and reschedules', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient');

    // Without a state on her profile there is nobody to offer: she is sent to add it.
    await nav(page, /^Book a visit/, 'Book a visit');
    await page.getByRole('link', { name: 'Add your state' }).click();
    await page.getByRole('heading', { level: 1, name: 'My details' }).waitFor();
    await page.getByRole('textbox', { name: /^Legal name/ }).fill('Maria Lopez');
    await page.getByRole('combobox', { name: /^State/ }).selectOption('TX');
    await page.getByRole('combobox', { name: /^Time zone/ }).selectOption('America/Chicago');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Your details are saved.').waitFor();

    await nav(page, /^Book a visit/, 'Book a visit');
    await page
      .getByRole('combobox', { name: /^Visit type/ })
      .selectOption({ label: 'Urgent care video visit' });
    await page.getByText('Times are shown in', { exact: false }).first().waitFor();
    await page
      .getByText(/America\/Chicago/)
      .first()
      .waitFor();
    const firstName = await pickFirstOkaforTime(page);
    // Dr. Chen is not licensed in Texas: not offered.
    expect(await page.getByRole('region', { name: 'Dr. Lin Chen' }).count()).toBe(0);
    await page.getByRole('button', { name: `Continue with ${firstName}` }).click();
    const confirm = page.getByRole('region', { name: 'Confirm your visit' });
    await confirm.getByText(firstName).waitFor();
    await confirm.getByText('Dr. Ada Okafor').waitFor();

    // The consents are not signed yet: the booking is refused, with the way to sign them.
    await confirm.getByRole('button', { name: 'Book this visit' }).click();
    await page.getByText('Please sign your consent forms first').waitFor();
    await page.getByRole('link', { name: 'Read and sign the consent forms' }).click();
    await page.getByRole('heading', { level: 1, name: 'Consent forms' }).waitFor();
    await signDocument(page, 'Consent to telehealth visits');
    await signDocument(page, 'Notice of privacy practices');
    await page.getByText('You have signed every required document.').waitFor();
    expect((await visitsOf(page)).upcoming).toEqual([]);

    await nav(page, /^Book a visit/, 'Book a visit');
    await page
      .getByRole('combobox', { name: /^Visit type/ })
      .selectOption({ label: 'Urgent care video visit' });
    const bookedName = await pickFirstOkaforTime(page);
    await page.getByRole('button', { name: `Continue with ${bookedName}` }).click();
    await page.getByRole('button', { name: 'Book this visit' }).click();
    const booked = page.getByRole('region', { name: 'Your visit is booked' });
    await booked.getByText(bookedName).waitFor();
    const intake = booked.getByRole('link', { name: 'fill in the pre-visit questionnaire' });
    expect(await intake.getAttribute('href')).toBe('/patient/intake?form=urgent-care');
    const [visit] = (await visitsOf(page)).upcoming;
    expect(visit).toMatchObject({ status: 'booked', provider: { displayName: 'Dr. Ada Okafor' } });

    // My visits lists it; she moves it to Dr. Okafor's first time still open.
    await nav(page, /^My visits/, 'My visits');
    const upcoming = page.getByRole('region', { name: 'Upcoming visits' });
    const item = upcoming.getByRole('listitem').filter({ hasText: bookedName });
    await item.getByRole('button', { name: 'Reschedule' }).click();
    await page.getByRole('heading', { level: 2, name: 'Reschedule your visit' }).waitFor();
    movedName = await pickFirstOkaforTime(page);
    // Her own visit holds the first time, so another one is offered first.
    expect(movedName).not.toBe(bookedName);
    await page.getByRole('button', { name: 'Move my visit' }).click();
    await page.getByText(`Your visit was moved to ${movedName}.`).waitFor();
    await upcoming.getByRole('listitem').filter({ hasText: movedName }).waitFor();
    await page
      .getByRole('region', { name: 'Past and cancelled visits' })
      .getByRole('row')
      .filter({ hasText: bookedName })
      .getByText('Moved to another time')
      .waitFor();
    const after = await visitsOf(page);
    expect(after.upcoming).toHaveLength(1);
    moved = after.upcoming[0]!;
    expect(moved.rescheduledFromId).toBe(visit!.id);
    expect(after.past.find((v) => v.id === visit!.id)?.status).toBe('cancelled');
  }, 120_000);

  it('Dr. Okafor sees the visit on her calendar and opens Maria’s chart from it', async () => {
    expect(moved).toBeDefined();
    const page = await suite.open('/sign-in');
    await signIn(page, 'dr.okafor@demo-clinic.test');
    await enrollAuthenticator(page);
    await nav(page, /^Calendar/, 'Calendar');
    // The calendar opens on this week (Monday first); the visit may be in the next one.
    const weeksAhead = Math.round(
      (mondayOf(new Date(moved!.startsAt)).getTime() - mondayOf(new Date()).getTime()) /
        (7 * 24 * 60 * 60 * 1000),
    );
    for (let week = 0; week < weeksAhead; week++) {
      await page.getByRole('button', { name: 'Next week' }).click();
    }
    const row = page.getByRole('row').filter({ hasText: 'Maria Lopez' });
    await row.getByText('Booked').waitFor();
    await row.getByText('Urgent care video visit').waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'Maria Lopez' }).count()).toBe(1);
    await row.getByRole('link', { name: 'Maria Lopez' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maria Lopez' }).waitFor();
  }, 90_000);

  it('Maria cancels the visit, told beforehand whether it is late', async () => {
    expect(moved).toBeDefined();
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient');
    await nav(page, /^My visits/, 'My visits');
    const item = page
      .getByRole('region', { name: 'Upcoming visits' })
      .getByRole('listitem')
      .filter({ hasText: movedName });
    await item.getByRole('button', { name: 'Cancel visit' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this visit?' });
    await dialog.getByText(movedName, { exact: false }).waitFor();
    // The urgent care window is 24 hours.
    const late = Date.parse(moved!.startsAt) - Date.now() < 24 * 60 * 60 * 1000;
    expect(await dialog.getByText('This is a late cancellation').count()).toBe(late ? 1 : 0);
    await dialog.getByRole('textbox', { name: /^Reason/ }).fill('Feeling better');
    await dialog.getByRole('button', { name: 'Cancel visit' }).click();
    await page.getByText(`Your visit on ${movedName} was cancelled`).waitFor();
    await page.getByText('No upcoming visits.').waitFor();
    const cancelled = (await visitsOf(page)).past.find((v) => v.id === moved!.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', lateCancellation: late });
  }, 90_000);
});
