import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { watchForErrors } from './support/browser.js';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

// Unique per run: a reused database (or a retried test) never matches an older conversation.
const run = randomBytes(3).toString('hex');
const subject = `Inhaler refill ${run}`;
const question = `Could you renew my inhaler prescription? (${run})`;
const answer = `Yes: the refill is at your pharmacy this afternoon. (${run})`;

// One story, in order: James writes to his care team; the front desk sees it arrive live,
// takes it and answers; James's two tabs follow without a reload.
describe('secure messaging in the browser', () => {
  const suite = browserSuite();

  const nav = (page: Page) => page.getByRole('navigation');
  const messagesOf = (page: Page) => page.getByRole('list', { name: 'Messages, oldest first' });
  const messageWith = (page: Page, text: string) =>
    messagesOf(page).getByRole('listitem').filter({ hasText: text });
  /**
   * One browser profile with tabs that share it (cookies, session, BroadcastChannel), as a
   * person with two tabs open has; the suite's pages each have a profile of their own.
   */
  const profile = async (from: Page) => {
    const context = await from.context().browser()!.newContext();
    const errors: string[][] = [];
    return {
      async tab(url: string) {
        const tab = await context.newPage();
        errors.push(watchForErrors(tab));
        await tab.goto(`${suite.server.baseUrl}${url}`);
        return tab;
      },
      errors: () => errors.flat(),
      close: () => context.close(),
    };
  };

  it('James writes; the front desk sees it live, takes it and answers; both of James’s tabs follow', async () => {
    // The front desk's inbox is open before James writes.
    const desk = await suite.open('/sign-in');
    await signIn(desk, 'frontdesk@demo-clinic.test');
    await enrollAuthenticator(desk);
    await nav(desk)
      .getByRole('link', { name: /^Inbox/ })
      .click();
    await desk.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await desk.getByRole('combobox', { name: 'Status' }).waitFor();
    // Survives only if the page is never reloaded.
    await desk.evaluate(() => {
      (window as unknown as { stayedOpen?: boolean }).stayedOpen = true;
    });

    const jamesProfile = await profile(desk);
    try {
      const james = await jamesProfile.tab('/sign-in');
      await signIn(james, 'james@demo-clinic.test');
      await james.waitForURL('**/patient');
      await nav(james)
        .getByRole('link', { name: /^Messages/ })
        .click();
      await james.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
      // The emergency guidance is above the form.
      const notice = james.getByRole('note').filter({ hasText: 'call 911' });
      await notice.getByText('Not for emergencies', { exact: true }).waitFor();
      await james.getByRole('textbox', { name: /^Subject/ }).fill(subject);
      await james.getByRole('textbox', { name: /^Message/ }).fill(question);
      await james.getByRole('button', { name: 'Send to my care team' }).click();
      await james.waitForURL('**/patient/messages/*');
      await james.getByRole('heading', { level: 1, name: subject }).waitFor();
      await james.getByText('Your message was sent to your care team.').waitFor();
      await james.getByRole('note').filter({ hasText: 'call 911' }).waitFor();
      await messageWith(james, question).getByText('You', { exact: true }).waitFor();

      // The front desk: the conversation arrives in the inbox, unread, without a reload.
      const row = desk.getByRole('row').filter({ hasText: subject });
      await row.getByText('James Park').waitFor();
      await row.getByText('1 unread').waitFor();
      await nav(desk)
        .getByRole('link', { name: /^Inbox.*unread/ })
        .waitFor();
      expect(
        await desk.evaluate(() => (window as unknown as { stayedOpen?: boolean }).stayedOpen),
      ).toBe(true);

      // Opening it reads it: James sees the receipt live.
      await row.getByRole('link', { name: subject }).click();
      await desk.getByRole('heading', { level: 1, name: subject }).waitFor();
      await messageWith(desk, question).getByText('James Park (patient)').waitFor();
      await messageWith(james, question).getByText('Read by care team').waitFor();
      await nav(desk).getByTestId('unread-badge').waitFor({ state: 'detached' });

      // The front desk takes it.
      await desk.getByRole('button', { name: 'Assign to me' }).click();
      await desk.getByText('Saved: Open, assigned to you.').waitFor();
      await desk.getByTestId('thread-assignee').getByText('Jordan Ellis').waitFor();

      // James goes back to his list, and opens a second tab on it.
      await james.getByRole('link', { name: 'All messages' }).click();
      await james.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
      const second = await jamesProfile.tab('/patient/messages');
      const tabs = [james, second];
      for (const tab of tabs) {
        await tab.getByRole('row').filter({ hasText: subject }).waitFor();
        expect(await nav(tab).getByTestId('unread-badge').count()).toBe(0);
      }

      // The answer: focus stays in the reply box for the next one.
      const replyBox = desk.getByRole('textbox', { name: /^Reply to the patient/ });
      await replyBox.fill(answer);
      await desk.getByRole('button', { name: 'Send', exact: true }).click();
      await messageWith(desk, answer).getByText('You', { exact: true }).waitFor();
      await desk.getByText('Message sent.').waitFor();
      expect(await replyBox.evaluate((element) => element === document.activeElement)).toBe(true);
      expect(await replyBox.inputValue()).toBe('');

      // Both of James's tabs: the badge and the row say it, live.
      for (const tab of tabs) {
        await nav(tab)
          .getByRole('link', { name: /^Messages.*1 unread/ })
          .waitFor();
        await tab.getByRole('row').filter({ hasText: subject }).getByText('1 unread').waitFor();
      }

      // James reads the answer, from his care team; the badge goes in both tabs.
      await james.getByRole('link', { name: subject }).click();
      await james.getByRole('heading', { level: 1, name: subject }).waitFor();
      await messageWith(james, answer).getByText('Jordan Ellis (care team)').waitFor();
      for (const tab of tabs) {
        await nav(tab).getByTestId('unread-badge').waitFor({ state: 'detached' });
      }
      await second.getByRole('row').filter({ hasText: subject }).waitFor();
      expect(
        await second
          .getByRole('row')
          .filter({ hasText: subject })
          .getByText(/unread/)
          .count(),
      ).toBe(0);
      // ...and the front desk sees that he read it.
      await messageWith(desk, answer).getByText('Read by patient').waitFor();

      // James answers back; the front desk's open conversation shows it, announced.
      const thanks = `Thank you! (${run})`;
      await james.getByRole('textbox', { name: /^Your message/ }).fill(thanks);
      await james.getByRole('textbox', { name: /^Your message/ }).press('Control+Enter');
      await messageWith(james, thanks).waitFor();
      await messageWith(desk, thanks).getByText('James Park (patient)').waitFor();
      await desk.getByText('New message from James Park.').waitFor();
      // Each message once, in order, on both screens.
      for (const page of [james, desk]) {
        const shown = await messagesOf(page).getByRole('listitem').allInnerTexts();
        const order = [question, answer, thanks].map((text) =>
          shown.findIndex((item) => item.includes(text)),
        );
        expect(order).toEqual([0, 1, 2]);
        expect(shown).toHaveLength(3);
      }
      expect(jamesProfile.errors()).toEqual([]);
    } finally {
      await jamesProfile.close();
    }
  }, 120_000);

  it('signing out in one tab sends the other, left alone, to sign in', async () => {
    const jamesProfile = await profile(await suite.open('/status'));
    try {
      const james = await jamesProfile.tab('/sign-in');
      await signIn(james, 'james@demo-clinic.test');
      await james.waitForURL('**/patient');
      await james.goto(`${suite.server.baseUrl}/patient/messages`);
      await james.getByRole('row').filter({ hasText: subject }).waitFor();
      const second = await jamesProfile.tab('/patient/messages');
      await second.getByRole('row').filter({ hasText: subject }).waitFor();
      await second.getByRole('button', { name: 'Sign out' }).click();
      await second.waitForURL('**/sign-in');
      // Nothing is done in the first tab: its socket hears that the session ended (the
      // server re-checks sessions every 30 seconds) and the page goes to sign in.
      await james.waitForURL('**/sign-in?next=%2Fpatient%2Fmessages', { timeout: 45_000 });
      expect(jamesProfile.errors()).toEqual([]);
    } finally {
      await jamesProfile.close();
    }
  }, 90_000);
});
