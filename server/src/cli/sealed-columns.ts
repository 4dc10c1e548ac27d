import { documentSealedColumns } from '../modules/documents/sealed-columns.js';
import { identitySealedColumns } from '../modules/identity/sealed-columns.js';
import { patientSealedColumns } from '../modules/patients/sealed-columns.js';
import type { SealedColumn } from '../platform/crypto/sealed-columns.js';

/** Every column in the product that holds sealed values. */
export const sealedColumns: SealedColumn[] = [
  ...identitySealedColumns,
  ...patientSealedColumns,
  ...documentSealedColumns,
];
