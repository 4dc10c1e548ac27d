import type { SealedColumn } from '../../platform/crypto/sealed-columns.js';
import { memberIdContext } from './insurance-service.js';

/** The patients module's sealed values, for key rotation. */
export const patientSealedColumns: SealedColumn[] = [
  {
    table: 'insurance_policy_versions',
    id: 'id',
    column: 'member_id_sealed',
    context: { column: 'policy_id', of: memberIdContext },
  },
];
