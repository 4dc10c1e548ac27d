import type { AppDatabase } from '../../db/client.js';
import { consentDocuments } from '../../db/schema/index.js';
import { consentContentHash } from './content-hash.js';

/** Version 1 of a consent document at a clinic (tests and the authorization matrix). */
export async function makeConsentDocument(
  db: AppDatabase,
  clinicId: string,
  publishedBy: string,
  kind: 'telehealth' | 'privacy-notice' | 'financial-policy' = 'telehealth',
) {
  const content = { kind, version: 1, title: `Test ${kind}`, body: `The ${kind} text.` };
  const [row] = await db
    .insert(consentDocuments)
    .values({
      organizationId: clinicId,
      ...content,
      contentHash: consentContentHash(content),
      required: true,
      publishedBy,
    })
    .returning();
  return row!;
}
