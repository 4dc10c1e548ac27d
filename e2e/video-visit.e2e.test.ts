import { createHmac } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startCoturn,
  tryAllocation,
  turnserverPath,
  type RunningCoturn,
} from '../server/src/platform/turn/coturn.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';
import { browserSuite } from './support/suite.js';

/*
 * Media must never leave this machine: the test runs only where the only network interface is
 * loopback, i.e. inside a network namespace (../shared/STACK-NOTES.md):
 *   ip netns add ovvid-$RANDOM; ip -n ovvid-… link set lo up
 *   ip netns exec ovvid-… npm run test:e2e -- video-visit; ip netns del ovvid-…
 */
const onlyLoopback = Object.keys(networkInterfaces()).every((name) => name === 'lo');
if (!onlyLoopback) {
  console.info(
    'video-visit: skipped, this machine has network interfaces besides lo; run it in a network namespace (see the top of the file)',
  );
}

const fakeMedia = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // Without it Chromium gathers no ICE candidate on loopback.
  '--allow-loopback-in-peer-connection',
];

/** The video element has a picture and its time moves on: frames are arriving. */
async function playsFrames(page: Page, video: Locator) {
  const handle = await video.elementHandle();
  // Forget what an earlier call on this element showed.
  await handle.evaluate((element) => {
    delete (element as { lastSeenTime?: number }).lastSeenTime;
  });
  await page.waitForFunction(
    (element) => {
      const v = element as HTMLVideoElement & { lastSeenTime?: number };
      if (v.videoWidth === 0) return false;
      const before = v.lastSeenTime;
      v.lastSeenTime = v.currentTime;
      return before !== undefined && v.currentTime > before;
    },
    handle,
    { polling: 250, timeout: 30_000 },
  );
}

/**
 * The journey up to a running call: Dr. Okafor's waiting room is open, Aisha checks in from
 * My visits after the device check, he admits her, and each side plays the other's camera.
 */
async function meetByVideo(suite: ReturnType<typeof browserSuite>) {
  // Dr. Okafor's waiting room is open before Aisha checks in.
  const doctor = await suite.open('/sign-in');
  await signIn(doctor, 'dr.okafor@demo-clinic.test');
  await enrollAuthenticator(doctor);
  await doctor
    .getByRole('navigation')
    .getByRole('link', { name: /^Waiting room/ })
    .click();
  await doctor.getByRole('heading', { level: 1, name: 'Waiting room' }).waitFor();
  await doctor.getByText('No one is waiting.').waitFor();

  // Aisha opens her visit from My visits: the device check shows her camera.
  const aisha = await suite.open('/sign-in');
  await signIn(aisha, 'aisha@demo-clinic.test');
  await aisha.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  await aisha.goto(`${suite.server.baseUrl}/patient/visits`);
  await aisha.getByRole('link', { name: /^Join video visit/ }).click();
  await aisha.getByRole('heading', { level: 1, name: 'Video visit' }).waitFor();
  await playsFrames(aisha, aisha.getByLabel('Your camera preview'));
  await aisha.getByText('Your connection to the clinic is live.').waitFor();
  await aisha.getByRole('button', { name: 'Check in' }).click();
  await aisha
    .getByText('Dr. Ada Okafor knows you are here; they will let you in shortly.')
    .waitFor();

  // She appears in Dr. Okafor's queue without a reload; he admits her.
  const row = doctor.getByRole('row').filter({ hasText: 'Aisha Bello' });
  await row.getByText('Urgent care video visit').waitFor();
  // Running late: he tells her, and her waiting room shows it at once.
  await row.getByRole('button', { name: 'Send Aisha Bello a note' }).click();
  await doctor.getByRole('dialog').getByRole('button', { name: 'Show it to Aisha Bello' }).click();
  await doctor.getByText('Aisha Bello now sees your note.').waitFor();
  await aisha.getByText("I'm running about 10 minutes late. Thank you for waiting.").waitFor();
  await row.getByRole('button', { name: 'Admit Aisha Bello' }).click();
  await doctor.waitForURL('**/provider/visits/**');

  // Both peer connections connect and each side plays the other's camera.
  for (const [page, other] of [
    [doctor, 'Aisha Bello'],
    [aisha, 'Dr. Ada Okafor'],
  ] as const) {
    await page.getByTestId('call-status').getByText('Connected', { exact: true }).waitFor();
    await playsFrames(page, page.getByLabel(`Video of ${other}`));
  }

  return { doctor, aisha };
}

