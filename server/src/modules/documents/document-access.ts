import {
  administrativeDocumentCategories,
  documentCategories,
  type DocumentCategory,
} from '@openvisit/contracts';
import type { AccessBasis, RecordContent } from '../../platform/record-access.js';

/**
 * Which part of the record a document belongs to. The routes let staff and admins in
 * (`administrative`), and this decides per document: insurance cards and identification
 * run the clinic; everything else is clinical, for the patient and their providers only.
 */
export const contentOf = (category: string): RecordContent =>
  (administrativeDocumentCategories as readonly string[]).includes(category)
    ? 'administrative'
    : 'clinical';

/** Whether a viewer, on the basis the access policy found, may reach this category. */
export const mayReach = (basis: AccessBasis, category: string) =>
  basis !== 'clinic-staff' || contentOf(category) === 'administrative';

/** The categories a viewer may see and add. */
export const reachableCategories = (basis: AccessBasis): DocumentCategory[] =>
  documentCategories.filter((category) => mayReach(basis, category));
