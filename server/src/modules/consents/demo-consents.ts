import type { ConsentKind } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { consentDocuments, consentSignatures } from '../../db/schema/index.js';
import { consentContentHash } from './content-hash.js';

/** Version 1 of the demo clinic's documents, in plain language (sample text, not legal advice). */
const demoDocuments: { kind: ConsentKind; title: string; required: boolean; body: string }[] = [
  {
    kind: 'telehealth',
    title: 'Consent to telehealth visits',
    required: true,
    body: `Telehealth means seeing your provider by video or phone instead of in person. This form explains what that involves. Please read it and sign if you agree.

What to expect. Your provider will see and hear you through your camera and microphone. They may ask you to move the camera, show a rash, or take your own temperature or blood pressure. Some problems cannot be checked well by video; if that happens, your provider will tell you and help you get seen in person.

Where you are matters. Providers may only treat you in a state where they are licensed. At each visit we ask where you are, and we only offer providers licensed there.

Privacy and security. Visits are not recorded. Video goes directly between your device and your provider's and is encrypted. Join from a private place if you can, and do not use a shared or public computer.

If something goes wrong. If the connection drops, we try to reconnect; if we cannot, your provider will call you at the number on your profile. In an emergency, call 911. Do not wait for a video visit.

Your choice. You may refuse telehealth and ask for an in-person visit at any time. Refusing does not affect your other care.`,
  },
  {
    kind: 'privacy-notice',
    title: 'Notice of privacy practices',
    required: true,
    body: `This notice describes how your health information may be used and shared, and how you can get access to it. Please review it carefully.

How we use your information. We use it to treat you, to get paid for your care, and to run the clinic (for example, to check the quality of our care). We share it with others only as the law allows, such as with another provider who is treating you or with your health plan.

What we never do without your written permission. We do not sell your information, use it for marketing, or share psychotherapy notes.

Your rights. You may see and get a copy of your record, ask us to correct it, ask for a list of who we shared it with, ask us to limit what we share, and ask us to contact you in a certain way. You can see who looked at your record under Access history.

Our duties. We must protect your information, tell you promptly if it is exposed in a breach, and follow this notice. If we change it, we will ask you to review the new version.

Questions or complaints. Contact the clinic's privacy officer. You may also complain to the U.S. Department of Health and Human Services. We will never hold a complaint against you.`,
  },
  {
    kind: 'financial-policy',
    title: 'Financial policy',
    required: false,
    body: `This policy explains how payment for your visits works.

Insurance. We bill your health plan when you give us your insurance details. You pay any copay, deductible or coinsurance your plan requires. Please keep your insurance information up to date.

Paying yourself. If you have no insurance, or choose not to use it, you pay the price shown when you book, before the visit.

Missed visits. Please cancel at least 24 hours ahead so someone else can use the time. Repeated missed visits may lead to a fee.

Questions about a bill. Message the clinic's front desk. We are happy to explain any charge and to set up a payment plan if you need one.`,
  },
];

/**
 * Seeds version 1 of each document (inside the demo seed's transaction). James has signed
 * all three; Maria and Aisha have not (signing is part of Maria's journey).
 */
export async function seedDemoConsents(
  tx: Pick<AppDatabase, 'insert'>,
  clinicId: string,
  idOf: (email: string) => string,
  now = new Date(),
) {
  const created = await tx
    .insert(consentDocuments)
    .values(
      demoDocuments.map((doc) => ({
        organizationId: clinicId,
        version: 1,
        ...doc,
        contentHash: consentContentHash({ ...doc, version: 1 }),
        publishedAt: now,
        publishedBy: idOf('admin@demo-clinic.test'),
      })),
    )
    .returning({ id: consentDocuments.id, contentHash: consentDocuments.contentHash });
  await tx.insert(consentSignatures).values(
    created.map((doc) => ({
      organizationId: clinicId,
      patientUserId: idOf('james@demo-clinic.test'),
      consentDocumentId: doc.id,
      typedName: 'James Park',
      signedAt: now,
      ipAddress: '127.0.0.1',
      userAgent: 'OpenVisit demo seed',
      contentHash: doc.contentHash,
    })),
  );
}