describe.skipIf(!onlyLoopback)(
  'video visit (runs only with loopback as the only network interface: a network namespace)',
  () => {
    const suite = browserSuite(undefined, { browserArgs: fakeMedia });

    it('Aisha checks in, Dr. Okafor admits her, they see each other and chat, the visit ends', async () => {
      const { doctor, aisha } = await meetByVideo(suite);

      // A chat message each way, live on the other side.
      const chat = (page: Page) => page.getByRole('list', { name: 'Chat messages, oldest first' });
      const say = async (page: Page, text: string) => {
        await page.getByRole('textbox', { name: 'Message' }).fill(text);
        await page.getByRole('button', { name: 'Send' }).click();
      };
      await say(aisha, 'Can you hear me?');
      await chat(doctor).getByText('Can you hear me?').waitFor();
      await say(doctor, 'Yes, clearly. Here is the leaflet: https://example.org/care');
      await chat(aisha).getByText('Yes, clearly.', { exact: false }).waitFor();

      // Aisha reloads the page: her `hello` makes Dr. Okafor's side negotiate a new connection.
      const doctorsView = doctor.getByLabel('Video of Aisha Bello');
      await doctorsView.evaluate((v: HTMLVideoElement & { earlierStream?: unknown }) => {
        v.earlierStream = v.srcObject;
      });
      await aisha.reload();
      await aisha.getByTestId('call-status').getByText('Connected', { exact: true }).waitFor();
      await playsFrames(aisha, aisha.getByLabel('Video of Dr. Ada Okafor'));
      await doctorsView.evaluate(
        (v: HTMLVideoElement & { earlierStream?: unknown }) =>
          new Promise<void>((resolve) => {
            const check = () =>
              v.srcObject !== v.earlierStream ? resolve() : setTimeout(check, 100);
            check();
          }),
      );
      await playsFrames(doctor, doctorsView);
      // The chat is kept with the visit: both messages are still there.
      await chat(aisha).getByText('Can you hear me?').waitFor();

      // The note beside the call autosaves while Dr. Okafor types.
      const note = doctor.getByRole('region', { name: 'Visit note' });
      await note.getByRole('textbox', { name: 'Subjective' }).fill('Sore throat for three days.');
      await note.getByRole('textbox', { name: 'Assessment' }).fill('Viral pharyngitis.');
      await note
        .getByRole('textbox', { name: /^Summary for the patient/ })
        .fill('Your sore throat is from a virus. It should clear within a week.');
      await note
        .getByRole('textbox', { name: 'Follow-up instructions' })
        .fill('Warm drinks and rest. Message us if it is not better in 5 days.');
      await note
        .getByTestId('note-save-status')
        .getByText(/^Draft saved at/)
        .waitFor();

      // Dr. Okafor ends the visit (after confirming); it ends for Aisha too.
      await doctor.getByRole('button', { name: 'End visit' }).click();
      await doctor.getByRole('dialog').getByRole('button', { name: 'End visit' }).click();
      await doctor.getByText('The visit has ended').waitFor();
      await aisha.getByText('The visit has ended').waitFor();

      // He signs the note; it is locked, and Aisha reads the summary.
      await note.getByRole('button', { name: 'Sign the note' }).click();
      await note.getByText(/^Signed by Dr\. Ada Okafor on/).waitFor();
      await note.getByRole('button', { name: 'Amend the note' }).waitFor();
      await aisha.getByRole('main').getByRole('link', { name: 'My visits' }).click();
      await aisha.getByRole('link', { name: /^Summary of the visit on/ }).click();
      await aisha.getByRole('heading', { level: 1, name: 'Visit summary' }).waitFor();
      await aisha
        .getByText('Your sore throat is from a virus. It should clear within a week.')
        .waitFor();
      await aisha
        .getByText('Message us if it is not better in 5 days.', { exact: false })
        .waitFor();
      // The chart's sections stay the provider's.
      expect(await aisha.getByText('Viral pharyngitis.').count()).toBe(0);
    }, 180_000);
  },
);

