import type { SealedColumn } from '../../platform/crypto/sealed-columns.js';

/** The identity module's sealed values (authenticator secrets), for key rotation. */
export const identitySealedColumns: SealedColumn[] = [
  { table: 'mfa_totp', id: 'user_id', column: 'secret_sealed' },
];