describe.skipIf(!onlyLoopback || !turnserverPath)(
  'video visit through TURN only (a real coturn on loopback, ICE_TRANSPORT_POLICY=relay)',
  () => {
    let coturn: RunningCoturn | undefined;
    // Before the suite's server starts: the server is pointed at this coturn.
    beforeAll(async () => {
      coturn = await startCoturn();
    });
    afterAll(async () => {
      await coturn?.stop();
    });
    const suite = browserSuite(() => ({ ...coturn!.env, ICE_TRANSPORT_POLICY: 'relay' }), {
      browserArgs: fakeMedia,
    });

    it('connects through the relay with the short-lived credentials; expired ones are refused', async () => {
      // Relay only: the browsers offer no host candidates, so frames arriving means TURN.
      const { aisha } = await meetByVideo(suite);
      const log = coturn!.log();
      const relaying = new Set(
        [...log.matchAll(/user <(\d+):([^>]+)>: incoming packet ALLOCATE processed, success/g)].map(
          (m) => m[2],
        ),
      );
      expect(relaying.size).toBeGreaterThanOrEqual(2);
      expect(log).toMatch(/incoming packet CREATE_PERMISSION processed, success/);

      // The credentials the server hands out open a relay now; the same name with an expiry
      // in the past (signed with the right secret) is refused by coturn.
      const visitId = /\/patient\/visits\/([^/]+)\/room/.exec(aisha.url())![1]!;
      const clinicId = await aisha.evaluate(async () => {
        const me = (await (await fetch('/api/auth/session')).json()) as {
          memberships: { organizationId: string }[];
        };
        return me.memberships[0]!.organizationId;
      });
      const answer = (await (
        await aisha.request.get(
          `${suite.server.baseUrl}/api/clinics/${clinicId}/visits/${visitId}/ice-servers`,
        )
      ).json()) as {
        iceServers: { username?: string; credential?: string }[];
        iceTransportPolicy: string;
      };
      expect(answer.iceTransportPolicy).toBe('relay');
      const turn = answer.iceServers.find((server) => server.username)!;
      expect(
        (
          await tryAllocation(coturn!.port, {
            username: turn.username!,
            credential: turn.credential!,
          })
        ).relayed,
      ).toBe(true);
      const expiredName = `${Math.floor(Date.now() / 1000) - 60}:${turn.username!.split(':')[1]}`;
      const expired = {
        username: expiredName,
        credential: createHmac('sha1', coturn!.secret).update(expiredName).digest('base64'),
      };
      expect((await tryAllocation(coturn!.port, expired)).relayed).toBe(false);
    }, 180_000);
  },
);

describe.skipIf(!onlyLoopback)(
  'video visit with a guest (a mesh of three; runs only with loopback as the only network interface)',
  () => {
    // A server of its own: the demo visit is used once per server.
    const suite = browserSuite(undefined, { browserArgs: fakeMedia });

    it('Dr. Okafor invites an interpreter by link, admits him, all three see each other; removing him ends his call', async () => {
      const { doctor, aisha } = await meetByVideo(suite);

      // The invite: a single-use link, shown once, with when it expires.
      await doctor.getByRole('button', { name: 'Invite a guest' }).click();
      const dialog = doctor.getByRole('dialog', { name: 'Invite a guest' });
      await dialog.getByText('It works once', { exact: false }).waitFor();
      await dialog.getByRole('button', { name: 'Create the link' }).click();
      const url = await dialog.getByRole('textbox', { name: 'Invite link' }).inputValue();
      expect(url).toMatch(/\/visit-invite#[A-Za-z0-9_-]{43}$/);
      await dialog.getByText(/^It expires at/).waitFor();
      await dialog.getByRole('button', { name: 'Copy link' }).waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
      const guestRow = doctor
        .getByRole('list', { name: 'Guests of this visit' })
        .getByRole('listitem');
      await guestRow.getByText('Invited (link not used yet)').waitFor();

      // A third browser profile, no account, opens the link (the server's own origin here).
      const guest = await suite.open(`/visit-invite#${url.split('#')[1]}`);
      await guest.getByRole('heading', { level: 1, name: 'Video visit' }).waitFor();
      // The token leaves the address bar at once.
      await guest.waitForURL((address) => address.hash === '');
      // No app shell for a guest.
      expect(await guest.getByRole('navigation').count()).toBe(0);
      await guest.getByRole('textbox', { name: /^Your name/ }).fill('Sam Interpreter');
      await guest.getByRole('button', { name: 'Join the visit' }).click();
      await guest.getByText('The provider will let you in.', { exact: false }).waitFor();
      await playsFrames(guest, guest.getByLabel('Your camera preview'));
      await guest.getByText('Your connection to the clinic is live.').waitFor();

      // Dr. Okafor's list shows him waiting, live; Aisha sees who is waiting to join.
      await guestRow.getByText('Sam Interpreter', { exact: true }).waitFor();
      await guestRow.getByText('Waiting to be let in').waitFor();
      await aisha.getByText(/to let them in: Sam Interpreter\.$/).waitFor();
      await doctor.getByRole('button', { name: 'Admit Sam Interpreter' }).click();
      await guestRow.getByText('In the call').waitFor();

      // A mesh of three: each page has two peer connections and plays the other two cameras.
      for (const [page, others] of [
        [doctor, ['Aisha Bello', 'Sam Interpreter']],
        [aisha, ['Dr. Ada Okafor', 'Sam Interpreter']],
        // A guest is not told the patient's name.
        [guest, ['Patient', 'Dr. Ada Okafor']],
      ] as const) {
        await page.getByTestId('call-status').getByText('Connected', { exact: true }).waitFor();
        expect(await page.getByTestId('remote-video').count()).toBe(2);
        for (const other of others) await playsFrames(page, page.getByLabel(`Video of ${other}`));
      }
      await aisha
        .getByRole('list', { name: 'People in this call' })
        .getByText('Sam Interpreter (guest)')
        .waitFor();
      expect(await guest.getByText('Aisha', { exact: false }).count()).toBe(0);
      // Guests are not in the chat.
      expect(await guest.getByRole('textbox', { name: 'Message' }).count()).toBe(0);

      // Dr. Okafor removes him: his page says so, and the others' tiles for him go.
      await doctor.getByRole('button', { name: 'Remove Sam Interpreter' }).click();
      await guest.getByText('You were removed from this visit').waitFor();
      await guestRow.getByText('Removed').waitFor();
      for (const page of [doctor, aisha]) {
        await page.getByLabel('Video of Sam Interpreter').waitFor({ state: 'detached' });
        expect(await page.getByTestId('remote-video').count()).toBe(1);
      }
      // Aisha and Dr. Okafor are still in the call.
      await playsFrames(doctor, doctor.getByLabel('Video of Aisha Bello'));
      await playsFrames(aisha, aisha.getByLabel('Video of Dr. Ada Okafor'));
      // His camera is off: the call and the device check are gone from his page.
      expect(await guest.locator('video').count()).toBe(0);
    }, 240_000);
  },
);
